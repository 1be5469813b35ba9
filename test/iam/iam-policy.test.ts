/**
 * `iam-policy`: the printed policy, and the two drift guards that keep it true — every SDK
 * command the sources import is listed, and every action real command runs against moto
 * record is granted by the policy they would be run under.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import { describe, expect, it } from "vitest";
import { Aws } from "../../src/aws/clients.js";
import { BUS_LOGS_ACTIONS, grantedActions, iamPolicy, PEEK_ACTIONS, PROBE_ACTIONS, READ_ACTIONS, TAIL_ACTIONS, TRACE_ACTIONS, UNRESTRICTED_ACTIONS, type PolicyDocument } from "../../src/iam/actions.js";
import { TRACE_GROUP_PREFIX } from "../../src/probe/probe.js";
import { REPO_ROOT, runCli } from "../helpers/cli.js";
import { MOTO_ACCOUNT, MOTO_REGION, type Moto } from "../helpers/moto.js";
import { useMoto } from "../helpers/use-moto.js";
import { type Seeder } from "../helpers/seed.js";

const WRITES = /:(Put|Create|Delete|Remove|Tag|Untag|Update|Send|Start(?!LiveTail)|Invoke|Add)/;
const SERVICE_OF_PACKAGE: Record<string, string> = {
  "client-eventbridge": "events",
  "client-lambda": "lambda",
  "client-cloudwatch": "cloudwatch",
  "client-cloudwatch-logs": "logs",
  "client-sts": "sts",
  "client-sqs": "sqs",
  "client-sns": "sns",
  "client-kms": "kms",
  "client-iam": "iam",
  "client-sfn": "states",
  "client-firehose": "firehose",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** "logs:FilterLogEvents" for every XCommand imported as a value from an @aws-sdk client in src/. */
function importedActions(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(join(REPO_ROOT, "src"))) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/(client-[a-z-]+)"/g)) {
      const service = SERVICE_OF_PACKAGE[match[2]!];
      for (const name of match[1]!.split(",").map((part) => part.trim())) {
        if (!name.endsWith("Command") || name.startsWith("type ")) continue;
        expect(service, `${file} imports from @aws-sdk/${match[2]}`).toBeDefined();
        found.set(`${service}:${name.replace(/Command$/, "")}`, file.slice(REPO_ROOT.length));
      }
    }
  }
  return found;
}

function allowed(policy: PolicyDocument): Set<string> {
  return new Set([...grantedActions(policy), ...UNRESTRICTED_ACTIONS]);
}

describe("iam-policy output", () => {
  it("prints a read-only policy document by default, with no write action", async () => {
    const result = await runCli(["iam-policy"]);
    expect(result.code).toBe(0);
    const policy = JSON.parse(result.stdout) as PolicyDocument;
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({ Sid: "CourseDoctorRead", Effect: "Allow", Resource: "*" });
    expect(policy.Statement[0]!.Action).toEqual(expect.arrayContaining(["events:DescribeRule", "lambda:GetPolicy", "cloudwatch:GetMetricData", "logs:StartLiveTail"]));
    expect([...grantedActions(policy)].filter((action) => WRITES.test(action))).toEqual([]);
    expect(result.stderr).toContain("read-only (add --probe");
  });

  it("--probe adds PutEvents on the bus and the trace's writes on the rule and its own log groups only", async () => {
    const result = await runCli(["iam-policy", "--probe", "--bus", "orders", "--rule", "order-created", "--region", "eu-west-1", "--format", "json"]);
    expect(result.code).toBe(0);
    const policy = JSON.parse(result.stdout) as PolicyDocument;
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(bySid.CourseDoctorProbe).toMatchObject({ Action: ["events:PutEvents"], Resource: "arn:aws:events:eu-west-1:*:event-bus/orders" });
    expect(bySid.CourseDoctorTraceRule).toMatchObject({ Action: ["events:PutTargets", "events:RemoveTargets"], Resource: "arn:aws:events:eu-west-1:*:rule/orders/order-created" });
    expect(bySid.CourseDoctorTraceLogGroup!.Resource).toEqual([
      "arn:aws:logs:eu-west-1:*:log-group:/aws/events/course-doctor-trace-*",
      "arn:aws:logs:eu-west-1:*:log-group:/aws/events/course-doctor-trace-*:*",
    ]);
    expect(bySid.CourseDoctorTraceLogGroup!.Action).toEqual(["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:TagResource"]);
    // Writes appear nowhere else.
    for (const statement of policy.Statement.filter((s) => s.Sid === "CourseDoctorRead")) expect(statement.Action.filter((a) => WRITES.test(a))).toEqual([]);
  });

  it("--tail adds tail's writes on its own rules and log groups only; the read-only statement stays read-only", async () => {
    const result = await runCli(["iam-policy", "--tail", "--bus", "orders", "--region", "eu-west-1", "--format", "json"], { env: {} });
    expect(result.code).toBe(0);
    const policy = JSON.parse(result.stdout) as PolicyDocument;
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(bySid.CourseDoctorTailRule).toMatchObject({
      Action: ["events:DeleteRule", "events:PutRule", "events:PutTargets", "events:RemoveTargets", "events:TagResource"],
      Resource: "arn:aws:events:eu-west-1:*:rule/orders/course-doctor-tail-*",
    });
    expect(bySid.CourseDoctorTailLogGroup!.Resource).toEqual([
      "arn:aws:logs:eu-west-1:*:log-group:/aws/events/course-doctor-tail-*",
      "arn:aws:logs:eu-west-1:*:log-group:/aws/events/course-doctor-tail-*:*",
    ]);
    expect(bySid.CourseDoctorProbe).toBeUndefined();
    expect(bySid.CourseDoctorRead!.Action.filter((a) => WRITES.test(a))).toEqual([]);
    expect(iamPolicy({ probe: false, peekDlq: false, tail: true }).Statement.find((s) => s.Sid === "CourseDoctorTailRule")!.Resource).toEqual([
      "arn:aws:events:*:*:rule/course-doctor-tail-*",
      "arn:aws:events:*:*:rule/*/course-doctor-tail-*",
    ]);
  });

  it("a rule on the default bus has no bus in its ARN; unknown names become wildcards", () => {
    const onDefault = iamPolicy({ probe: true, peekDlq: false, scope: { bus: "default", rule: "r" } });
    expect(onDefault.Statement.find((s) => s.Sid === "CourseDoctorTraceRule")!.Resource).toBe("arn:aws:events:*:*:rule/r");
    const busUnknown = iamPolicy({ probe: true, peekDlq: false, scope: { rule: "r" } });
    expect(busUnknown.Statement.find((s) => s.Sid === "CourseDoctorTraceRule")!.Resource).toEqual(["arn:aws:events:*:*:rule/r", "arn:aws:events:*:*:rule/*/r"]);
    const unknown = iamPolicy({ probe: true, peekDlq: false });
    expect(unknown.Statement.find((s) => s.Sid === "CourseDoctorTraceRule")!.Resource).toBe("arn:aws:events:*:*:rule/*");
    expect(unknown.Statement.find((s) => s.Sid === "CourseDoctorProbe")!.Resource).toBe("arn:aws:events:*:*:event-bus/*");
  });

  it("--explain says why each action is needed and by which command; --peek-dlq adds ReceiveMessage", async () => {
    const result = await runCli(["iam-policy", "--explain", "--peek-dlq"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/lambda:GetPolicy\s+the target's resource policy admits the rule \(check, policy\)/);
    expect(result.stdout).toContain("sqs:ReceiveMessage");
    const bad = await runCli(["iam-policy", "--format", "junit"]);
    expect(bad.code).toBe(2);
  });
});

describe("iam-policy cannot drift from the code", () => {
  it("lists every AWS SDK command the sources import, and nothing they do not", () => {
    const imported = importedActions();
    const listed = new Set([...READ_ACTIONS, ...PEEK_ACTIONS, ...PROBE_ACTIONS, ...TRACE_ACTIONS, ...BUS_LOGS_ACTIONS, ...TAIL_ACTIONS].map((use) => use.action));
    const unlisted = [...imported].filter(([action]) => !listed.has(action) && !UNRESTRICTED_ACTIONS.includes(action));
    expect(unlisted, "add these to src/iam/actions.ts").toEqual([]);
    // The trace's and tail's log groups (CreateLogGroup with tags) and tail's rule (PutRule with Tags) are tagged at
    // creation, which IAM checks as logs:TagResource and events:TagResource.
    const taggedAtCreation = ["logs:TagResource", "events:TagResource"];
    // PutDeliverySource with an event bus as the resource is also authorized as this EventBridge action.
    const authorizedWithAnother = ["events:AllowVendedLogDeliveryForResource"];
    const stale = [...listed].filter((action) => !imported.has(action) && !taggedAtCreation.includes(action) && !authorizedWithAnother.includes(action));
    expect(stale, "listed in src/iam/actions.ts but never called").toEqual([]);
  });

  it("names the trace's log groups as the probe creates them", () => {
    expect(JSON.stringify(iamPolicy({ probe: true, peekDlq: false }))).toContain(`log-group:${TRACE_GROUP_PREFIX}*`);
  });

  describe("against moto", () => {
    let moto: Moto;
    let env: Record<string, string>;
    let seed: Seeder;
    useMoto((world) => ({ moto, seed, env } = world));

    it("what the read-only commands call is inside the read-only policy; the probe's inside --probe's", async () => {
      const names = await seed.ingestor();
      const pipeline = ["--bus", names.bus, "--rule", names.rule];
      const event = ["--source", "agent2.ingestor", "--detail-type", "Document Processing Required", "--detail", '{"documentId":"d1"}'];
      Aws.actionsCalled.clear();
      const runs: Array<[string[], number[]]> = [
        [["check", ...pipeline, "--publisher", names.publisher, ...event, "--peek-dlq", "--format", "json"], [0, 1]],
        [["check", "--bus", names.bus, "--all", "--format", "json"], [0, 1]],
        [["check", "--bus", names.bus, "--rule", "no-such-rule", "--format", "json"], [1]],
        [["rule", names.rule, "--bus", names.bus], [0]],
        [["policy", "--function", names.fn, ...pipeline], [0]],
        [["metrics", ...pipeline], [0]],
        [["logs", names.fn, "--since", "1h"], [0]],
        [["init", "--bus", names.bus, "--format", "json", "--config", join(mkdtempSync(join(tmpdir(), "cd-iam-")), "course-doctor.config.json")], [0]],
      ];
      for (const [argv, codes] of runs) {
        const result = await runCli(argv, { env });
        expect(codes, `${argv.join(" ")}: ${result.stderr}`).toContain(result.code);
      }
      const readCalls = new Set(Aws.actionsCalled);
      expect(readCalls.size).toBeGreaterThan(10);
      const readPolicy = allowed(iamPolicy({ probe: false, peekDlq: true }));
      expect([...readCalls].filter((action) => !readPolicy.has(action))).toEqual([]);
      expect([...readCalls].filter((action) => WRITES.test(action))).toEqual([]);

      // The probe: a rule whose target is a log group (moto delivers there), with --trace, then --cleanup.
      await seed.bus("orders");
      await seed.rule({ name: "order-created", bus: "orders", pattern: { source: ["shop.orders"] } });
      await seed.logs.send(new CreateLogGroupCommand({ logGroupName: "/aws/events/orders-audit" }));
      await seed.target("order-created", "orders", `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:/aws/events/orders-audit`);
      Aws.actionsCalled.clear();
      const probe = await runCli(["probe", "--bus", "orders", "--rule", "order-created", "--source", "shop.orders", "--detail-type", "Order Created", "--trace", "--probe-timeout", "15s", "--format", "json"], { env });
      expect(probe.code, probe.stderr).toBe(0);
      const cleanup = await runCli(["probe", "--bus", "orders", "--cleanup"], { env });
      expect(cleanup.code, cleanup.stderr).toBe(0);
      const probeCalls = new Set(Aws.actionsCalled);
      expect(probeCalls).toContain("events:PutEvents");
      expect(probeCalls).toContain("events:PutTargets");
      const probePolicy = allowed(iamPolicy({ probe: true, peekDlq: false, scope: { bus: "orders", rule: "order-created" } }));
      expect([...probeCalls].filter((action) => !probePolicy.has(action))).toEqual([]);

      // route and map only read; tail and tail --cleanup write only what --tail grants.
      Aws.actionsCalled.clear();
      for (const argv of [["route", "--bus", "orders", '{"source":"shop.orders","detail-type":"x"}'], ["map", "--bus", names.bus]]) {
        const result = await runCli(argv, { env });
        expect([0, 1], `${argv.join(" ")}: ${result.stderr}`).toContain(result.code);
      }
      expect([...Aws.actionsCalled].filter((action) => !readPolicy.has(action))).toEqual([]);
      Aws.actionsCalled.clear();
      const tail = await runCli(["tail", "--bus", "orders", "--for", "1s"], { env });
      expect(tail.code, tail.stderr).toBe(0);
      const tailCleanup = await runCli(["tail", "--cleanup"], { env });
      expect(tailCleanup.code, tailCleanup.stderr).toBe(0);
      const tailCalls = new Set(Aws.actionsCalled);
      expect(tailCalls).toContain("events:PutRule");
      expect(tailCalls).toContain("events:DeleteRule");
      const tailPolicy = allowed(iamPolicy({ probe: false, peekDlq: false, tail: true, scope: { bus: "orders" } }));
      expect([...tailCalls].filter((action) => !tailPolicy.has(action))).toEqual([]);
    }, 60_000);
  });
});
