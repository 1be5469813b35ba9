/**
 * `check --all` reads an account once for every rule of a bus, and slices what it read into
 * per-rule snapshots: they must be the snapshots (and so the findings) that collecting each
 * rule alone gives. A seeded moto account with several buses, rules sharing functions, a
 * same-named rule on another bus, an alias target, a DLQ, a queue target, a missing
 * function, a function that never logged, metrics under both dimension sets and a bus that
 * logs its own processing; what moto cannot produce comes through aws-sdk-client-mock: a
 * denied GetPolicy, the bus's LogConfig and its log delivery (as in bus-logs.test.ts).
 */
import {
  CloudWatchLogsClient,
  DescribeDeliveriesCommand,
  DescribeDeliveryDestinationsCommand,
  DescribeDeliverySourcesCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  PutDeliveryDestinationCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import { GetFunctionCommand, GetFunctionEventInvokeConfigCommand, GetPolicyCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Aws } from "../../src/aws/clients.js";
import { runChecks } from "../../src/checks/index.js";
import { AccountSession, collectAllRules } from "../../src/collect/account.js";
import { CollectSession } from "../../src/collect/readers.js";
import { collectSnapshot, type CollectRequest } from "../../src/collect/snapshot.js";
import type { AppEvent, Snapshot } from "../../src/model/snapshot.js";
import { runCli } from "../helpers/cli.js";
import { MOTO_ACCOUNT, MOTO_REGION, motoCredentials, motoEnv, type Moto } from "../helpers/moto.js";
import { sendPolicy, type Seeder } from "../helpers/seed.js";
import { useMoto } from "../helpers/use-moto.js";

let moto: Moto;
let seed: Seeder;
let env: Record<string, string>;
useMoto((world) => ({ moto, seed, env } = world));

const arn = (service: string, resource: string) => `arn:aws:${service}:${MOTO_REGION}:${MOTO_ACCOUNT}:${resource}`;
const LOGGED_BUS = "orders";
const BUS_LOG_GROUP = `/aws/vendedlogs/events/event-bus/${LOGGED_BUS}`;

/** One record of a bus's own log, in the documented schema. */
function busRecord(messageType: string, eventId: string, details: object, error?: object): string {
  const busArn = arn("events", `event-bus/${LOGGED_BUS}`);
  return JSON.stringify({ resource_arn: busArn, request_id: "r", event_id: eventId, invocation_id: "i", message_timestamp_ms: Date.now() - 60_000, message_type: messageType, log_level: "TRACE", details, ...(error ? { error } : {}) });
}

/** The account: three buses, their rules and targets, metrics and logs. Returns each bus's rule names. */
async function seedAccount(): Promise<Record<string, string[]>> {
  await seed.bus("orders");
  await seed.bus("billing");
  const worker = await seed.fn("orders-worker");
  const audit = await seed.fn("orders-audit");
  const locked = await seed.fn("orders-locked");
  await seed.fn("orders-publisher", { EVENT_BUS_NAME: "orders", STRIPE_KEY: "sk_live_never_printed" });
  await seed.concurrency("orders-audit", 5);
  const live = await seed.alias("orders-worker", "live");
  const dlq = await seed.queue("orders-dlq");
  const queue = await seed.queue("orders-queue");

  const rule = async (bus: string, name: string, target: string, options: { state?: "DISABLED"; permission?: boolean; extra?: object } = {}) => {
    const ruleArn = await seed.rule({ name, bus, pattern: { source: ["shop.orders"], "detail-type": [name] }, ...(options.state ? { state: options.state } : {}) });
    await seed.target(name, bus, target, options.extra ?? {});
    const fn = /:function:([^:]+)/.exec(target)?.[1];
    if (fn && options.permission !== false) await seed.permission(fn, ruleArn, { ...(/:function:[^:]+:(.+)$/.test(target) ? { qualifier: "live" } : {}) });
    return ruleArn;
  };
  const created = await rule("orders", "order-created", worker);
  await rule("orders", "order-shipped", worker, { permission: false, extra: { DeadLetterConfig: { Arn: dlq.arn }, RetryPolicy: { MaximumRetryAttempts: 3 } } });
  await seed.sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlq.url, Attributes: { Policy: JSON.stringify(sendPolicy(dlq.arn, created)) } }));
  await rule("orders", "order-audited", audit);
  await rule("orders", "order-ghost", arn("lambda", "function:orders-ghost"), { permission: false });
  await rule("orders", "order-archived", locked, { state: "DISABLED" });
  await rule("orders", "order-queued", queue.arn);
  await rule("orders", "order-live", live);
  await rule("billing", "order-created", worker);
  await rule("billing", "invoice-sent", audit);
  await rule("default", "nightly-report", worker);

  await seed.metric("AWS/Events", "MatchedEvents", { EventBusName: "orders", RuleName: "order-created" }, 4);
  await seed.metric("AWS/Events", "Invocations", { EventBusName: "orders", RuleName: "order-created" }, 4);
  await seed.metric("AWS/Events", "MatchedEvents", { EventBusName: "billing", RuleName: "order-created" }, 9);
  await seed.metric("AWS/Events", "MatchedEvents", { RuleName: "order-shipped" }, 2);
  await seed.metric("AWS/Events", "FailedInvocations", { EventBusName: "orders", RuleName: "order-shipped" }, 2);
  await seed.metric("AWS/Events", "MatchedEvents", { RuleName: "nightly-report" }, 1);
  await seed.metric("AWS/Lambda", "Invocations", { FunctionName: "orders-worker" }, 6);
  await seed.metric("AWS/Lambda", "Errors", { FunctionName: "orders-audit" }, 2);
  await seed.logLines("/aws/lambda/orders-worker", ["START RequestId: 1", "processed order 17", "END RequestId: 1"]);
  await seed.logLines("/aws/lambda/orders-audit", ["[ERROR] KeyError: 'order_id'", "Traceback (most recent call last):", "plain line"]);

  // The orders bus logs to CloudWatch Logs: its destination lives in moto, its records in a moto log group.
  await seed.logs.send(new PutDeliveryDestinationCommand({ name: "orders-bus-logs", deliveryDestinationConfiguration: { destinationResourceArn: arn("logs", `log-group:${BUS_LOG_GROUP}`) } }));
  await seed.logLines(BUS_LOG_GROUP, [
    busRecord("EVENT_RECEIPT", "e-1", { source: "shop.orders", detail_type: "order-created", resources: [] }),
    busRecord("RULE_MATCH", "e-1", { rule_arn: created, target_arns: [worker] }),
    busRecord("INVOCATION_SUCCESS", "e-1", { rule_arn: created, target_arn: worker }),
    busRecord("EVENT_RECEIPT", "e-2", { source: "shop.orders", detail_type: "order-shipped", resources: [] }),
    busRecord("INVOCATION_FAILURE", "e-2", { rule_arn: arn("events", "rule/orders/order-shipped"), target_arn: worker }, { http_status_code: 403, error_message: "not authorized", aws_service: "Lambda" }),
    busRecord("EVENT_RECEIPT", "e-3", { source: "elsewhere", detail_type: "x", resources: [] }),
    busRecord("NO_STANDARD_RULES_MATCHED", "e-3", {}),
  ]);
  return {
    orders: ["order-archived", "order-audited", "order-created", "order-ghost", "order-live", "order-queued", "order-shipped"],
    billing: ["invoice-sent", "order-created"],
    default: ["nightly-report"],
  };
}

/** Mocked clients that pass every call to moto, but for what moto cannot produce. */
interface World {
  aws: Aws;
  lambda: AwsClientStub<LambdaClient>;
  events: AwsClientStub<EventBridgeClient>;
}

const stubs: Array<{ restore(): void }> = [];
afterEach(() => {
  for (const stub of stubs.splice(0)) stub.restore();
});

function world(): World {
  const config = { region: MOTO_REGION, endpoint: moto.endpoint, credentials: motoCredentials };
  const real = { lambda: new LambdaClient(config), events: new EventBridgeClient(config), logs: new CloudWatchLogsClient(config) };
  const clients = { lambda: new LambdaClient(config), events: new EventBridgeClient(config), logs: new CloudWatchLogsClient(config) };
  const lambda = mockClient(clients.lambda);
  const events = mockClient(clients.events);
  const logs = mockClient(clients.logs);
  stubs.push(lambda, events, logs);
  lambda.on(GetFunctionCommand).callsFake((input) => real.lambda.send(new GetFunctionCommand(input)));
  lambda.on(GetFunctionEventInvokeConfigCommand).callsFake((input) => real.lambda.send(new GetFunctionEventInvokeConfigCommand(input)));
  lambda.on(GetPolicyCommand).callsFake((input) => real.lambda.send(new GetPolicyCommand(input)));
  lambda.on(GetPolicyCommand, { FunctionName: "orders-locked" }).rejects(
    Object.assign(new Error(`User: arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/dev/alice is not authorized to perform: lambda:GetPolicy on resource: orders-locked`), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } }),
  );
  events.on(DescribeEventBusCommand).callsFake(async (input) => {
    const out = await real.events.send(new DescribeEventBusCommand(input));
    return out.Name === LOGGED_BUS ? { ...out, LogConfig: { Level: "TRACE", IncludeDetail: "NONE" } } : out;
  });
  events.on(DescribeRuleCommand).callsFake((input) => real.events.send(new DescribeRuleCommand(input)));
  events.on(ListRulesCommand).callsFake((input) => real.events.send(new ListRulesCommand(input)));
  events.on(ListTargetsByRuleCommand).callsFake((input) => real.events.send(new ListTargetsByRuleCommand(input)));
  events.on(TestEventPatternCommand).callsFake((input) => real.events.send(new TestEventPatternCommand(input)));
  events.on(ListEventBusesCommand).callsFake((input) => real.events.send(new ListEventBusesCommand(input)));
  logs.on(DescribeDeliverySourcesCommand).resolves({ deliverySources: [{ name: "orders-trace", resourceArns: [arn("events", `event-bus/${LOGGED_BUS}`)], service: "events", logType: "TRACE_LOGS" }] });
  logs.on(DescribeDeliveriesCommand).resolves({ deliveries: [{ id: "d-1", deliverySourceName: "orders-trace", deliveryDestinationArn: arn("logs", "delivery-destination:orders-bus-logs"), deliveryDestinationType: "CWL" }] });
  logs.on(DescribeDeliveryDestinationsCommand).callsFake((input) => real.logs.send(new DescribeDeliveryDestinationsCommand(input)));
  logs.on(FilterLogEventsCommand).callsFake((input) => real.logs.send(new FilterLogEventsCommand(input)));
  logs.on(DescribeLogGroupsCommand).callsFake((input) => real.logs.send(new DescribeLogGroupsCommand(input)));
  const aws = new Aws({ region: MOTO_REGION, endpointUrl: moto.endpoint, timeoutMs: 30_000, env: motoEnv(moto), clients });
  return { aws, lambda, events };
}

function request(bus: string, event: AppEvent | null): Omit<CollectRequest, "rule"> {
  return { bus, function: null, publisher: "orders-publisher", busEnvVar: "EVENT_BUS_NAME", event, sinceMs: 3_600_000, peekDlq: false };
}

/** A snapshot (or findings) with the times of its reading taken out: the two collections ran at different moments. */
function timeless(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>"));
}

async function collectBoth(bus: string, event: AppEvent | null): Promise<{ all: Snapshot[]; alone: Snapshot[]; allWorld: World; aloneWorld: World }> {
  const allWorld = world();
  const aloneWorld = world();
  try {
    const all = await collectAllRules(new AccountSession(allWorld.aws, { tool: "test" }, { sinceMs: 3_600_000 }), request(bus, event));
    if (!all.ok) throw new Error(`--all failed: ${all.error}`);
    const alone: Snapshot[] = [];
    for (const snapshot of all.value) {
      alone.push(await collectSnapshot(new CollectSession(aloneWorld.aws, { tool: "test" }), { ...request(bus, event), rule: snapshot.request.rule! }));
    }
    return { all: all.value, alone, allWorld, aloneWorld };
  } finally {
    allWorld.aws.destroy();
    aloneWorld.aws.destroy();
  }
}

describe("check --all: one account-wide collection, sliced per rule", () => {
  it("gives every rule the snapshot and the findings of collecting it alone, on every bus", async () => {
    const buses = await seedAccount();
    for (const [bus, rules] of Object.entries(buses)) {
      const { all, alone } = await collectBoth(bus, null);
      expect(all.map((s) => s.request.rule).sort(), bus).toEqual(rules);
      for (const [i, snapshot] of all.entries()) {
        expect(timeless(snapshot), `${bus}/${snapshot.request.rule}`).toEqual(timeless(alone[i]));
        expect(timeless(runChecks(snapshot)), `${bus}/${snapshot.request.rule}`).toEqual(timeless(runChecks(alone[i]!)));
      }
    }
  }, 60_000);

  it("what the account holds reaches the slices: the denied read, the missing function, the same-named rule's own metrics, the bus's records", async () => {
    await seedAccount();
    const { all } = await collectBoth("orders", null);
    const byRule = Object.fromEntries(all.map((s) => [s.request.rule!, s]));
    const finding = (rule: string, id: string) => runChecks(byRule[rule]!).filter((f) => f.id === id);
    expect(finding("order-archived", "target.permission")[0]).toMatchObject({ status: "error", detail: expect.stringContaining("lambda:GetPolicy") });
    expect(finding("order-ghost", "target.exists")[0]).toMatchObject({ status: "fail" });
    expect(finding("order-shipped", "target.permission")[0]).toMatchObject({ status: "fail" });
    expect(finding("order-audited", "logs.errors")[0]).toMatchObject({ status: "fail" });
    expect(finding("order-queued", "logs.errors")[0]).toMatchObject({ status: "skip" });
    const matched = byRule["order-created"]!.metrics;
    expect(matched.ok && matched.value.series.find((s) => s.name === "MatchedEvents" && s.dimensions.EventBusName === "orders")?.total).toBe(4);
    expect(matched.ok && matched.value.series.some((s) => s.dimensions.EventBusName === "billing")).toBe(false);
    const records = byRule["order-shipped"]!.busLogs?.records;
    expect(records?.ok && records.value.records.map((r) => `${r.messageType}:${r.eventId}`).sort()).toEqual(
      ["EVENT_RECEIPT:e-1", "EVENT_RECEIPT:e-2", "INVOCATION_FAILURE:e-2", "NO_STANDARD_RULES_MATCHED:e-3"].sort(),
    );
    expect(JSON.stringify(all)).not.toContain("sk_live_never_printed");
  }, 60_000);

  it("reads each function once, never asks TestEventPattern, and reads the bus's records once; with an event, only remoteMatch differs", async () => {
    await seedAccount();
    const event: AppEvent = { origin: "flags", input: { Source: "shop.orders", DetailType: "order-created", Detail: "{}" } };
    const { all, alone, allWorld, aloneWorld } = await collectBoth("orders", event);
    for (const [i, snapshot] of all.entries()) {
      expect(snapshot.remoteMatch).toBeNull();
      expect(alone[i]!.remoteMatch).not.toBeNull();
      expect(timeless({ ...snapshot, remoteMatch: null })).toEqual(timeless({ ...alone[i]!, remoteMatch: null }));
      const findings = (s: Snapshot) => runChecks(s).map((f) => (f.id === "event.matches" ? f.status : timeless(f)));
      expect(findings(snapshot)).toEqual(findings(alone[i]!));
    }
    expect(allWorld.events.commandCalls(TestEventPatternCommand)).toHaveLength(0);
    expect(aloneWorld.events.commandCalls(TestEventPatternCommand).length).toBeGreaterThan(0);
    expect(allWorld.events.commandCalls(ListTargetsByRuleCommand)).toHaveLength(all.length);
    // orders-worker, its alias, orders-audit, orders-locked, the ghost and the publisher: each read once.
    const reads = allWorld.lambda.commandCalls(GetFunctionCommand).map((call) => `${call.args[0].input.FunctionName}:${call.args[0].input.Qualifier ?? ""}`);
    expect(reads.sort()).toEqual([...new Set(reads)].sort());
    expect(allWorld.lambda.commandCalls(GetPolicyCommand).length).toBeLessThan(aloneWorld.lambda.commandCalls(GetPolicyCommand).length);
  }, 60_000);

  it("a bus without rules: an empty set that names the bus, exit 0; a bus that does not exist: one line, exit 2", async () => {
    await seed.bus("quiet");
    const empty = await runCli(["check", "--all", "--bus", "quiet", "--format", "json"], { env });
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout)).toMatchObject({ bus: "quiet", rules: [] });
    const missing = await runCli(["check", "--all", "--bus", "nowhere"], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/bus "nowhere" does not exist in us-east-1/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it("the CLI: --save-snapshot writes the per-rule snapshots, and check --from diagnoses them the same; progress on a terminal counts rules", async () => {
    await seedAccount();
    const file = join(mkdtempSync(join(tmpdir(), "cd-all-")), "all.json");
    const live = await runCli(["check", "--all", "--bus", "billing", "--save-snapshot", file, "--format", "json"], { env });
    const offline = await runCli(["check", "--from", file, "--format", "json"], { env: {} });
    expect(offline.code).toBe(live.code);
    const statuses = (text: string) => (JSON.parse(text) as { rules: Array<{ target: { rule: string }; findings: Array<{ id: string; status: string }> }> }).rules.map((r) => [r.target.rule, r.findings.map((f) => `${f.id}:${f.status}`)]);
    expect(statuses(offline.stdout)).toEqual(statuses(live.stdout));
    const tty = await runCli(["check", "--all", "--bus", "orders"], { env, tty: true });
    expect(tty.stderr).toMatch(/checked \d+\/7 rules/);
  }, 60_000);
});
