/**
 * bus.logs against moto. moto drops a bus's LogConfig (UpdateEventBus answers 500) and
 * refuses an event bus as a delivery source, though it keeps log-group delivery
 * destinations: the LogConfig and the delivery source and delivery come through
 * aws-sdk-client-mock, the destination from moto, and the records themselves from a moto
 * log group seeded in the documented schema — every other call goes to moto unchanged.
 */
import {
  CloudWatchLogsClient,
  DescribeDeliveriesCommand,
  DescribeDeliveryDestinationsCommand,
  DescribeDeliverySourcesCommand,
  FilterLogEventsCommand,
  PutDeliveryDestinationCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { DescribeEventBusCommand, DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { Aws } from "../../src/aws/clients.js";
import { runChecks } from "../../src/checks/index.js";
import { CollectSession } from "../../src/collect/readers.js";
import { collectSnapshot } from "../../src/collect/snapshot.js";
import { diagnose } from "../../src/diagnose.js";
import { MOTO_ACCOUNT, MOTO_REGION, motoCredentials, motoEnv, type Moto } from "../helpers/moto.js";
import { useMoto } from "../helpers/use-moto.js";
import { type Seeder } from "../helpers/seed.js";

let moto: Moto;
let seed: Seeder;
useMoto((world) => ({ moto, seed } = world));

const DENIED = (fnArn: string) =>
  `User: arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/events is not authorized to perform: lambda:InvokeFunction on resource: ${fnArn} because no resource-based policy allows the lambda:InvokeFunction action`;

/** One record as EventBridge writes it to a log group. */
function record(busArn: string, messageType: string, eventId: string, details: object, error?: object): string {
  return JSON.stringify({ resource_arn: busArn, request_id: "r", event_id: eventId, invocation_id: "i", message_timestamp_ms: Date.now() - 60_000, message_type: messageType, log_level: "TRACE", details, ...(error ? { error } : {}) });
}

/** An Aws whose EventBridge and Logs clients answer what moto cannot, and pass every other call to moto. */
function awsWithBusLogging(busArn: string, destinationName: string, level: string): Aws {
  const config = { region: MOTO_REGION, endpoint: moto.endpoint, credentials: motoCredentials };
  const realEvents = new EventBridgeClient(config);
  const realLogs = new CloudWatchLogsClient(config);
  const events = new EventBridgeClient(config);
  const logs = new CloudWatchLogsClient(config);
  const ev = mockClient(events);
  const lg = mockClient(logs);
  ev.on(DescribeEventBusCommand).callsFake(async (input) => ({ ...(await realEvents.send(new DescribeEventBusCommand(input))), LogConfig: { Level: level, IncludeDetail: "FULL" } }));
  ev.on(DescribeRuleCommand).callsFake((input) => realEvents.send(new DescribeRuleCommand(input)));
  ev.on(ListTargetsByRuleCommand).callsFake((input) => realEvents.send(new ListTargetsByRuleCommand(input)));
  lg.on(DescribeDeliverySourcesCommand).resolves({ deliverySources: [{ name: "ingestor-trace", arn: "arn:aws:logs:us-east-1:123456789012:delivery-source:ingestor-trace", resourceArns: [busArn], service: "events", logType: "TRACE_LOGS" }] });
  lg.on(DescribeDeliveriesCommand).resolves({
    deliveries: [{ id: "d-1", deliverySourceName: "ingestor-trace", deliveryDestinationArn: `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:delivery-destination:${destinationName}`, deliveryDestinationType: "CWL" }],
  });
  lg.on(DescribeDeliveryDestinationsCommand).callsFake((input) => realLogs.send(new DescribeDeliveryDestinationsCommand(input)));
  lg.on(FilterLogEventsCommand).callsFake((input) => realLogs.send(new FilterLogEventsCommand(input)));
  const env = motoEnv(moto);
  return new Aws({ region: MOTO_REGION, endpointUrl: moto.endpoint, timeoutMs: 20_000, env, maxAttempts: 1, clients: { events, logs } });
}

describe("bus.logs against moto", () => {
  it("reads where the bus logs and its records for the window: a denied delivery and an unmatched event, tied by event_id, are the root causes", async () => {
    const names = await seed.ingestor();
    const busArn = `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:event-bus/${names.bus}`;
    const group = `/aws/vendedlogs/events/event-bus/${names.bus}`;
    const groupArn = `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:${group}`;
    // moto keeps log-group delivery destinations: the one the bus's delivery names lives there.
    await seed.logs.send(new PutDeliveryDestinationCommand({ name: "ingestor-logs", deliveryDestinationConfiguration: { destinationResourceArn: groupArn } }));
    const otherRule = names.ruleArn.replace(/[^/]+$/, "audit");
    await seed.logLines(group, [
      record(busArn, "EVENT_RECEIPT", "e-1", { caller_account_id: MOTO_ACCOUNT, source: "agent2.ingestor", detail_type: "Document Processing Required", resources: [], event_detail: '{"job_id":"1"}' }),
      record(busArn, "RULE_MATCH", "e-1", { rule_arn: names.ruleArn, target_arns: [names.fnArn] }),
      record(busArn, "INVOCATION_FAILURE", "e-1", { rule_arn: names.ruleArn, target_arn: names.fnArn, total_attempts: 1 }, { http_status_code: 403, error_message: DENIED(names.fnArn), aws_service: "Lambda", request_id: "req-1" }),
      // The same event id is not needed for the receipt of another event to be told apart.
      record(busArn, "EVENT_RECEIPT", "e-2", { caller_account_id: MOTO_ACCOUNT, source: "agent2.ingestor", detail_type: "Document Processing Requested", resources: [], event_detail: '{"job_id":"2"}' }),
      record(busArn, "NO_STANDARD_RULES_MATCHED", "e-2", {}),
      // Noise: another team's event, another rule's failure, and a line that is not a record.
      record(busArn, "EVENT_RECEIPT", "e-3", { caller_account_id: MOTO_ACCOUNT, source: "shop.orders", detail_type: "Order Created", resources: [] }),
      record(busArn, "NO_STANDARD_RULES_MATCHED", "e-3", {}),
      record(busArn, "INVOCATION_FAILURE", "e-4", { rule_arn: otherRule, target_arn: names.fnArn }, { error_message: "not ours", aws_service: "Lambda" }),
      "not a record",
    ]);
    const aws = awsWithBusLogging(busArn, "ingestor-logs", "TRACE");
    try {
      const snapshot = await collectSnapshot(new CollectSession(aws, { tool: "test" }), {
        bus: names.bus,
        rule: names.rule,
        function: null,
        publisher: null,
        busEnvVar: "EVENT_BUS_NAME",
        event: null,
        sinceMs: 3_600_000,
        peekDlq: false,
      });
      expect(snapshot.bus).toMatchObject({ ok: true, value: { logConfig: { level: "TRACE", includeDetail: "FULL" } } });
      expect(snapshot.busLogs?.deliveries).toEqual({ ok: true, value: [{ source: "ingestor-trace", logType: "TRACE_LOGS", destinationArn: expect.stringContaining("ingestor-logs"), destinationType: "CWL", resourceArn: groupArn }] });
      // Only this rule's records, the unmatched events and the receipts of the rule's source were kept.
      const kept = snapshot.busLogs?.records?.ok ? snapshot.busLogs.records.value.records.map((r) => `${r.messageType}:${r.eventId}`) : [];
      expect(kept.sort()).toEqual(["EVENT_RECEIPT:e-1", "EVENT_RECEIPT:e-2", "INVOCATION_FAILURE:e-1", "NO_STANDARD_RULES_MATCHED:e-2", "NO_STANDARD_RULES_MATCHED:e-3", "RULE_MATCH:e-1"].sort());

      const findings = runChecks(snapshot).filter((f) => f.id === "bus.logs");
      expect(findings.map((f) => [f.status, f.title])).toEqual([
        ["fail", `1 delivery failed: Lambda HTTP 403: ${DENIED(names.fnArn)}`],
        ["fail", "1 event of agent2.ingestor / Document Processing Requested reached the bus and matched no rule"],
      ]);
      expect(findings[1]!.detail).toContain("Document Processing Required");
      const diagnosis = diagnose(runChecks(snapshot), { target: { region: MOTO_REGION, account: MOTO_ACCOUNT, bus: names.bus, rule: names.rule }, durationMs: 1, strict: false });
      expect(diagnosis.status).toBe("fail");
      expect(diagnosis.rootCause?.id).toBe("bus.logs");
    } finally {
      aws.destroy();
    }
  });

  it("a bus that logs only failures, with none in the window, passes", async () => {
    const names = await seed.ingestor({ suffix: "-quiet" });
    const busArn = `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:event-bus/${names.bus}`;
    const group = `/aws/vendedlogs/events/event-bus/${names.bus}`;
    await seed.logs.send(new PutDeliveryDestinationCommand({ name: "quiet-logs", deliveryDestinationConfiguration: { destinationResourceArn: `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:${group}` } }));
    await seed.logLines(group, [record(busArn, "EVENT_RECEIPT", "x", { source: "elsewhere" })]);
    const aws = awsWithBusLogging(busArn, "quiet-logs", "ERROR");
    try {
      const snapshot = await collectSnapshot(new CollectSession(aws, { tool: "test" }), { bus: names.bus, rule: names.rule, function: null, publisher: null, busEnvVar: "EVENT_BUS_NAME", event: null, sinceMs: 3_600_000, peekDlq: false });
      expect(runChecks(snapshot).find((f) => f.id === "bus.logs")).toMatchObject({ status: "pass", title: "no failure in the bus's own log in the last 1h (level ERROR records failures only)" });
    } finally {
      aws.destroy();
    }
  });
});
