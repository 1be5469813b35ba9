/**
 * `probe --bus-logs` with aws-sdk-client-mock (moto drops a bus's LogConfig and refuses an
 * event bus as a delivery source): TRACE logging turned on for the probe alone and put
 * back — after the probe, on Ctrl-C and on a failed set-up — the probe's own records read,
 * and a bus that already logs left untouched.
 */
import {
  CloudWatchLogsClient,
  CreateDeliveryCommand,
  CreateLogGroupCommand,
  DeleteDeliveryCommand,
  DeleteDeliveryDestinationCommand,
  DeleteDeliverySourceCommand,
  DeleteLogGroupCommand,
  DeleteResourcePolicyCommand,
  DescribeDeliveriesCommand,
  DescribeDeliveryDestinationsCommand,
  DescribeDeliverySourcesCommand,
  DescribeLogGroupsCommand,
  DescribeResourcePoliciesCommand,
  FilterLogEventsCommand,
  PutDeliveryDestinationCommand,
  PutDeliverySourceCommand,
  PutResourcePolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { DescribeEventBusCommand, DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand, UpdateEventBusCommand } from "@aws-sdk/client-eventbridge";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { InterruptedError } from "../../src/errors.js";
import { cleanupBusLogLeftovers } from "../../src/probe/bus-logs.js";
import { probePipeline, type ProbeRequest } from "../../src/probe/probe.js";
import { mockedAws } from "../helpers/mocked-aws.js";

const events = mockClient(EventBridgeClient);
const logs = mockClient(CloudWatchLogsClient);
const sts = mockClient(STSClient);

const ACCOUNT = "123456789012";
const BUS_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/orders`;
const RULE_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:rule/orders/order-created`;
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-queue`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/bus-key`;

const request: ProbeRequest = { bus: "orders", rule: "order-created", function: null, event: { origin: "flags", input: { source: "shop.orders", "detail-type": "Order Created", detail: { id: "1" } } } };

function line(messageType: string, eventId: string, details: object, error?: object): { message: string; timestamp: number; logStreamName: string } {
  return { message: JSON.stringify({ resource_arn: BUS_ARN, event_id: eventId, message_timestamp_ms: Date.now(), message_type: messageType, log_level: "TRACE", details, ...(error ? { error } : {}) }), timestamp: Date.now(), logStreamName: "s" };
}

/** The bus's log answers FilterLogEvents with these records for the probe's event. */
function busLogSays(records: (eventId: string) => ReturnType<typeof line>[]): void {
  logs.on(FilterLogEventsCommand).callsFake((input: { filterPattern?: string }) => {
    const id = /\$\.event_id = "([^"]+)"/.exec(input.filterPattern ?? "")?.[1];
    return { events: id ? records(id) : [] };
  });
}

const calls = () => [...events.calls(), ...logs.calls()].map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ""));

beforeEach(() => {
  events.reset();
  logs.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/dev/alice` });
  events.on(DescribeRuleCommand).resolves({ Arn: RULE_ARN, EventPattern: '{"source":["shop.orders"]}' });
  // A queue: no log shows a queue's deliveries, but the bus's own log does.
  events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: "q", Arn: QUEUE_ARN }] });
  events.on(DescribeEventBusCommand).resolves({ Name: "orders", Arn: BUS_ARN, KmsKeyIdentifier: KEY, Description: "orders bus" });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });
  events.on(UpdateEventBusCommand).resolves({});
  logs.on(DescribeDeliverySourcesCommand).resolves({ deliverySources: [] });
  logs.on(DescribeDeliveriesCommand).resolves({ deliveries: [] });
  logs.on(DescribeDeliveryDestinationsCommand).resolves({ deliveryDestinations: [] });
  logs.on(CreateLogGroupCommand).resolves({});
  logs.on(PutResourcePolicyCommand).resolves({});
  logs.on(PutDeliverySourceCommand).resolves({});
  logs.on(PutDeliveryDestinationCommand).callsFake((input: { name: string }) => ({ deliveryDestination: { arn: `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-destination:${input.name}` } }));
  logs.on(CreateDeliveryCommand).resolves({ delivery: { id: "d-1" } });
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
  logs.on(DescribeResourcePoliciesCommand).resolves({ resourcePolicies: [] });
});

describe("probe --bus-logs", () => {
  it("turns TRACE on for the probe, reports the match and the delivery from the bus's own records, and puts the bus back first", async () => {
    busLogSays((id) => [
      line("EVENT_RECEIPT", id, { source: "shop.orders", detail_type: "Order Created" }),
      line("RULE_MATCH", id, { rule_arn: RULE_ARN, target_arns: [QUEUE_ARN] }),
      line("INVOCATION_SUCCESS", id, { rule_arn: RULE_ARN, target_arn: QUEUE_ARN, total_attempts: 1 }),
    ]);
    const result = await probePipeline(mockedAws(), request, { timeoutMs: 5_000, busLogs: true });
    expect(result.findings.map((f) => [f.id, f.status])).toEqual([
      ["probe.accepted", "pass"],
      ["probe.matched", "pass"],
      ["probe.delivered", "pass"],
    ]);
    expect(result.findings[1]!.title).toBe("the rule matched: the bus's own log (TRACE, turned on for the probe) records RULE_MATCH for event e-1");
    expect(result.findings[2]!.title).toContain(`INVOCATION_SUCCESS for sqs target ${QUEUE_ARN}`);
    expect(result.timedOut).toBe(false);

    const updates = events.commandCalls(UpdateEventBusCommand).map((c) => c.args[0].input);
    // Turned on, then back to what it was — the bus's key and description passed along both times.
    expect(updates).toEqual([
      { Name: "orders", LogConfig: { Level: "TRACE", IncludeDetail: "FULL" }, Description: "orders bus", KmsKeyIdentifier: KEY },
      { Name: "orders", LogConfig: { Level: "OFF", IncludeDetail: "NONE" }, Description: "orders bus", KmsKeyIdentifier: KEY },
    ]);
    const source = logs.commandCalls(PutDeliverySourceCommand)[0]!.args[0].input;
    expect(source).toMatchObject({ resourceArn: BUS_ARN, logType: "TRACE_LOGS" });
    expect(logs.commandCalls(PutDeliveryDestinationCommand)[0]!.args[0].input.tags).toMatchObject({ "course-doctor-bus": BUS_ARN, "course-doctor-previous-log-config": "OFF/NONE" });
    const sequence = calls();
    expect(sequence.lastIndexOf("UpdateEventBus")).toBeLessThan(sequence.indexOf("DeleteDelivery"));
    expect(logs.commandCalls(DeleteDeliveryCommand)[0]!.args[0].input).toEqual({ id: "d-1" });
    expect(logs.commandCalls(DeleteDeliverySourceCommand)[0]!.args[0].input).toEqual({ name: source.name });
    expect(logs.commandCalls(DeleteDeliveryDestinationCommand)).toHaveLength(1);
    expect(logs.commandCalls(DeleteResourcePolicyCommand)).toHaveLength(1);
    expect(logs.commandCalls(DeleteLogGroupCommand)[0]!.args[0].input.logGroupName).toMatch(/^\/aws\/vendedlogs\/course-doctor-buslogs-[0-9a-f]{8}$/);
  });

  it("a failed delivery is probe.delivered fail, quoting the service's error", async () => {
    const denied = `User: arn:aws:sts::${ACCOUNT}:assumed-role/events is not authorized to perform: sqs:SendMessage on resource: ${QUEUE_ARN}`;
    busLogSays((id) => [
      line("RULE_MATCH", id, { rule_arn: RULE_ARN, target_arns: [QUEUE_ARN] }),
      line("INVOCATION_FAILURE", id, { rule_arn: RULE_ARN, target_arn: QUEUE_ARN, total_attempts: 1 }, { error_message: denied, aws_service: "SQS", http_status_code: 403, request_id: "r-1" }),
    ]);
    const result = await probePipeline(mockedAws(), request, { timeoutMs: 5_000, busLogs: true });
    expect(result.findings[2]).toMatchObject({ id: "probe.delivered", status: "fail", title: `not delivered to sqs target ${QUEUE_ARN}: SQS HTTP 403: ${denied}` });
    expect(result.findings[2]!.fix).toContain("events.amazonaws.com");
  });

  it("NO_STANDARD_RULES_MATCHED is probe.matched fail (EventBridge is the ground truth)", async () => {
    busLogSays((id) => [line("EVENT_RECEIPT", id, { source: "shop.orders" }), line("NO_STANDARD_RULES_MATCHED", id, {})]);
    const result = await probePipeline(mockedAws(), request, { timeoutMs: 5_000, busLogs: true });
    expect(result.findings.slice(1).map((f) => [f.id, f.status])).toEqual([
      ["probe.matched", "fail"],
      ["probe.delivered", "skip"],
    ]);
    expect(result.findings[1]!.title).toContain("NO_STANDARD_RULES_MATCHED");
  });

  it("a bus that already logs to CloudWatch Logs is read as it is: nothing created, nothing changed", async () => {
    const group = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/vendedlogs/events/orders`;
    events.on(DescribeEventBusCommand).resolves({ Name: "orders", Arn: BUS_ARN, LogConfig: { Level: "INFO", IncludeDetail: "NONE" } });
    logs.on(DescribeDeliverySourcesCommand).resolves({ deliverySources: [{ name: "orders-info", resourceArns: [BUS_ARN], logType: "INFO_LOGS" }] });
    logs.on(DescribeDeliveriesCommand).resolves({ deliveries: [{ id: "own", deliverySourceName: "orders-info", deliveryDestinationArn: "arn:aws:logs:us-east-1:123456789012:delivery-destination:orders", deliveryDestinationType: "CWL" }] });
    logs.on(DescribeDeliveryDestinationsCommand).resolves({ deliveryDestinations: [{ name: "orders", arn: "arn:aws:logs:us-east-1:123456789012:delivery-destination:orders", deliveryDestinationConfiguration: { destinationResourceArn: group } }] });
    busLogSays((id) => [line("INVOCATION_SUCCESS", id, { rule_arn: RULE_ARN, target_arn: QUEUE_ARN })]);
    const result = await probePipeline(mockedAws(), request, { timeoutMs: 5_000, busLogs: true });
    expect(result.findings[2]).toMatchObject({ id: "probe.delivered", status: "pass" });
    expect(result.findings[2]!.title).toContain("the bus's own log (INFO)");
    expect(logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input.logGroupName).toBe("/aws/vendedlogs/events/orders");
    const writes = calls().filter((name) => /^(Update|Put(?!Events)|Create|Delete)/.test(name));
    expect(writes).toEqual([]);
  });

  it("Ctrl-C during the wait still puts the bus back and removes every piece", async () => {
    busLogSays(() => []);
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 300);
    await expect(probePipeline(mockedAws(), request, { timeoutMs: 30_000, busLogs: true, signal: interrupt.signal })).rejects.toThrow(InterruptedError);
    expect(events.commandCalls(UpdateEventBusCommand).map((c) => c.args[0].input.LogConfig)).toEqual([
      { Level: "TRACE", IncludeDetail: "FULL" },
      { Level: "OFF", IncludeDetail: "NONE" },
    ]);
    for (const command of [DeleteDeliveryCommand, DeleteDeliverySourceCommand, DeleteDeliveryDestinationCommand, DeleteResourcePolicyCommand, DeleteLogGroupCommand]) expect(logs.commandCalls(command as typeof DeleteLogGroupCommand)).toHaveLength(1);
  });

  it("a set-up that fails half-way removes what it created and never touched the bus's LogConfig", async () => {
    logs.on(CreateDeliveryCommand).rejects(Object.assign(new Error("User is not authorized to perform: logs:CreateDelivery"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } }));
    await expect(probePipeline(mockedAws(), request, { timeoutMs: 5_000, busLogs: true })).rejects.toThrow(/logs:CreateDelivery/);
    expect(events.commandCalls(UpdateEventBusCommand)).toHaveLength(0);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
    for (const command of [DeleteDeliverySourceCommand, DeleteDeliveryDestinationCommand, DeleteResourcePolicyCommand, DeleteLogGroupCommand]) expect(logs.commandCalls(command as typeof DeleteLogGroupCommand)).toHaveLength(1);
  });

  it("--trace and --bus-logs together are refused before anything is written", async () => {
    await expect(probePipeline(mockedAws(), request, { timeoutMs: 1_000, busLogs: true, trace: true })).rejects.toThrow("choose one");
    expect(calls().filter((name) => /^(Update|Put|Create)/.test(name))).toEqual([]);
  });
});

describe("probe --cleanup after a killed --bus-logs run", () => {
  it("puts each bus's LogConfig back from the leftover destination's tags, then removes the pieces", async () => {
    const destination = `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-destination:course-doctor-buslogs-1a2b3c4d`;
    logs.on(DescribeDeliveryDestinationsCommand).resolves({
      deliveryDestinations: [{ name: "course-doctor-buslogs-1a2b3c4d", arn: destination, tags: { "course-doctor-bus": BUS_ARN, "course-doctor-previous-log-config": "ERROR/NONE" } }],
    });
    logs.on(DescribeDeliverySourcesCommand).resolves({ deliverySources: [{ name: "course-doctor-buslogs-1a2b3c4d", resourceArns: [BUS_ARN] }, { name: "theirs", resourceArns: [BUS_ARN] }] });
    logs.on(DescribeDeliveriesCommand).resolves({ deliveries: [{ id: "d-9", deliverySourceName: "course-doctor-buslogs-1a2b3c4d", deliveryDestinationArn: destination }, { id: "keep", deliverySourceName: "theirs", deliveryDestinationArn: "arn:aws:logs:us-east-1:1:delivery-destination:theirs" }] });
    logs.on(DeleteDeliveryCommand).resolves({});
    const done = await cleanupBusLogLeftovers(mockedAws());
    expect(done[0]).toBe("put back bus orders's LogConfig (ERROR)");
    expect(events.commandCalls(UpdateEventBusCommand)[0]!.args[0].input).toMatchObject({ Name: "orders", LogConfig: { Level: "ERROR", IncludeDetail: "NONE" }, KmsKeyIdentifier: KEY });
    expect(logs.commandCalls(DeleteDeliveryCommand).map((c) => c.args[0].input.id)).toEqual(["d-9"]);
    expect(logs.commandCalls(DeleteDeliverySourceCommand).map((c) => c.args[0].input.name)).toEqual(["course-doctor-buslogs-1a2b3c4d"]);
  });
});
