/** The probe's PutEvents handling with aws-sdk-client-mock: entry failures inside an HTTP 200. */
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand, StartLiveTailCommand, type StartLiveTailResponseStream } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { mockedAws } from "../helpers/mocked-aws.js";
import { beforeEach, describe, expect, it } from "vitest";
import { logGroupOfTarget } from "../../src/model/arn.js";
import { probeEntry, probePipeline, type ProbeRequest } from "../../src/probe/probe.js";

const events = mockClient(EventBridgeClient);
const logs = mockClient(CloudWatchLogsClient);
const sts = mockClient(STSClient);

function request(extra: Partial<ProbeRequest> = {}): ProbeRequest {
  return {
    bus: "orders",
    rule: "order-created",
    function: null,
    event: { origin: "flags", input: { source: "shop.orders", "detail-type": "Order Created", detail: { id: "1" } } },
    ...extra,
  };
}

const aws = mockedAws;

beforeEach(() => {
  events.reset();
  logs.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: "123456789012", Arn: "arn:aws:sts::123456789012:assumed-role/dev/alice" });
  events.on(DescribeRuleCommand).resolves({ Arn: "arn:aws:events:us-east-1:123456789012:rule/orders/order-created", EventPattern: '{"source":["shop.orders"]}' });
  events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: "fn", Arn: "arn:aws:lambda:us-east-1:123456789012:function:orders-fn" }] });
});

describe("probe entry", () => {
  it("adds the marker to detail and names the bus", () => {
    const { entry } = probeEntry(request(), "cd-probe-abc");
    expect(entry).toMatchObject({ Source: "shop.orders", DetailType: "Order Created", EventBusName: "orders" });
    expect(JSON.parse(entry.Detail!)).toEqual({ id: "1", courseDoctorProbe: "cd-probe-abc" });
  });

  it("maps targets to the log groups that hold evidence", () => {
    expect(logGroupOfTarget("arn:aws:lambda:us-east-1:1:function:fn:live")).toBe("/aws/lambda/fn");
    expect(logGroupOfTarget("arn:aws:logs:us-east-1:1:log-group:/aws/events/x:*")).toBe("/aws/events/x");
    expect(logGroupOfTarget("arn:aws:sqs:us-east-1:1:q")).toBeNull();
  });
});

describe("probePipeline with a mocked SDK", () => {
  it("reports a failed entry inside an HTTP 200 as probe.accepted fail with its code", async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." }] });
    const result = await probePipeline(aws(), request(), { timeoutMs: 1000 });
    expect(result.findings[0]).toMatchObject({ id: "probe.accepted", status: "fail" });
    expect(result.findings[0]!.title).toContain("MalformedDetail");
    expect(result.findings[0]!.detail).toContain("Detail is malformed.");
    expect(result.findings.slice(1)).toMatchObject([{ id: "probe.matched", status: "skip" }, { id: "probe.delivered", status: "skip" }]);
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(0);
  });

  it("finds the marker in the function's log group", async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });
    logs.on(FilterLogEventsCommand).callsFake((input: { logGroupName: string }) => {
      const call = events.commandCalls(PutEventsCommand)[0]!;
      const marker = JSON.parse(call.args[0].input.Entries![0]!.Detail!).courseDoctorProbe as string;
      // What a handler that logs its input prints.
      return { events: [{ message: `received {"detail": {"id": "1", "courseDoctorProbe": "${marker}"}}`, timestamp: Date.now(), ingestionTime: Date.now(), logStreamName: "s", eventId: "1" }], group: input.logGroupName };
    });
    const result = await probePipeline(aws(), request(), { timeoutMs: 5000, pollMs: 10 });
    expect(result.findings.map((f) => [f.id, f.status])).toEqual([
      ["probe.accepted", "pass"],
      ["probe.matched", "pass"],
      ["probe.delivered", "pass"],
    ]);
    expect(result.findings[2]!.evidence).toMatchObject({ logGroup: "/aws/lambda/orders-fn", via: "target" });
    // Whose identity sent it: the probe proves the path for the caller, not for the publisher.
    expect(result.findings[0]!.title).toContain("sent as arn:aws:sts::123456789012:assumed-role/dev/alice");
  });

  it("treats a missing log group as no logs yet and times out", async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });
    logs.on(FilterLogEventsCommand).rejects(Object.assign(new Error("The specified log group does not exist."), { name: "ResourceNotFoundException" }));
    const result = await probePipeline(aws(), request(), { timeoutMs: 200, pollMs: 20 });
    expect(result.timedOut).toBe(true);
    expect(result.findings[2]!.detail).toContain("No logs yet in /aws/lambda/orders-fn");
  });

  it("waits through Live Tail where the service offers it, and says so with --verbose", async () => {
    const group = "/aws/lambda/orders-fn";
    const groupArn = `arn:aws:logs:us-east-1:123456789012:log-group:${group}`;
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: group, logGroupArn: groupArn }] });
    logs.on(StartLiveTailCommand).callsFake(() => {
      const marker = JSON.parse(events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.Detail!).courseDoctorProbe as string;
      const items = [
        { sessionStart: { sessionId: "s-1", logGroupIdentifiers: [groupArn] } },
        { sessionUpdate: { sessionMetadata: { sampled: false }, sessionResults: [{ logGroupIdentifier: groupArn, logStreamName: "s", timestamp: Date.now(), message: `{"courseDoctorProbe": "${marker}"}` }] } },
      ] as StartLiveTailResponseStream[];
      return {
        responseStream: (async function* () {
          yield* items;
          await new Promise(() => undefined); // the session stays open until the probe stops reading
        })(),
      };
    });
    const lines: string[] = [];
    const result = await probePipeline(aws(), request(), { timeoutMs: 5000, pollMs: 1000, debug: (line) => lines.push(line) });
    expect(result.findings.map((f) => f.status)).toEqual(["pass", "pass", "pass"]);
    expect(logs.commandCalls(StartLiveTailCommand)).toHaveLength(1);
    expect(lines.join("\n")).toContain(`${group}: Live Tail`);
  });
});
