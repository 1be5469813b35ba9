/**
 * `logs` end to end against moto: recent lines, the --since window, the --filter re-check,
 * "no logs yet", the configured rule's target as default, and --follow by polling.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Aws } from "../../src/aws/clients.js";
import { tailLogGroup, type TailEvent, type TailMode } from "../../src/logs/tail.js";
import { runCli } from "../helpers/cli.js";
import { MOTO_ACCOUNT, MOTO_REGION, type Moto } from "../helpers/moto.js";
import { useMoto } from "../helpers/use-moto.js";
import { type Seeder } from "../helpers/seed.js";

let moto: Moto;
let seed: Seeder;
let env: Record<string, string>;

useMoto((world) => ({ moto, seed, env } = world));

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (2026\/11\/22\/\[\$LATEST\][0-9a-f]+) (.*)$/;

function lines(stdout: string): string[] {
  return stdout.split("\n").filter((line) => line !== "");
}

describe("logs: recent lines", () => {
  it("prints one line per event with its time and stream, oldest first", async () => {
    const at = Date.now() - 60_000;
    await seed.logLines("/aws/lambda/orders-fn", ["START RequestId: 1", "processing order 42", "END RequestId: 1"], at);
    const result = await runCli(["logs", "orders-fn"], { env });
    expect(result.code).toBe(0);
    const printed = lines(result.stdout);
    expect(printed).toHaveLength(3);
    const parsed = printed.map((line) => LINE.exec(line));
    expect(parsed.every(Boolean)).toBe(true);
    expect(parsed.map((m) => m![3])).toEqual(["START RequestId: 1", "processing order 42", "END RequestId: 1"]);
    expect(parsed[1]![1]).toBe(new Date(at + 1).toISOString());
    expect(result.stdout).not.toMatch(/\x1b\[/);
  });

  it("accepts a log group, a function ARN and a qualified name for the same group", async () => {
    await seed.logLines("/aws/lambda/orders-fn", ["hello from orders"]);
    for (const target of ["/aws/lambda/orders-fn", `arn:aws:lambda:${MOTO_REGION}:${MOTO_ACCOUNT}:function:orders-fn:live`, "orders-fn:live"]) {
      const result = await runCli(["logs", target], { env });
      expect(result.code, target).toBe(0);
      expect(result.stdout, target).toContain("hello from orders");
    }
  });

  it("highlights error lines on a terminal only", async () => {
    await seed.logLines("/aws/lambda/orders-fn", ["all good", "[ERROR] KeyError: 'job_id'"]);
    const tty = await runCli(["logs", "orders-fn"], { env, tty: true });
    expect(tty.code).toBe(0);
    const [good, bad] = lines(tty.stdout);
    expect(bad).toMatch(/\x1b\[31m\[ERROR\] KeyError: 'job_id'\x1b\[39m$/);
    expect(good).not.toContain("\x1b[31m");
    const plain = await runCli(["logs", "orders-fn"], { env });
    expect(plain.stdout).not.toMatch(/\x1b\[/);
  });

  it("reads only the --since window (default 15m)", async () => {
    await seed.logLines("/aws/lambda/orders-fn", ["two hours ago"], Date.now() - 2 * 3_600_000);
    await seed.logLines("/aws/lambda/orders-fn", ["twenty minutes ago"], Date.now() - 20 * 60_000);
    await seed.logLines("/aws/lambda/orders-fn", ["a minute ago"], Date.now() - 60_000);
    const byDefault = await runCli(["logs", "orders-fn"], { env });
    expect(lines(byDefault.stdout).map((line) => LINE.exec(line)![3])).toEqual(["a minute ago"]);
    const hour = await runCli(["logs", "orders-fn", "--since", "1h"], { env });
    expect(lines(hour.stdout).map((line) => LINE.exec(line)![3])).toEqual(["twenty minutes ago", "a minute ago"]);
    const all = await runCli(["logs", "orders-fn", "--since", "3h"], { env });
    expect(lines(all.stdout)).toHaveLength(3);
  });

  it("says when the window holds no lines", async () => {
    await seed.logLines("/aws/lambda/orders-fn", ["two hours ago"], Date.now() - 2 * 3_600_000);
    const result = await runCli(["logs", "orders-fn"], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("no log lines in /aws/lambda/orders-fn in the last 15m");
  });

  it("prints NDJSON with --format json", async () => {
    const at = Date.now() - 30_000;
    await seed.logLines("/aws/lambda/orders-fn", ["first", '{"level":"error","msg":"boom"}'], at);
    const result = await runCli(["logs", "orders-fn", "--format", "json"], { env });
    expect(result.code).toBe(0);
    const objects = lines(result.stdout).map((line) => JSON.parse(line));
    expect(objects).toEqual([
      { timestamp: new Date(at).toISOString(), stream: expect.stringMatching(/^2026\/11\/22\//), message: "first", group: "/aws/lambda/orders-fn" },
      { timestamp: new Date(at + 1).toISOString(), stream: objects[0].stream, message: '{"level":"error","msg":"boom"}', group: "/aws/lambda/orders-fn" },
    ]);
  });
});

describe("logs --filter", () => {
  const messages = ["ERROR: payment declined", "error: lowercase is another term", "INFO order 42 stored", "Exception in thread main", "DEBUG ERROR detail"];

  it("re-checks term patterns that moto matches approximately", async () => {
    await seed.logLines("/aws/lambda/orders-fn", messages);
    // moto answers "?" and "-" patterns with every line; CloudWatch would not.
    const any = await runCli(["logs", "orders-fn", "--filter", "?ERROR ?Exception"], { env });
    expect(any.code).toBe(0);
    expect(lines(any.stdout).map((line) => LINE.exec(line)![3])).toEqual(["ERROR: payment declined", "Exception in thread main", "DEBUG ERROR detail"]);
    const exclude = await runCli(["logs", "orders-fn", "--filter", "-DEBUG"], { env });
    expect(lines(exclude.stdout)).toHaveLength(4);
    expect(exclude.stdout).not.toContain("DEBUG ERROR detail");
    const both = await runCli(["logs", "orders-fn", "--filter", "ERROR payment"], { env });
    expect(lines(both.stdout).map((line) => LINE.exec(line)![3])).toEqual(["ERROR: payment declined"]);
  });

  it("says nothing matched in the window", async () => {
    await seed.logLines("/aws/lambda/orders-fn", messages);
    const result = await runCli(["logs", "orders-fn", "--filter", "?Timeout ?OutOfMemory"], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("matching ?Timeout ?OutOfMemory");
  });
});

describe("logs: missing groups and default target", () => {
  it("treats a missing log group as no logs yet, exit 0", async () => {
    const result = await runCli(["logs", "never-ran-fn"], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("no logs yet: log group /aws/lambda/never-ran-fn does not exist (the function has not run, or not logged, yet)");
  });

  it("reads the log group of the rule's Lambda target from flags or the config file", async () => {
    const names = await seed.ingestor();
    const byFlags = await runCli(["logs", "--bus", names.bus, "--rule", names.rule, "-v"], { env });
    expect(byFlags.code).toBe(0);
    expect(byFlags.stdout).toMatch(/ processing job 89fdf15c\n/);
    expect(byFlags.stderr).toContain(`log group /aws/lambda/${names.fn} (the target of rule ${names.rule})`);

    const dir = mkdtempSync(join(tmpdir(), "cd-logs-"));
    writeFileSync(join(dir, "course-doctor.config.json"), JSON.stringify({ environments: { dev: { bus: names.bus, rule: names.rule } } }));
    const byConfig = await runCli(["logs", "--env", "dev"], { env, cwd: dir });
    expect(byConfig.code).toBe(0);
    expect(byConfig.stdout).toContain("processing job 89fdf15c");
  });

  it("reads a CloudWatch Logs target's group", async () => {
    await seed.bus("audit");
    await seed.rule({ name: "audit-all", bus: "audit", pattern: { source: ["shop.orders"] } });
    await seed.target("audit-all", "audit", `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:/aws/events/audit`);
    await seed.logLines("/aws/events/audit", ['{"source":"shop.orders"}']);
    const result = await runCli(["logs", "--bus", "audit", "--rule", "audit-all"], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('{"source":"shop.orders"}');
  });

  it("refuses a rule whose targets leave no logs, and a missing rule, with exit 2", async () => {
    await seed.bus("orders");
    await seed.rule({ name: "to-queue", bus: "orders", pattern: { source: ["shop.orders"] } });
    const queue = await seed.queue("orders-q");
    await seed.target("to-queue", "orders", queue.arn);
    const noLogs = await runCli(["logs", "--bus", "orders", "--rule", "to-queue"], { env });
    expect(noLogs.code).toBe(2);
    expect(noLogs.stderr).toContain("rule to-queue has no Lambda or log group target (its targets: sqs)");
    const missing = await runCli(["logs", "--bus", "orders", "--rule", "nope"], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("rule nope does not exist on bus orders");
  });
});

describe("logs --follow against moto", () => {
  it("falls back to polling, prints a line written after the start, and ends with exit 0 on Ctrl-C", async () => {
    await seed.logLines("/aws/lambda/orders-fn", ["before the follow"], Date.now() - 30_000);
    const controller = new AbortController();
    const running = runCli(["logs", "orders-fn", "--follow", "--since", "5m", "-v"], { env, interrupt: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await seed.logLines("/aws/lambda/orders-fn", ["written while following"], Date.now());
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    controller.abort();
    const result = await running;
    expect(result.code).toBe(0);
    expect(lines(result.stdout).map((line) => LINE.exec(line)![3])).toEqual(["before the follow", "written while following"]);
    expect(result.stderr).toContain("following /aws/lambda/orders-fn… (Ctrl-C to stop)");
    expect(result.stderr).toContain(`following without Live Tail: Live Tail is not available through the endpoint override ${moto.endpoint}: polling FilterLogEvents every 2s`);
  });

  it("is not cut by the --timeout deadline of ordinary calls", async () => {
    const controller = new AbortController();
    const running = runCli(["logs", "orders-fn", "--follow", "--timeout", "1s"], { env, interrupt: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await seed.logLines("/aws/lambda/orders-fn", ["after the deadline"], Date.now());
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    controller.abort();
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("no logs yet: log group /aws/lambda/orders-fn does not exist");
    expect(result.stderr).toContain("waiting for it");
    expect(result.stdout).toContain("after the deadline");
  });

  it("tailLogGroup polls from a start time and stops on abort", async () => {
    await seed.logLines("/aws/lambda/orders-fn", ["old"], Date.now() - 10_000);
    const aws = new Aws({ timeoutMs: 60_000, env });
    const controller = new AbortController();
    const seen: TailEvent[] = [];
    const modes: TailMode[] = [];
    const started = Date.now();
    const tail = tailLogGroup(aws, "/aws/lambda/orders-fn", {
      startTime: started - 60_000,
      follow: true,
      signal: controller.signal,
      pollMs: 100,
      onMode: (mode) => modes.push(mode),
      onEvent: (event) => {
        seen.push(event);
        if (event.message === "new") controller.abort();
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await seed.logLines("/aws/lambda/orders-fn", ["new"], Date.now());
    const result = await tail;
    aws.destroy();
    expect(result).toMatchObject({ groupExists: true, events: 2, mode: "polling", interrupted: true });
    expect(modes).toEqual(["polling"]);
    expect(seen.map((e) => e.message)).toEqual(["old", "new"]);
    expect(seen[1]!.stream).toMatch(/^2026\/11\/22\//);
  });
});
