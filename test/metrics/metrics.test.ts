/**
 * `metrics`: the table, sparklines and the interpretation line, against moto seeded with
 * the datapoints EventBridge and Lambda would publish; the pure parts as units.
 */
import { describe, expect, it } from "vitest";
import { bucketize, interpret, resolvePeriod, sparkline, type MetricRow } from "../../src/metrics/metrics.js";
import { runCli } from "../helpers/cli.js";
import type { Moto } from "../helpers/moto.js";
import { useMoto } from "../helpers/use-moto.js";
import { type Seeder } from "../helpers/seed.js";

describe("metrics: pieces", () => {
  it("buckets datapoints by period from the window's start, empty periods as 0", () => {
    const start = Date.parse("2026-12-01T10:00:00Z");
    const end = Date.parse("2026-12-01T10:30:00Z");
    const buckets = bucketize(
      [
        { t: "2026-12-01T10:00:00.000Z", v: 2 },
        { t: "2026-12-01T10:10:00.000Z", v: 5 },
        { t: "2026-12-01T10:12:00.000Z", v: 1 },
      ],
      start,
      end,
      300,
    );
    expect(buckets).toEqual([2, 0, 6, 0, 0, 0]);
  });

  it("draws zero as a dot and scales bars to the row's maximum; merges buckets to fit", () => {
    expect(sparkline([0, 1, 8, 4])).toBe("·▁█▄");
    expect(sparkline([0, 0, 0])).toBe("···");
    expect(sparkline(new Array(100).fill(1), 50)).toBe("█".repeat(50));
  });

  it("reads --period as whole minutes and refuses too many points", () => {
    expect(resolvePeriod(undefined, 3 * 3_600_000)).toBe(300);
    expect(resolvePeriod("1h", 24 * 3_600_000)).toBe(3_600);
    expect(() => resolvePeriod("30s", 3_600_000)).toThrow(/whole number of minutes/);
    expect(() => resolvePeriod("1m", 7 * 86_400_000)).toThrow(/10080 points/);
    expect(() => resolvePeriod("soon", 3_600_000)).toThrow(/--period: "soon" is not a duration/);
  });

  const row = (namespace: string, name: string, total: number): MetricRow => ({ namespace, name, dimensions: {}, function: namespace === "AWS/Lambda" ? "fn" : null, total, buckets: [total] });
  it("says what the numbers mean", () => {
    const hour = 3_600_000;
    expect(interpret([row("AWS/Events", "MatchedEvents", 12), row("AWS/Events", "Invocations", 12), row("AWS/Events", "FailedInvocations", 12)], hour)).toEqual({
      verdict: "problem",
      text: "matched 12, invoked 12, failed 12 → EventBridge could not invoke the target: check the resource policy (course-doctor policy)",
    });
    expect(interpret([row("AWS/Events", "MatchedEvents", 0)], hour).verdict).toBe("quiet");
    expect(interpret([row("AWS/Events", "MatchedEvents", 0)], 60_000).text).toContain("proves little");
    expect(interpret([row("AWS/Events", "MatchedEvents", 4)], hour).text).toContain("no target was invoked");
    expect(interpret([row("AWS/Events", "MatchedEvents", 4), row("AWS/Events", "Invocations", 4), row("AWS/Lambda", "Invocations", 4), row("AWS/Lambda", "Errors", 4)], hour).text).toContain(
      "the function ran 4, failed 4 → events reach the function and it fails",
    );
    expect(interpret([row("AWS/Events", "MatchedEvents", 4), row("AWS/Events", "Invocations", 4), row("AWS/Lambda", "Invocations", 4)], hour).verdict).toBe("ok");
    // Lambda accepted them and dropped them: FailedInvocations is 0, and still a problem.
    const dropped = interpret([row("AWS/Events", "MatchedEvents", 4), row("AWS/Events", "Invocations", 4), row("AWS/Lambda", "Invocations", 1), row("AWS/Lambda", "AsyncEventsDropped", 3)], hour);
    expect(dropped).toMatchObject({ verdict: "problem", text: expect.stringContaining("Lambda dropped 3 after accepting them") });
  });
});

describe("metrics against moto", () => {
  let moto: Moto;
  let seed: Seeder;
  let env: Record<string, string>;
  useMoto((world) => ({ moto, seed, env } = world));

  it("shows the rule's metrics under the dimensions they were published with, and the function's", async () => {
    const names = await seed.ingestor();
    const result = await runCli(["metrics", names.rule, "--bus", names.bus], { env });
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`metrics of rule ${names.rule}  on bus ${names.bus}`);
    expect(result.stdout).toContain("AWS/Events  EventBusName+RuleName");
    expect(result.stdout).toMatch(/MatchedEvents\s+3\s+·*█·*\n/);
    expect(result.stdout).toMatch(new RegExp(`${names.fn} Invocations\\s+3`));
    expect(result.stdout).toMatch(/FailedInvocations\s+0\s+·+\n/);
    expect(result.stdout).toContain("✔ matched 3, invoked 3, failed 0; the function ran 3 with 0 errors");
    expect(result.stdout).not.toMatch(/\x1b\[/);
  });

  it("fails with the resource-policy hint when invocations failed; JSON for scripts", async () => {
    const names = await seed.ingestor();
    await seed.metric("AWS/Events", "FailedInvocations", { EventBusName: names.bus, RuleName: names.rule }, 3);
    const result = await runCli(["metrics", "--rule", names.rule, "--bus", names.bus, "--since", "1h", "--period", "10m", "--format", "json"], { env });
    expect(result.code).toBe(1);
    const view = JSON.parse(result.stdout);
    expect(view).toMatchObject({ rule: names.rule, bus: names.bus, periodSeconds: 600, error: null, interpretation: { verdict: "problem" } });
    expect(view.interpretation.text).toContain("matched 3, invoked 3, failed 3 → EventBridge could not invoke the target");
    const failed = view.rows.find((r: MetricRow) => r.name === "FailedInvocations");
    expect(failed).toMatchObject({ namespace: "AWS/Events", dimensions: { EventBusName: names.bus, RuleName: names.rule }, total: 3 });
    // 1h in 10m periods: 6 buckets, 7 when the window does not start on a period boundary.
    expect([6, 7]).toContain(failed.buckets.length);
    expect(failed.buckets.reduce((a: number, b: number) => a + b, 0)).toBe(3);
  });

  it("does not count a same-name rule's metrics on another bus", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    await seed.metric("AWS/Events", "MatchedEvents", { EventBusName: "other-bus", RuleName: names.rule }, 7);
    const result = await runCli(["metrics", names.rule, "--bus", names.bus, "--format", "json"], { env });
    const view = JSON.parse(result.stdout);
    expect(view.rows.find((r: MetricRow) => r.name === "MatchedEvents").total).toBe(0);
    expect(view.interpretation.verdict).toBe("quiet");
    expect(result.code).toBe(0);
  });

  it("a missing rule is a problem (exit 1) with where to look; a bad --period is a usage error", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    const missing = await runCli(["metrics", "no-such-rule", "--bus", names.bus], { env });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`no rule no-such-rule on bus ${names.bus}`);
    const bad = await runCli(["metrics", names.rule, "--bus", names.bus, "--period", "90s"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")[0]).toMatch(/--period: "90s" must be a whole number of minutes/);
    const none = await runCli(["metrics"], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("name the rule");
  });
});
