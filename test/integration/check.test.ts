/**
 * `check` end to end against a real emulator: one broken pipeline per root cause, seeded
 * with the SDK the way a team's infrastructure would create it.
 */
import { describe, expect, it } from "vitest";
import { runBin, runCli, type CliResult } from "../helpers/cli.js";
import { MOTO_ACCOUNT, MOTO_REGION, type Moto } from "../helpers/moto.js";
import { useMoto } from "../helpers/use-moto.js";
import { PUBLISHER_SECRET, type Seeder, type IngestorNames } from "../helpers/seed.js";

let moto: Moto;
let seed: Seeder;
let env: Record<string, string>;

useMoto((world) => ({ moto, seed, env } = world));

const APP_EVENT = ["--source", "agent2.ingestor", "--detail-type", "Document Processing Required", "--detail", '{"job_id":"89fdf15c","files":["a.pdf"]}'];

function pipelineArgs(names: IngestorNames, extra: string[] = []): string[] {
  return ["--bus", names.bus, "--rule", names.rule, "--publisher", names.publisher, ...APP_EVENT, ...extra];
}

interface Report {
  status: string;
  rootCause: { id: string; title: string; fix: string | null } | null;
  findings: Array<{ id: string; status: string; title: string; detail?: string; fix?: string; evidence?: Record<string, unknown> }>;
  target: { region: string; account: string; bus: string; rule: string };
}

async function checkJson(args: string[]): Promise<{ result: CliResult; report: Report }> {
  const result = await runCli(["check", "--format", "json", ...args], { env });
  let report: Report;
  try {
    report = JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`check did not print JSON (exit ${result.code}):\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return { result, report };
}

function finding(report: Report, id: string) {
  const found = report.findings.find((f) => f.id === id);
  if (!found) throw new Error(`no ${id} finding in ${report.findings.map((f) => f.id).join(", ")}`);
  return found;
}

describe("check against moto", () => {
  it("passes a healthy pipeline with exit code 0", async () => {
    const names = await seed.ingestor();
    const { result, report } = await checkJson(pipelineArgs(names));
    expect(report.rootCause).toBeNull();
    expect(report.findings.filter((f) => f.status === "fail")).toEqual([]);
    expect(result.code).toBe(0);
    expect(report.target).toMatchObject({ region: MOTO_REGION, account: MOTO_ACCOUNT, bus: names.bus, rule: names.rule });
    expect(finding(report, "target.permission").status).toBe("pass");
    expect(finding(report, "metrics.matched").status).toBe("pass");
    expect(finding(report, "publisher.bus").status).toBe("pass");
  });

  const cases: Array<{ name: string; rootCause: string; seed: () => Promise<string[]>; expectText?: RegExp }> = [
    {
      name: "a disabled rule",
      rootCause: "rule.state",
      seed: async () => {
        const names = await seed.ingestor();
        await seed.rule({ name: names.rule, bus: names.bus, pattern: { source: ["agent2.ingestor"], "detail-type": ["Document Processing Required"] }, state: "DISABLED" });
        return pipelineArgs(names);
      },
      expectText: /enable-rule/,
    },
    {
      name: "the rule on another bus",
      rootCause: "rule.exists",
      seed: async () => {
        const names = await seed.ingestor();
        return pipelineArgs({ ...names, bus: "default" });
      },
      expectText: /agent2-ingestor-events-dev/,
    },
    {
      name: "no permission for EventBridge",
      rootCause: "target.permission",
      seed: async () => {
        const names = await seed.ingestor({ suffix: "-np" });
        // A second function without any policy replaces the target.
        const bare = await seed.fn("agent2-ingestor-bare-dev");
        await seed.target(names.rule, names.bus, bare, { Id: "target-1" });
        return pipelineArgs(names);
      },
      expectText: /add-permission/,
    },
    {
      name: "a permission naming the default-bus rule ARN form",
      rootCause: "target.permission",
      seed: async () => {
        const names = await seed.ingestor({ suffix: "-arn" });
        const fn = "agent2-ingestor-wrongarn-dev";
        const arn = await seed.fn(fn);
        await seed.permission(fn, `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:rule/${names.rule}`);
        await seed.target(names.rule, names.bus, arn, { Id: "target-1" });
        return pipelineArgs(names);
      },
      expectText: new RegExp(`rule/agent2-ingestor-events-dev-arn/agent2-ingestor-document-processing-dev-arn`),
    },
    {
      name: "a permission for another rule",
      rootCause: "target.permission",
      seed: async () => {
        const names = await seed.ingestor({ suffix: "-other" });
        const fn = "agent2-ingestor-otherrule-dev";
        const arn = await seed.fn(fn);
        await seed.permission(fn, `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:rule/${names.bus}/some-other-rule`);
        await seed.target(names.rule, names.bus, arn, { Id: "target-1" });
        return pipelineArgs(names);
      },
    },
    {
      name: "an alias target with the permission only on the function",
      rootCause: "target.permission",
      seed: async () => {
        const names = await seed.ingestor({ suffix: "-alias" });
        const aliasArn = await seed.alias(names.fn, "live");
        await seed.target(names.rule, names.bus, aliasArn, { Id: "target-1" });
        return pipelineArgs(names);
      },
      expectText: /--qualifier live/,
    },
    {
      name: "a publisher without the bus variable",
      rootCause: "publisher.bus",
      seed: async () => {
        const names = await seed.ingestor({ publisherEnv: { API_TOKEN: PUBLISHER_SECRET } });
        return pipelineArgs(names);
      },
      expectText: /EVENT_BUS_NAME/,
    },
    {
      name: "a publisher pointing at the default bus",
      rootCause: "publisher.bus",
      seed: async () => {
        const names = await seed.ingestor({ publisherEnv: { EVENT_BUS_NAME: "default", API_TOKEN: PUBLISHER_SECRET } });
        return pipelineArgs(names);
      },
    },
    {
      name: "an event that does not match the pattern",
      rootCause: "event.matches",
      seed: async () => {
        const names = await seed.ingestor();
        return ["--bus", names.bus, "--rule", names.rule, "--publisher", names.publisher, "--source", "agent2.ingestor", "--detail-type", "Document processing required"];
      },
      expectText: /differs only in case/,
    },
    {
      name: "a reserved aws. source",
      rootCause: "event.valid",
      seed: async () => {
        const names = await seed.ingestor();
        return ["--bus", names.bus, "--rule", names.rule, "--source", "aws.ingestor", "--detail-type", "Document Processing Required"];
      },
    },
    {
      name: "a rule without targets",
      rootCause: "targets.present",
      seed: async () => {
        const names = await seed.ingestor({ publisherEnv: { EVENT_BUS_NAME: "agent2-empty-dev", API_TOKEN: PUBLISHER_SECRET } });
        await seed.bus("agent2-empty-dev");
        await seed.rule({ name: "agent2-no-targets-dev", bus: "agent2-empty-dev", pattern: { source: ["agent2.ingestor"] } });
        return ["--bus", "agent2-empty-dev", "--rule", "agent2-no-targets-dev", "--publisher", names.publisher, ...APP_EVENT];
      },
    },
    {
      name: "a target function that does not exist",
      rootCause: "target.exists",
      seed: async () => {
        const names = await seed.ingestor();
        await seed.target(names.rule, names.bus, `arn:aws:lambda:${MOTO_REGION}:${MOTO_ACCOUNT}:function:agent2-ingestor-deleted-dev`, { Id: "target-1" });
        return pipelineArgs(names);
      },
    },
    // A target throttled to zero: moto 5.2's GetFunction leaves out a reserved concurrency of
    // 0, which AWS returns; test/collect/lambda-read.test.ts covers it with the answer AWS gives.
    {
      name: "failed invocations",
      rootCause: "metrics.delivery",
      seed: async () => {
        const names = await seed.ingestor();
        await seed.metric("AWS/Events", "FailedInvocations", { EventBusName: names.bus, RuleName: names.rule }, 3);
        return pipelineArgs(names);
      },
    },
    {
      name: "handler errors in the logs",
      rootCause: "logs.errors",
      seed: async () => {
        const names = await seed.ingestor();
        await seed.logLines(`/aws/lambda/${names.fn}`, ["[ERROR] KeyError: 'job_id'", "Traceback (most recent call last):"]);
        return pipelineArgs(names);
      },
      expectText: /KeyError/,
    },
  ];

  for (const scenario of cases) {
    it(`finds ${scenario.name}: root cause ${scenario.rootCause}, exit 1`, async () => {
      const args = await scenario.seed();
      const { result, report } = await checkJson(args);
      expect(report.rootCause?.id, JSON.stringify(report.findings.filter((f) => f.status !== "pass"), null, 2)).toBe(scenario.rootCause);
      expect(result.code).toBe(1);
      expect(report.status).toBe("fail");
      if (scenario.expectText) expect(JSON.stringify(finding(report, scenario.rootCause))).toMatch(scenario.expectText);
    });
  }

  it("never prints the publisher's secrets, in any format or in the snapshot", async () => {
    const names = await seed.ingestor({ publisherEnv: { API_TOKEN: PUBLISHER_SECRET, DB_PASSWORD: "hunter2-course-doctor" } });
    for (const format of ["pretty", "json", "markdown", "junit"]) {
      const result = await runCli(["check", "--format", format, ...pipelineArgs(names)], { env });
      expect(result.code).toBe(1);
      expect(result.stdout + result.stderr).not.toContain(PUBLISHER_SECRET);
      expect(result.stdout + result.stderr).not.toContain("hunter2-course-doctor");
    }
    const snapshot = await runCli(["snapshot", ...pipelineArgs(names)], { env });
    expect(snapshot.code).toBe(0);
    expect(snapshot.stdout).toContain("API_TOKEN");
    expect(snapshot.stdout).not.toContain(PUBLISHER_SECRET);
    expect(snapshot.stdout).not.toContain("hunter2-course-doctor");
  });

  it("diagnoses a saved snapshot offline exactly as it diagnosed it live", async () => {
    const names = await seed.ingestor({ publisherEnv: { API_TOKEN: PUBLISHER_SECRET } });
    const live = await checkJson(pipelineArgs(names));
    const saved = await runCli(["snapshot", ...pipelineArgs(names)], { env });
    const offline = await runCli(["check", "--format", "json", "--from", "-"], { env: {}, stdin: saved.stdout });
    const report = JSON.parse(offline.stdout) as Report;
    expect(report.rootCause).toEqual(live.report.rootCause);
    expect(report.findings.map((f) => [f.id, f.status])).toEqual(live.report.findings.map((f) => [f.id, f.status]));
    expect(offline.code).toBe(1);
  });

  it("picks the only rule on the bus when --rule is omitted, and asks when there are several", async () => {
    const names = await seed.ingestor();
    const only = await checkJson(["--bus", names.bus, "--publisher", names.publisher, ...APP_EVENT]);
    expect(only.report.target.rule).toBe(names.rule);
    await seed.rule({ name: "second-rule", bus: names.bus, pattern: { source: ["x"] } });
    const several = await runCli(["check", "--bus", names.bus], { env });
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/2 rules.*--rule.*--all/s);
  });

  it("checks every rule on the bus with --all", async () => {
    const names = await seed.ingestor();
    await seed.rule({ name: "orphan-rule", bus: names.bus, pattern: { source: ["x"] }, state: "DISABLED" });
    const result = await runCli(["check", "--all", "--bus", names.bus, "--format", "json"], { env });
    const set = JSON.parse(result.stdout) as { status: string; rules: Report[] };
    expect(set.rules.map((r) => r.target.rule).sort()).toEqual([names.rule, "orphan-rule"].sort());
    expect(set.rules.find((r) => r.target.rule === "orphan-rule")?.rootCause?.id).toBe("rule.state");
    expect(result.code).toBe(1);
  });

  it("exits 2 with one clear message when the endpoint is unreachable", async () => {
    const result = await runCli(["check", "--bus", "b", "--rule", "r", "--timeout", "20s"], {
      env: { ...env, AWS_ENDPOINT_URL: "http://127.0.0.1:9" },
    });
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toMatch(/aws\.access|reach|unreachable|ECONNREFUSED/i);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("the built CLI runs check end to end and prints the checklist", async () => {
    const names = await seed.ingestor({ publisherEnv: { API_TOKEN: PUBLISHER_SECRET } });
    const result = await runBin(["check", ...pipelineArgs(names)], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("publisher.bus");
    expect(result.stdout).toMatch(/Root cause/);
    expect(result.stdout).not.toMatch(/\x1b\[/);
    expect(result.stderr).not.toMatch(/NodeVersionSupportWarning|\n\s+at /);
  });
});
