import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PipelineFlags } from "../../src/settings/resolve.js";
import { AwsAccessError } from "../../src/errors.js";
import { runSmoke, type SmokeFlags } from "../../src/jobs/smoke.js";
import type { Diagnosis } from "../../src/model/finding.js";
import { runCli } from "../helpers/cli.js";
import { startFakeApi, type FakeApi } from "../jobs/fake-api.js";
import { dirWithConfig, emptyDir, SECRET_TOKEN, testContext } from "../jobs/helpers.js";

/** The diagnosis of a pipeline whose rule is disabled. */
function disabledRuleDiagnosis(): Diagnosis {
  const fix = "aws events enable-rule --name course-requested --event-bus-name courses-events-dev";
  return {
    schemaVersion: 1,
    status: "fail",
    rootCause: { id: "rule.state", title: "the rule is disabled", fix },
    blockedBy: null,
    findings: [
      { id: "aws.access", status: "pass", title: "credentials for arn:aws:iam::123456789012:user/ci" },
      { id: "bus.exists", status: "pass", title: "courses-events-dev" },
      { id: "rule.exists", status: "pass", title: "on courses-events-dev" },
      { id: "rule.state", status: "fail", title: "the rule is disabled", detail: "State is DISABLED: EventBridge matches no events for it.", fix },
    ],
    target: { region: "us-east-1", account: "123456789012", bus: "courses-events-dev", rule: "course-requested" },
    durationMs: 42,
    summary: { pass: 3, warn: 0, fail: 1, skip: 0, error: 0 },
    notes: [],
  };
}

function healthyDiagnosis(): Diagnosis {
  return {
    ...disabledRuleDiagnosis(),
    status: "pass",
    rootCause: null,
    findings: [{ id: "rule.state", status: "pass", title: "ENABLED" }],
    summary: { pass: 1, warn: 0, fail: 0, skip: 0, error: 0 },
  };
}

/** A diagnosis function that records its calls. */
function fakeDiagnose(result: () => Diagnosis | Promise<Diagnosis>) {
  const calls: PipelineFlags[] = [];
  const diagnose = async (_ctx: unknown, flags: PipelineFlags) => {
    calls.push(flags);
    return result();
  };
  return { calls, diagnose };
}

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(async () => {
  await api?.close();
});

function flags(query: string, more: Partial<SmokeFlags> = {}): SmokeFlags {
  return { apiUrl: api.url, query, interval: "20ms", stuckAfter: "150ms", bus: "courses-events-dev", rule: "course-requested", ...more };
}

/** Runs smoke in-process; returns the exit code (thrown CLI errors become their code and message). */
async function smoke(format: string, smokeFlags: SmokeFlags, deps: Parameters<typeof runSmoke>[2], options: { timeout?: string; interrupt?: AbortSignal; env?: Record<string, string> } = {}) {
  const { ctx, stdout, stderr } = testContext({ global: { format, timeout: options.timeout ?? "10s" }, interrupt: options.interrupt, env: options.env });
  let code: number;
  let error: { message: string; hint?: string } | undefined;
  try {
    code = await runSmoke(ctx, smokeFlags, deps);
  } catch (thrown) {
    const cliError = thrown as { exitCode?: number; message: string; hint?: string };
    if (cliError.exitCode === undefined) throw thrown;
    code = cliError.exitCode;
    error = cliError;
  }
  return { code, stdout: stdout.text(), stderr: stderr.text(), error };
}

describe("smoke: a job stuck in its first state gets the pipeline diagnosis", () => {
  it("pretty: diagnoses once, prints the root cause with the timeout, exit 3 well before the deadline", async () => {
    const { calls, diagnose } = fakeDiagnose(disabledRuleDiagnosis);
    const started = Date.now();
    const result = await smoke("pretty", flags("never"), { diagnose });
    expect(result.code).toBe(3);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(calls).toEqual([{ bus: "courses-events-dev", rule: "course-requested" }]);
    expect(result.stdout).toMatch(/^job c-\d+ submitted \(processing\)\n/);
    // The check feature's own pretty report, embedded.
    expect(result.stdout).toContain("rule.state");
    expect(result.stdout).toContain("the rule is disabled");
    expect(result.stdout).toContain("aws events enable-rule --name course-requested");
    expect(result.stderr).toMatch(/has not left processing · searching_books for \d+ms: diagnosing the pipeline/);
    expect(result.error!.message).toMatch(/job c-\d+ stuck in processing · searching_books for .* \(--stuck-after 150ms\) — root cause rule\.state: the rule is disabled/);
    expect(result.error!.hint).toMatch(/^resume with: course-doctor jobs status c-\d+ --wait --api-url /);
  });

  it("json: one document with the job's fields and the diagnosis", async () => {
    const { diagnose } = fakeDiagnose(disabledRuleDiagnosis);
    const result = await smoke("json", flags("never"), { diagnose });
    expect(result.code).toBe(3);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({
      status: "processing",
      phase: "searching_books",
      outcome: "stuck",
      api: "courses",
      stuckAfterMs: 150,
      stuck: { status: "processing", phase: "searching_books" },
      diagnosis: { status: "fail", rootCause: { id: "rule.state", title: "the rule is disabled" } },
      diagnosisError: null,
    });
    expect(document.id).toMatch(/^c-\d+$/);
    expect(document.elapsedMs).toBeGreaterThanOrEqual(150);
    expect(result.stderr).toContain(`job ${document.id} submitted`);
  });

  it("junit: the job's test cases, then the findings as test cases, in one document", async () => {
    const { diagnose } = fakeDiagnose(disabledRuleDiagnosis);
    const result = await smoke("junit", flags("never"), { diagnose });
    expect(result.code).toBe(3);
    const xml = result.stdout;
    expect(xml.match(/<\?xml/g)).toHaveLength(1);
    expect(xml.match(/<testsuites\b/g)).toHaveLength(1);
    expect(xml).toMatch(/<testcase classname="smoke" name="job submitted" time="[\d.]+">/);
    expect(xml).toMatch(/<testcase classname="smoke" name="job completed" time="[\d.]+">\s*<failure message="job c-\d+ stuck in processing · searching_books[^"]*" type="stuck">/);
    expect(xml).toContain("root cause rule.state: the rule is disabled");
    expect(xml).toMatch(/<testcase [^>]*name="rule.state"[^>]*>\s*<failure/);
    // Totals: 2 smoke cases + 4 findings; 1 smoke failure + 1 finding failure.
    expect(xml).toMatch(/<testsuites name="course-doctor smoke" tests="6" failures="2" errors="0"/);
    expect(xml.trim().endsWith("</testsuites>")).toBe(true);
  });

  it("markdown: a short write-up with the diagnosis", async () => {
    const { diagnose } = fakeDiagnose(disabledRuleDiagnosis);
    const result = await smoke("markdown", flags("never"), { diagnose });
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^## ❌ Smoke test failed: the job is stuck/);
    expect(result.stdout).toMatch(/\| Root cause \| `rule.state` the rule is disabled \|/);
    expect(result.stdout).toContain("### Pipeline diagnosis");
    expect(result.stdout).toContain("aws events enable-rule");
  });

  it("a diagnosis that finds nothing wrong lets the wait go on; the job completes: exit 0", async () => {
    const { calls, diagnose } = fakeDiagnose(healthyDiagnosis);
    const result = await smoke("json", flags("slow-start", { interval: "40ms", stuckAfter: "100ms" }), { diagnose });
    expect(calls).toHaveLength(1);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ outcome: "completed", status: "completed", stuck: { phase: "searching_books" }, diagnosis: { status: "pass" } });
    expect(result.stderr).toContain("the pipeline diagnosis found no failure; still waiting");
  });

  it("a diagnosis that cannot run (no AWS credentials) does not hide the timeout: exit 3 with both", async () => {
    const diagnose = async () => {
      throw new AwsAccessError("no AWS credentials found");
    };
    const result = await smoke("pretty", flags("never", { stuckAfter: "60ms" }), { diagnose }, { timeout: "400ms" });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("the pipeline diagnosis could not run: no AWS credentials found");
    expect(result.error!.message).toMatch(/did not finish within 400ms .* the pipeline diagnosis could not run: no AWS credentials found/);
  });

  it("a job that completes needs no diagnosis: exit 0, a passing JUnit report", async () => {
    const { calls, diagnose } = fakeDiagnose(disabledRuleDiagnosis);
    const result = await smoke("junit", flags("complete-smoke"), { diagnose });
    expect(result.code).toBe(0);
    expect(calls).toHaveLength(0);
    expect(result.stdout).toMatch(/<testsuites name="course-doctor smoke" tests="2" failures="0" errors="0"/);
  });

  it("a failed job: exit 1 with the API's error text", async () => {
    const result = await smoke("pretty", flags("fail"), { diagnose: fakeDiagnose(disabledRuleDiagnosis).diagnose });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("error: the model timed out");
  });

  it("a submit that fails still writes the JUnit report, then exits 2", async () => {
    const result = await smoke("junit", flags("submit-500"), { diagnose: fakeDiagnose(disabledRuleDiagnosis).diagnose });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/<testcase classname="smoke" name="job submitted"[^>]*>\s*<error message="the API failed to submit the job: HTTP 500/);
    expect(result.stdout).toContain('<skipped message="no job was submitted"/>');
  });

  it("Ctrl-C: exit 130 with the resume hint", async () => {
    const controller = new AbortController();
    api.onStatus = (_id, n) => {
      if (n === 2) controller.abort();
    };
    const result = await smoke("pretty", flags("never", { stuckAfter: "1h" }), {}, { interrupt: controller.signal });
    api.onStatus = undefined;
    expect(result.code).toBe(130);
    expect(result.error!.hint).toMatch(/course-doctor jobs status c-\d+ --wait/);
  });

  it("never prints the token, with the diagnosis and in every format", async () => {
    const secured = await startFakeApi({ token: SECRET_TOKEN });
    try {
      for (const format of ["pretty", "json", "junit", "markdown"]) {
        const { diagnose } = fakeDiagnose(disabledRuleDiagnosis);
        const result = await smoke(format, { ...flags("never"), apiUrl: secured.url }, { diagnose }, { env: { COURSE_DOCTOR_TOKEN: SECRET_TOKEN } });
        expect(result.code).toBe(3);
        expect(result.stdout + result.stderr + JSON.stringify(result.error)).not.toContain(SECRET_TOKEN);
      }
    } finally {
      await secured.close();
    }
  });
});

describe("smoke from the command line", () => {
  it("submits a small default course job and exits 0 when it completes", async () => {
    const result = await runCli(["smoke", "--api-url", api.url, "--interval", "20ms", "--bus", "courses-events-dev", "--since", "30m"], { cwd: emptyDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/job c-\d+ submitted \(processing\)\n✔ job c-\d+ completed in/);
    const sent = api.requests.filter((request) => request.method === "POST").at(-1)!;
    expect(JSON.parse(sent.body)).toEqual({ query: "course-doctor smoke test", hours: 1 });
  });

  it("reads the job, interval and thresholds from the config's smoke section", async () => {
    const dir = dirWithConfig({ api: { url: api.url }, smoke: { body: { query: "complete-from-config", hours: 2 }, interval: "20ms", stuckAfter: "5s", timeout: "10s" } });
    const result = await runCli(["--format", "json", "smoke"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome: "completed", stuckAfterMs: 5000, timeoutMs: 10000 });
    expect(api.requests.some((request) => request.body.includes("complete-from-config"))).toBe(true);
  });

  it("bad input fails before any job is submitted: --since, --stuck-after, the ingestor without a body", async () => {
    const before = api.requests.filter((request) => request.method === "POST").length;
    const cases = [
      [["smoke", "--api-url", api.url, "--since", "yesterday"], '--since: "yesterday" is not a duration'],
      [["smoke", "--api-url", api.url, "--stuck-after", "a while"], '--stuck-after: "a while" is not a duration'],
      [["smoke", "--api", "ingestor", "--api-url", api.url], "smoke needs a job to submit to the ingestor API"],
      [["smoke", "--api-url", api.url, "--event", "{oops"], "--event"],
    ] as const;
    for (const [argv, message] of cases) {
      const result = await runCli([...argv], { cwd: emptyDir() });
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
    }
    expect(api.requests.filter((request) => request.method === "POST").length).toBe(before);
  });

  it("smoke --help lists the pipeline flags and --stuck-after", async () => {
    const result = await runCli(["smoke", "--help"]);
    expect(result.code).toBe(0);
    for (const flag of ["--stuck-after", "--bus", "--rule", "--publisher", "--source", "--detail-type", "--since", "--api-url", "--token", "Examples:"]) {
      expect(result.stdout).toContain(flag);
    }
  });
});
