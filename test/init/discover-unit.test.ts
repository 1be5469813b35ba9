/** `init`'s discovery with aws-sdk-client-mock: pages moto never returns, and denials. */
import { DescribeEventBusCommand, EventBridgeClient, ListEventBusesCommand, ListRulesCommand, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { Aws } from "../../src/aws/clients.js";
import { CollectSession } from "../../src/collect/readers.js";
import { discoverPipeline } from "../../src/init/discover.js";

const events = mockClient(EventBridgeClient);
const lambda = mockClient(LambdaClient);
const sts = mockClient(STSClient);
const ARN = "arn:aws:events:us-east-1:123456789012:event-bus/orders";

function session(): CollectSession {
  const region = { region: "us-east-1" };
  const aws = new Aws({ region: "us-east-1", timeoutMs: 10_000, env: {}, clients: { events: new EventBridgeClient(region), lambda: new LambdaClient(region), sts: new STSClient(region) } });
  return new CollectSession(aws, { tool: "test" });
}

beforeEach(() => {
  events.reset();
  lambda.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/dev" });
  events.on(DescribeEventBusCommand).resolves({ Name: "orders", Arn: ARN });
});

describe("discoverPipeline", () => {
  it("follows every page of rules, targets and functions, and keeps only variable names", async () => {
    events
      .on(ListRulesCommand, { EventBusName: "orders", NextToken: undefined })
      .resolves({ Rules: [{ Name: "a", Arn: "arn:a", EventPattern: "{}" }], NextToken: "p2" })
      .on(ListRulesCommand, { EventBusName: "orders", NextToken: "p2" })
      .resolves({ Rules: [{ Name: "b", Arn: "arn:b", State: "DISABLED" }] });
    events
      .on(ListTargetsByRuleCommand, { Rule: "a", NextToken: undefined })
      .resolves({ Targets: [{ Id: "1", Arn: "arn:aws:sqs:us-east-1:123456789012:q" }], NextToken: "t2" })
      .on(ListTargetsByRuleCommand, { Rule: "a", NextToken: "t2" })
      .resolves({ Targets: [{ Id: "2", Arn: "arn:aws:lambda:us-east-1:123456789012:function:worker:live" }] })
      .on(ListTargetsByRuleCommand, { Rule: "b" })
      .resolves({ Targets: [] });
    lambda
      .on(ListFunctionsCommand, { Marker: undefined })
      .resolves({ Functions: [{ FunctionName: "worker", Environment: { Variables: { TABLE: "jobs" } } }], NextMarker: "m2" })
      .on(ListFunctionsCommand, { Marker: "m2" })
      .resolves({ Functions: [{ FunctionName: "api", Environment: { Variables: { TOKEN: "s3cr3t", ORDERS_BUS: ARN } } }] });

    const found = await discoverPipeline(session(), "orders", null);
    expect(found.rules.map((rule) => [rule.name, rule.state])).toEqual([["a", "ENABLED"], ["b", "DISABLED"]]);
    expect(found.rules[0]!.targets).toEqual({
      ok: true,
      value: [
        { id: "1", arn: "arn:aws:sqs:us-east-1:123456789012:q", kind: "sqs", input: {} },
        { id: "2", arn: "arn:aws:lambda:us-east-1:123456789012:function:worker:live", kind: "lambda", input: {}, function: { name: "worker", qualifier: "live" } },
      ],
    });
    expect(found.publishers).toEqual({ ok: true, value: [{ function: "api", variables: ["ORDERS_BUS"] }] });
    expect(JSON.stringify(found)).not.toContain("s3cr3t");
  });

  it("reads only the named rule's targets with --rule", async () => {
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: "a" }, { Name: "b" }] });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
    lambda.on(ListFunctionsCommand).resolves({ Functions: [] });
    const found = await discoverPipeline(session(), "orders", "b");
    expect(events.commandCalls(ListTargetsByRuleCommand).map((call) => call.args[0].input.Rule)).toEqual(["b"]);
    expect(found.rules.map((rule) => rule.targets)).toEqual([null, { ok: true, value: [] }]);
  });

  it("records a denied ListFunctions with the IAM action instead of failing", async () => {
    events.on(ListRulesCommand).resolves({ Rules: [] });
    lambda.on(ListFunctionsCommand).rejects(Object.assign(new Error("User is not authorized to perform: lambda:ListFunctions"), { name: "AccessDeniedException" }));
    const found = await discoverPipeline(session(), "orders", null);
    expect(found.publishers).toMatchObject({ ok: false, reason: "access-denied", action: "lambda:ListFunctions" });
  });

  it("reports a missing bus with the buses that exist", async () => {
    const notFound = Object.assign(new Error("Event bus nope does not exist."), { name: "ResourceNotFoundException" });
    events.on(DescribeEventBusCommand).rejects(notFound);
    events.on(ListRulesCommand).rejects(notFound);
    events.on(ListEventBusesCommand).resolves({ EventBuses: [{ Name: "default" }, { Name: "orders" }] });
    const found = await discoverPipeline(session(), "nope", null);
    expect(found.missing).toEqual({ otherBuses: { ok: true, value: ["default", "orders"] } });
  });
});
