/**
 * bus.logs over snapshots: the bus's own log, read from what EventBridge records (the
 * documented schema), outranking the metrics as evidence.
 */
import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { busLogsCheck } from "../../src/checks/bus-logs.js";
import { diagnose } from "../../src/diagnose.js";
import { parseBusLogRecord } from "../../src/model/bus-log.js";
import type { BusLogRecord, Snapshot } from "../../src/model/snapshot.js";
import { ACCOUNT, APP_ENTRY, BUS, BUS_ARN, FUNCTION, FUNCTION_ARN, ok, failed, REGION, RULE_ARN, variant } from "../fixtures/snapshot.js";

const GROUP = `/aws/vendedlogs/events/event-bus/${BUS}`;
const GROUP_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${GROUP}`;
const DENIED = `User: arn:aws:sts::${ACCOUNT}:assumed-role/events/e is not authorized to perform: lambda:InvokeFunction on resource: ${FUNCTION_ARN} because no resource-based policy allows the lambda:InvokeFunction action`;

/** One record as EventBridge writes it (the documented schema), read back the way the collector does. */
function record(messageType: string, eventId: string, details: Record<string, unknown> = {}, error?: Record<string, unknown>, at = Date.parse("2026-11-22T21:30:00Z")): BusLogRecord {
  const line = JSON.stringify({
    resource_arn: BUS_ARN,
    request_id: "9f1c",
    event_id: eventId,
    invocation_id: "inv-1",
    message_timestamp_ms: at,
    message_type: messageType,
    log_level: "TRACE",
    details,
    ...(error ? { error } : {}),
  });
  return parseBusLogRecord(line, 0)!;
}

function receipt(eventId: string, source: string, detailType: string, detail?: object): BusLogRecord {
  return record("EVENT_RECEIPT", eventId, { caller_account_id: ACCOUNT, source_time_ms: 0, source, detail_type: detailType, resources: [], ...(detail ? { event_detail: JSON.stringify(detail) } : {}) });
}

function logging(level: string, records: BusLogRecord[] | null, change: (s: Snapshot) => void = () => undefined): Snapshot {
  return variant((s) => {
    s.bus = ok({ name: BUS, arn: BUS_ARN, logConfig: { level, includeDetail: "FULL" } });
    s.busLogs = {
      deliveries: ok([{ source: `${BUS}-trace-logs`, logType: "TRACE_LOGS", destinationArn: `arn:aws:logs:${REGION}:${ACCOUNT}:delivery-destination:${BUS}-logs`, destinationType: "CWL", resourceArn: GROUP_ARN }]),
      records: records === null ? null : ok({ groups: [GROUP], start: "2026-11-22T21:00:00.000Z", end: "2026-11-22T22:00:00.000Z", records, truncated: false }),
    };
    change(s);
  });
}

const busLogs = (s: Snapshot) => busLogsCheck.run(s);

describe("bus.logs", () => {
  it("logging off: skip, with the commands that turn it on (ERROR level) keeping the bus's other settings", () => {
    const s = variant((x) => {
      x.bus = ok({ name: BUS, arn: BUS_ARN, logConfig: { level: "OFF", includeDetail: "NONE" }, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k1" });
      x.busLogs = { deliveries: ok([]), records: null };
    });
    const [f] = busLogs(s);
    expect(f).toMatchObject({ status: "skip", title: "the bus does not log (LogConfig level OFF, the default)" });
    expect(f!.fix).toContain(`aws logs put-delivery-source --name ${BUS}-error-logs --resource-arn ${BUS_ARN} --log-type ERROR_LOGS`);
    expect(f!.fix).toContain(`aws logs create-delivery --delivery-source-name ${BUS}-error-logs`);
    expect(f!.fix).toContain(`aws events update-event-bus --name ${BUS} --log-config IncludeDetail=FULL,Level=ERROR --kms-key-identifier arn:aws:kms:us-east-1:123456789012:key/k1`);
    expect(f!.detail).toContain("costs little");
    // The fixes run where the diagnosis looked.
    expect(runChecks(s).find((x) => x.id === "bus.logs")!.fix).toContain(`--region ${REGION}`);
  });

  it("an invocation failure of this rule's target fails, quoting the service's error, and is the root cause before the metrics", () => {
    const s = logging("TRACE", [
      receipt("e1", "agent2.ingestor", "Document Processing Required"),
      record("RULE_MATCH", "e1", { rule_arn: RULE_ARN, target_arns: [FUNCTION_ARN], invocation_ids: ["inv-1"] }),
      record("INVOCATION_ATTEMPT_PERMANENT_FAILURE", "e1", { rule_arn: RULE_ARN, target_arn: FUNCTION_ARN, attempt_count: 1 }, { http_status_code: 403, error_message: DENIED, aws_service: "Lambda", request_id: "req-403" }),
      record("INVOCATION_FAILURE", "e1", { rule_arn: RULE_ARN, target_arn: FUNCTION_ARN, total_attempts: 1 }, { http_status_code: 403, error_message: DENIED, aws_service: "Lambda", request_id: "req-403" }),
    ]);
    const [f] = busLogs(s);
    expect(f).toMatchObject({ status: "fail", subject: FUNCTION });
    expect(f!.title).toBe(`1 delivery failed: Lambda HTTP 403: ${DENIED}`);
    expect(f!.detail).toContain("(request req-403)");
    // AWS refused although the policy may read as allowing: a statement for this rule alone.
    expect(f!.fix).toContain(`aws lambda add-permission --function-name ${FUNCTION} --statement-id eventbridge-agent2-ingestor-document-processing-dev --action lambda:InvokeFunction`);
    expect(f!.fix).toContain(`--source-arn ${RULE_ARN}`);
    expect(f!.detail).toContain("1 event: Lambda HTTP 403");
    // With a metrics window that also shows failures, the bus's own record is named first.
    const diagnosis = diagnose(runChecks(s), { target: { region: REGION, account: ACCOUNT, bus: BUS, rule: null }, durationMs: 1, strict: false });
    expect(diagnosis.findings.map((x) => x.id).indexOf("bus.logs")).toBeLessThan(diagnosis.findings.map((x) => x.id).indexOf("metrics.matched"));
    expect(diagnosis.rootCause?.id).toBe("bus.logs");
  });

  it("events of the application's source that matched no rule fail, tied by event_id, with the field that stops the rule", () => {
    const s = logging("TRACE", [
      receipt("e2", "agent2.ingestor", "Document Processing Requested", { job_id: "7f3c" }),
      record("NO_STANDARD_RULES_MATCHED", "e2"),
      // Someone else's unmatched event is not the application's problem.
      receipt("e3", "shop.orders", "Order Created", {}),
      record("NO_STANDARD_RULES_MATCHED", "e3"),
    ]);
    const [f, ...rest] = busLogs(s);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ status: "fail", title: "1 event of agent2.ingestor / Document Processing Requested reached the bus and matched no rule" });
    expect(f!.detail).toContain("NO_STANDARD_RULES_MATCHED");
    expect(f!.detail).toMatch(/detail-type: .*Document Processing Required.*Document Processing Requested/);
    expect(f!.fix).toContain("course-doctor pattern test --rule");
    expect(f!.evidence).toMatchObject({ unmatched: 1, newest: [{ eventId: "e2", source: "agent2.ingestor" }] });
  });

  it("the application's events are those of its event's source, whatever their detail-type", () => {
    const s = logging("TRACE", [receipt("e4", "agent2.uploads", "Upload Done"), record("NO_STANDARD_RULES_MATCHED", "e4")], (x) => {
      x.event = { origin: "inline", input: { ...APP_ENTRY, Source: "agent2.uploads" } };
    });
    expect(busLogs(s)[0]).toMatchObject({ status: "fail", title: "1 event of agent2.uploads / Upload Done reached the bus and matched no rule" });
    // The rule's own source is not the application's when the event names another.
    const other = logging("TRACE", [receipt("e5", "agent2.ingestor", "X"), record("NO_STANDARD_RULES_MATCHED", "e5")], (x) => {
      x.event = { origin: "inline", input: { ...APP_ENTRY, Source: "agent2.uploads" } };
    });
    expect(busLogs(other)[0]!.status).not.toBe("fail");
  });

  it("only successes pass, with counts", () => {
    const s = logging("TRACE", [
      receipt("e5", "agent2.ingestor", "Document Processing Required"),
      record("RULE_MATCH", "e5", { rule_arn: RULE_ARN, target_arns: [FUNCTION_ARN] }),
      record("INVOCATION_SUCCESS", "e5", { rule_arn: RULE_ARN, target_arn: FUNCTION_ARN, total_attempts: 1 }),
    ]);
    expect(busLogs(s)).toEqual([expect.objectContaining({ status: "pass", title: "the bus's own log: 1 event matched, 1 delivery succeeded, no failure in the last 1h" })]);
  });

  it("retried attempts that ended in a delivery warn, naming the error", () => {
    const s = logging("TRACE", [
      record("INVOCATION_ATTEMPT_THROTTLE", "e6", { rule_arn: RULE_ARN, target_arn: FUNCTION_ARN, attempt_count: 1 }, { error_message: "Rate Exceeded.", aws_service: "Lambda", http_status_code: 429 }),
      record("INVOCATION_SUCCESS", "e6", { rule_arn: RULE_ARN, target_arn: FUNCTION_ARN, total_attempts: 2 }),
    ]);
    const [f] = busLogs(s);
    expect(f).toMatchObject({ status: "warn", title: "delivered after 1 failed attempt: Lambda HTTP 429: Rate Exceeded." });
    expect(f!.fix).toContain("throttles");
  });

  it("ERROR level with no failure passes (that level records failures only); TRACE with nothing at all says it cannot tell", () => {
    expect(busLogs(logging("ERROR", []))[0]).toMatchObject({ status: "pass", title: "no failure in the bus's own log in the last 1h (level ERROR records failures only)" });
    const [nothing] = busLogs(logging("TRACE", []));
    expect(nothing).toMatchObject({ status: "skip", title: "nothing in the bus's own log for this rule or for events of agent2.ingestor in the last 1h" });
    expect(nothing!.detail).toContain("course-doctor tail --bus default --source agent2.ingestor");
  });

  it("records of another rule do not count for this one", () => {
    const other = RULE_ARN.replace(/[^/]+$/, "audit");
    const s = logging("TRACE", [record("INVOCATION_FAILURE", "e7", { rule_arn: other, target_arn: FUNCTION_ARN }, { error_message: "boom", aws_service: "Lambda" })]);
    expect(busLogs(s)[0]!.status).toBe("skip");
  });

  it("where the logs go cannot be read: error naming the action; logs only to S3: skip naming the bucket; a level but no delivery: skip with the delivery commands", () => {
    const denied = logging("TRACE", null, (x) => {
      x.busLogs = { deliveries: failed("access-denied", "logs:DescribeDeliverySources"), records: null };
    });
    expect(busLogs(denied)[0]).toMatchObject({ status: "error", title: expect.stringContaining("logs:DescribeDeliverySources") });
    const s3 = logging("INFO", null, (x) => {
      x.busLogs = { deliveries: ok([{ source: "s", destinationArn: "arn:aws:logs:us-east-1:123456789012:delivery-destination:d", destinationType: "S3", resourceArn: "arn:aws:s3:::audit-logs" }]), records: null };
    });
    expect(busLogs(s3)[0]).toMatchObject({ status: "skip", title: "the bus logs at INFO to S3 bucket arn:aws:s3:::audit-logs: not a log group course-doctor can read" });
    const nowhere = logging("ERROR", null, (x) => {
      x.busLogs = { deliveries: ok([]), records: null };
    });
    const [n] = busLogs(nowhere);
    expect(n).toMatchObject({ status: "skip", title: "the bus logs at ERROR, but no delivery takes its records" });
    expect(n!.fix).toContain("--log-type ERROR_LOGS");
    expect(n!.fix).not.toContain("update-event-bus");
  });

  it("a snapshot without the bus's logging says so instead of guessing", () => {
    const old = variant((x) => {
      x.bus = ok({ name: BUS, arn: BUS_ARN });
      delete x.busLogs;
    });
    expect(busLogs(old)[0]).toMatchObject({ status: "skip", title: "the bus's logging was not read (a snapshot without it)" });
  });
});

describe("bus log records", () => {
  it("reads the documented schema, tolerating string timestamps and missing parts; other lines are not records", () => {
    const r = parseBusLogRecord(
      JSON.stringify({ event_id: "x", message_type: "INVOCATION_FAILURE", message_timestamp_ms: "1764700000000", details: { rule_arn: RULE_ARN, target_arn: FUNCTION_ARN, total_attempts: "3" }, error: { error_message: "m", http_status_code: "500" } }),
      5,
    );
    expect(r).toEqual({ timestamp: 1764700000000, messageType: "INVOCATION_FAILURE", eventId: "x", ruleArn: RULE_ARN, targetArn: FUNCTION_ARN, attempts: 3, error: { message: "m", status: 500 } });
    expect(parseBusLogRecord("START RequestId: 1", 5)).toBeNull();
    expect(parseBusLogRecord('{"level":"info"}', 5)).toBeNull();
    expect(parseBusLogRecord('{"message_type":"EVENT_RECEIPT"}', 5)).toEqual({ timestamp: 5, messageType: "EVENT_RECEIPT" });
  });
});
