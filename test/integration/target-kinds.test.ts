/**
 * Every target kind, every account, against moto: queues, topics, keys, log groups, state
 * machines, role-based and cross-account targets, the publisher's role, pipelines in
 * another region. moto stores these policies but enforces none of them — which is why
 * course-doctor reads and evaluates them. Each shape: root cause, exit code, and a fix that,
 * applied, makes the check pass.
 */
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateLogGroupCommand, PutResourcePolicyCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import { SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../helpers/cli.js";
import { MOTO_ACCOUNT, MOTO_REGION, motoCredentials, type Moto } from "../helpers/moto.js";
import { Seeder, sendPolicy } from "../helpers/seed.js";
import { useMoto } from "../helpers/use-moto.js";

let moto: Moto;
let seed: Seeder;
let env: Record<string, string>;
useMoto((world) => ({ moto, seed, env } = world));

const OTHER = "999999999999";
const BUS = "orders-events";
const RULE = "order-created";
const EVENT = ["--source", "shop.orders", "--detail-type", "Order Created", "--detail", '{"id":"1"}'];

interface Report {
  status: string;
  rootCause: { id: string; title: string; fix: string | null } | null;
  blockedBy: { id: string } | null;
  findings: Array<{ id: string; subject?: string; status: string; title: string; detail: string | null; fix: string | null }>;
}

async function check(args: string[], options: { cwd?: string } = {}): Promise<{ result: CliResult; report: Report }> {
  const result = await runCli(["check", "--format", "json", "--bus", BUS, "--rule", RULE, ...EVENT, ...args], { env, ...options });
  try {
    return { result, report: JSON.parse(result.stdout) as Report };
  } catch {
    throw new Error(`no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

function finding(report: Report, id: string) {
  const found = report.findings.filter((f) => f.id === id);
  if (found.length !== 1) throw new Error(`expected one ${id}, got ${JSON.stringify(found)}`);
  return found[0]!;
}

/** The value of `--flag VALUE` in a fix (a bare word, or a shell word in single quotes). */
function quotedArg(fix: string, flag: string): string {
  const match = new RegExp(`${flag} (?:'((?:[^']|'\\\\'')*)'|([^\\s']+))`).exec(fix);
  if (!match) throw new Error(`no ${flag} in ${fix}`);
  return match[2] ?? match[1]!.replace(/'\\''/g, "'");
}

async function pipeline(): Promise<{ ruleArn: string }> {
  await seed.bus(BUS);
  const ruleArn = await seed.rule({ name: RULE, bus: BUS, pattern: { source: ["shop.orders"] } });
  return { ruleArn };
}

const config = { region: MOTO_REGION, credentials: motoCredentials };

describe("SQS targets", () => {
  it("no queue policy: target.permission is the root cause (exit 1); the printed fix, applied, makes it pass", async () => {
    const { ruleArn } = await pipeline();
    const queue = await seed.queue("orders-q");
    await seed.target(RULE, BUS, queue.arn, { Id: "q" });
    const { result, report } = await check([]);
    expect(result.code).toBe(1);
    expect(report.rootCause?.id).toBe("target.permission");
    const attributes = JSON.parse(quotedArg(report.rootCause!.fix!, "--attributes")) as Record<string, string>;
    expect(attributes.Policy).toContain(ruleArn);
    await seed.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: attributes }));
    const again = await check([]);
    expect(finding(again.report, "target.permission").status).toBe("pass");
    expect(again.report.rootCause).toBeNull();
  });

  it("encrypted with the AWS managed key alias/aws/sqs: target.encryption is the root cause", async () => {
    const { ruleArn } = await pipeline();
    const arn = `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:orders-q`;
    const queue = await seed.queue("orders-q", { Policy: JSON.stringify(sendPolicy(arn, ruleArn)), KmsMasterKeyId: "alias/aws/sqs" });
    await seed.target(RULE, BUS, queue.arn, { Id: "q" });
    const { result, report } = await check([]);
    expect(result.code).toBe(1);
    expect(report.rootCause?.id).toBe("target.encryption");
    expect(report.rootCause?.fix).toContain("aws kms create-key");
  });

  it("a customer managed key that does not admit events.amazonaws.com: the key-policy fix, applied, makes it pass", async () => {
    const { ruleArn } = await pipeline();
    const kms = new KMSClient({ ...config, endpoint: moto.endpoint });
    const admin = { Sid: "Admin", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` }, Action: "kms:*", Resource: "*" };
    const key = await kms.send(new CreateKeyCommand({ Policy: JSON.stringify({ Version: "2012-10-17", Statement: [admin] }) }));
    const arn = `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:orders-q`;
    const queue = await seed.queue("orders-q", { Policy: JSON.stringify(sendPolicy(arn, ruleArn)), KmsMasterKeyId: key.KeyMetadata!.KeyId! });
    await seed.target(RULE, BUS, queue.arn, { Id: "q" });
    const { report } = await check([]);
    expect(report.rootCause?.id).toBe("target.encryption");
    const policy = quotedArg(report.rootCause!.fix!, "--policy");
    expect(policy).toContain('"Sid":"Admin"');
    const { PutKeyPolicyCommand } = await import("@aws-sdk/client-kms");
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyMetadata!.KeyId!, PolicyName: "default", Policy: policy }));
    expect(finding((await check([])).report, "target.encryption").status).toBe("pass");
  });

  it("a dead-letter queue without a policy for EventBridge: target.dlq fails (failed deliveries would be lost)", async () => {
    const { ruleArn } = await pipeline();
    const arn = `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:orders-q`;
    const queue = await seed.queue("orders-q", { Policy: JSON.stringify(sendPolicy(arn, ruleArn)) });
    const dlq = await seed.queue("orders-dlq");
    await seed.target(RULE, BUS, queue.arn, { Id: "q", DeadLetterConfig: { Arn: dlq.arn } });
    const { report } = await check([]);
    expect(finding(report, "target.dlq")).toMatchObject({ status: "fail" });
    expect(report.rootCause?.id).toBe("target.dlq");
  });
});

describe("SNS and log group targets", () => {
  it("a topic with the default policy does not get a pass; with a statement for events.amazonaws.com it does", async () => {
    await pipeline();
    const sns = new SNSClient({ ...config, endpoint: moto.endpoint });
    const topic = (await sns.send(new CreateTopicCommand({ Name: "jobs" }))).TopicArn!;
    await seed.target(RULE, BUS, topic, { Id: "t" });
    const before = finding((await check([])).report, "target.permission");
    expect(before.status).not.toBe("pass");
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: topic }] };
    await sns.send(new SetTopicAttributesCommand({ TopicArn: topic, AttributeName: "Policy", AttributeValue: JSON.stringify(policy) }));
    expect(finding((await check([])).report, "target.permission").status).toBe("pass");
  });

  it("a log group target without a Logs resource policy fails; the put-resource-policy fix, applied, makes it pass", async () => {
    await pipeline();
    const group = "/aws/events/orders-audit";
    await seed.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await seed.target(RULE, BUS, `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:${group}`, { Id: "g" });
    const { result, report } = await check([]);
    expect(result.code).toBe(1);
    expect(report.rootCause?.id).toBe("target.permission");
    const fix = report.rootCause!.fix!;
    await seed.logs.send(new PutResourcePolicyCommand({ policyName: quotedArg(fix, "--policy-name"), policyDocument: quotedArg(fix, "--policy-document") }));
    expect(finding((await check([])).report, "target.permission").status).toBe("pass");
  });
});

describe("role-based targets", () => {
  it("a state machine whose role lacks states:StartExecution: target.role is the root cause; with it, it passes", async () => {
    await pipeline();
    const sfn = new SFNClient({ ...config, endpoint: moto.endpoint });
    const machine = (await sfn.send(new CreateStateMachineCommand({ name: "course-pipeline", definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } }), roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/sfn` }))).stateMachineArn!;
    const weak = await seed.namedRole("eventbridge-start", { inline: { read: [{ Effect: "Allow", Action: "states:DescribeExecution", Resource: "*" }] } });
    await seed.target(RULE, BUS, machine, { Id: "sm", RoleArn: weak });
    const { result, report } = await check([]);
    expect(result.code).toBe(1);
    expect(report.rootCause?.id).toBe("target.role");
    expect(finding(report, "target.exists").status).toBe("pass");
    expect(finding(report, "target.permission").status).toBe("skip");
    const strong = await seed.namedRole("eventbridge-start-ok", { managed: [await seed.managedPolicy("start-executions", [{ Effect: "Allow", Action: "states:StartExecution", Resource: machine }])] });
    await seed.target(RULE, BUS, machine, { Id: "sm", RoleArn: strong });
    expect(finding((await check([])).report, "target.role").status).toBe("pass");
  });

  it("a role that does not trust events.amazonaws.com fails on its trust policy", async () => {
    await pipeline();
    const role = await seed.namedRole("lambda-only", { service: "lambda.amazonaws.com", inline: { put: [{ Effect: "Allow", Action: "kinesis:PutRecord", Resource: "*" }] } });
    await seed.target(RULE, BUS, `arn:aws:kinesis:${MOTO_REGION}:${MOTO_ACCOUNT}:stream/clicks`, { Id: "k", RoleArn: role });
    const { report } = await check([]);
    expect(finding(report, "target.role")).toMatchObject({ status: "fail", title: "role lambda-only does not let events.amazonaws.com assume it" });
    // Kinesis streams are not read: said so, never a claim.
    expect(finding(report, "target.exists").title).toContain("does not read Kinesis streams yet");
  });
});

describe("accounts and regions", () => {
  it("a Lambda target in account 999999999999 with no credentials for it: could not tell (exit 2), never 'does not exist'", async () => {
    await pipeline();
    const role = await seed.namedRole("invoke-remote", { inline: { invoke: [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "*" }] } });
    // A same-name function in the caller's account must not be what is inspected.
    await seed.fn("remote-fn");
    await seed.target(RULE, BUS, `arn:aws:lambda:${MOTO_REGION}:${OTHER}:function:remote-fn`, { Id: "remote", RoleArn: role });
    const { result, report } = await check([]);
    expect(result.code).toBe(2);
    expect(report.status).toBe("unknown");
    expect(report.blockedBy?.id).toBe("target.exists");
    expect(finding(report, "target.exists").fix).toContain(`"accounts": { "${OTHER}": { "profile": "PROFILE" } }`);
    const text = JSON.stringify(report.findings);
    expect(text).not.toMatch(/does not exist|lambda add-permission --function-name remote-fn/);
  });

  it("with accounts.999999999999.roleArn in the config, the target is read in that account", async () => {
    await pipeline();
    const sts = new STSClient({ ...config, endpoint: moto.endpoint });
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${OTHER}:role/reader`, RoleSessionName: "seed" }));
    const remote = new Seeder(moto, { credentials: { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! } });
    const invoke = await seed.namedRole("invoke-remote", { inline: { invoke: [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: `arn:aws:lambda:${MOTO_REGION}:${OTHER}:function:remote-fn` }] } });
    const fnArn = await remote.fn("remote-fn");
    expect(fnArn).toContain(`:${OTHER}:`);
    await remote.permission("remote-fn", undefined, { sid: "FromRole", principal: invoke });
    await seed.target(RULE, BUS, fnArn, { Id: "remote", RoleArn: invoke });
    const dir = mkdtempSync(join(tmpdir(), "course-doctor-accounts-"));
    writeFileSync(join(dir, "course-doctor.config.json"), JSON.stringify({ accounts: { [OTHER]: { roleArn: `arn:aws:iam::${OTHER}:role/reader` } } }));
    const { report } = await check([], { cwd: dir });
    const exists = finding(report, "target.exists");
    expect(exists.status, JSON.stringify(exists)).toBe("pass");
    expect(finding(report, "target.role").status).toBe("pass");
    expect(finding(report, "target.permission").status).toBe("pass");
  });

  it("a pipeline in eu-west-1 checked in us-east-1 says where it is, and creates nothing in the wrong region", async () => {
    const west = new Seeder(moto, { region: "eu-west-1" });
    await west.bus(BUS);
    await west.rule({ name: RULE, bus: BUS, pattern: { source: ["shop.orders"] } });
    const { result, report } = await check([]);
    expect(result.code).toBe(1);
    expect(report.rootCause?.id).toBe("bus.exists");
    expect(report.rootCause?.title).toContain("it is in eu-west-1");
    expect(report.rootCause?.fix).toContain("--region eu-west-1");
    expect(report.rootCause?.fix).not.toContain("create-event-bus");
  });

  it("a rule name in the wrong case names the rule that exists", async () => {
    await pipeline();
    const result = await runCli(["check", "--format", "json", "--bus", BUS, "--rule", "Order-Created", ...EVENT], { env });
    const report = JSON.parse(result.stdout) as Report;
    expect(report.rootCause?.id).toBe("rule.exists");
    expect(report.rootCause?.title).toContain(`rule ${RULE} on ${BUS} differs only in case`);
  });
});

describe("the publisher", () => {
  it("a role that may put events only on the default bus: publisher.permission is the root cause (exit 1)", async () => {
    const names = await seed.ingestor({ publisherEnv: null });
    const role = await seed.namedRole("uploader", { service: "lambda.amazonaws.com", inline: { put: [{ Effect: "Allow", Action: "events:PutEvents", Resource: `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:event-bus/default` }] } });
    await seed.fn(names.publisher, { EVENT_BUS_NAME: names.bus }, { role });
    const result = await runCli(["check", "--format", "json", "--bus", names.bus, "--rule", names.rule, "--publisher", names.publisher, "--source", "agent2.ingestor", "--detail-type", "Document Processing Required"], { env });
    const report = JSON.parse(result.stdout) as Report;
    expect(result.code).toBe(1);
    expect(report.rootCause?.id).toBe("publisher.permission");
    expect(report.rootCause?.fix).toMatch(/aws iam put-role-policy .*--role-name uploader/);
  });
});

describe("policy and rule on other target kinds", () => {
  it("policy shows a queue target's policy statement by statement, with target.permission's verdict and fix: exit 1", async () => {
    const { ruleArn } = await pipeline();
    const arn = `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:orders-q`;
    const wrong = sendPolicy(arn, ruleArn.replace(`rule/${BUS}/`, "rule/")) as { Statement: object[] };
    const queue = await seed.queue("orders-q", { Policy: JSON.stringify(wrong) });
    await seed.target(RULE, BUS, queue.arn, { Id: "q" });
    const result = await runCli(["policy", "q", "--bus", BUS, "--rule", RULE, "--format", "json"], { env });
    expect(result.code, result.stderr).toBe(1);
    const view = JSON.parse(result.stdout) as { documents: Array<{ name: string; statements: Array<{ applies: unknown; reason: string }> }>; findings: Array<{ id: string; status: string; fix: string | null }> };
    expect(view.documents[0]!.name).toBe("queue orders-q's resource policy");
    expect(view.documents[0]!.statements[0]!.applies).toBe(false);
    expect(view.documents[0]!.statements[0]!.reason).toContain("aws:SourceArn");
    expect(view.findings.find((f) => f.id === "target.permission")).toMatchObject({ status: "fail", fix: expect.stringContaining("set-queue-attributes") });
  });

  it("rule shows each target's kind, role and key", async () => {
    await pipeline();
    const role = await seed.namedRole("start");
    const queue = await seed.queue("orders-q", { KmsMasterKeyId: "alias/aws/sqs" });
    await seed.target(RULE, BUS, queue.arn, { Id: "q", RoleArn: role });
    const result = await runCli(["rule", RULE, "--bus", BUS, "--format", "json"], { env });
    const view = JSON.parse(result.stdout) as { targets: Array<{ id: string; kind: string; roleArn: string | null; kmsKeyId: string | null }> };
    expect(view.targets[0]).toMatchObject({ id: "q", kind: "sqs", roleArn: role, kmsKeyId: "alias/aws/sqs" });
  });
});
