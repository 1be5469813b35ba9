/**
 * The three outcomes, never blurred, in every format: the whole matrix of outcome × format
 * × --strict through `check --from`, with the exit code each must give and the status each
 * format must state (pretty, json, markdown, junit, and the GitHub job summary).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/model/snapshot.js";
import { runCli } from "../helpers/cli.js";
import { buildSnapshot, broken, FUNCTION, failed, variant } from "../fixtures/snapshot.js";

type Outcome = "pass" | "warn" | "fail" | "unknown";

const SNAPSHOTS: Record<Outcome, () => Snapshot> = {
  pass: buildSnapshot,
  // A peripheral check that could not run: the chain was read, so warn, not unknown.
  warn: () => variant((s) => (s.lambdaTargets[FUNCTION]!.logs = failed("throttled", undefined, "CloudWatch Logs throttled the call past the SDK's retries (ThrottlingException)"))),
  fail: broken.ruleDisabled,
  // The rule itself could not be read: nothing failed, and nothing is known.
  unknown: () => variant((s) => (s.rule = failed("error", "events:DescribeRule", 'EventBridge answered HTTP 500 InternalFailure: "We encountered an internal error."'))),
};

/** The exit code of each outcome, without and with --strict. */
const EXIT: Record<Outcome, [number, number]> = { pass: [0, 0], warn: [0, 1], fail: [1, 1], unknown: [2, 2] };
/** The status the documents state, without and with --strict. */
const STATUS: Record<Outcome, [string, string]> = { pass: ["pass", "pass"], warn: ["warn", "fail"], fail: ["fail", "fail"], unknown: ["unknown", "unknown"] };
const PRETTY: Record<string, RegExp> = {
  pass: /Healthy: every check passed\./,
  warn: /No check failed; 1 warning is worth a look|could not run/,
  fail: /Root cause  /,
  unknown: /Could not diagnose\s+rule\.exists: could not read rule agent2-ingestor-document-processing-dev:\s+EventBridge\s+answered HTTP 500 InternalFailure/,
};
const MARKDOWN: Record<string, string> = { pass: "— healthy", warn: "— healthy, with warnings", fail: "— broken", unknown: "— could not be diagnosed" };

const dir = mkdtempSync(join(tmpdir(), "course-doctor-outcomes-"));
function snapshotFile(outcome: Outcome): string {
  const path = join(dir, `${outcome}.json`);
  writeFileSync(path, JSON.stringify(SNAPSHOTS[outcome]()));
  return path;
}

const cases = (["pass", "warn", "fail", "unknown"] as const).flatMap((outcome) => [false, true].map((strict) => [outcome, strict] as const));

describe.each(cases)("outcome %s, --strict %s", (outcome, strict) => {
  const code = EXIT[outcome][strict ? 1 : 0];
  const status = STATUS[outcome][strict ? 1 : 0];
  const argv = (format: string) => ["check", "--from", snapshotFile(outcome), "--format", format, ...(strict ? ["--strict"] : [])];

  it(`json: status ${status}, exit ${code}`, async () => {
    const result = await runCli(argv("json"));
    expect(result.code).toBe(code);
    const report = JSON.parse(result.stdout) as { status: string; blockedBy: { id: string } | null; rootCause: unknown };
    expect(report.status).toBe(status);
    if (outcome === "unknown") expect(report).toMatchObject({ rootCause: null, blockedBy: { id: "rule.exists" } });
  });

  it(`pretty: says the outcome, exit ${code}`, async () => {
    const result = await runCli(argv("pretty"));
    expect(result.code).toBe(code);
    if (!strict || outcome !== "warn") expect(result.stdout).toMatch(PRETTY[outcome]!);
    if (outcome === "unknown") expect(result.stdout).not.toMatch(/No problem found|Healthy/);
  });

  it(`markdown: the title states the verdict, exit ${code}`, async () => {
    const result = await runCli(argv("markdown"));
    expect(result.code).toBe(code);
    const verdict = strict && outcome === "warn" ? "— broken" : MARKDOWN[outcome]!;
    expect(result.stdout.split("\n")[0]).toContain(verdict);
  });

  it(`junit: the status property and the failure counts agree, exit ${code}`, async () => {
    const result = await runCli(argv("junit"));
    expect(result.code).toBe(code);
    expect(result.stdout).toContain(`<property name="status" value="${status}"/>`);
    const failures = Number(/<testsuites [^>]*failures="(\d+)"/.exec(result.stdout)![1]);
    const errors = Number(/<testsuites [^>]*errors="(\d+)"/.exec(result.stdout)![1]);
    // A CI reporter fails the job exactly when course-doctor exits non-zero.
    expect(failures + errors > 0).toBe(code !== 0);
  });

  it(`GitHub job summary: the same verdict, exit ${code}`, async () => {
    const summary = join(dir, `summary-${outcome}-${strict}.md`);
    writeFileSync(summary, "");
    const result = await runCli(argv("pretty"), { env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary } });
    expect(result.code).toBe(code);
    const verdict = strict && outcome === "warn" ? "— broken" : MARKDOWN[outcome]!;
    expect(readFileSync(summary, "utf8").split("\n")[0]).toContain(verdict);
  });
});

describe("check --all: the worst rule decides (1 over 2 over 0)", () => {
  it.each([
    [["pass", "unknown"], 2, "unknown"],
    [["unknown", "fail", "pass"], 1, "fail"],
    [["pass", "warn"], 0, "warn"],
  ] as const)("%j → exit %i, status %s", async (outcomes, code, status) => {
    const path = join(dir, `all-${outcomes.join("-")}.json`);
    writeFileSync(path, JSON.stringify(outcomes.map((o, i) => ({ ...SNAPSHOTS[o](), request: { ...SNAPSHOTS[o]().request, rule: `rule-${i}` } }))));
    const result = await runCli(["check", "--from", path, "--format", "json"]);
    expect(result.code).toBe(code);
    expect((JSON.parse(result.stdout) as { status: string }).status).toBe(status);
  });
});
