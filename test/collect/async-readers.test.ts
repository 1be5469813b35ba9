/**
 * The readers behind target.input and target.async, with aws-sdk-client-mock for what moto
 * cannot produce: a function's own DeadLetterConfig (moto 5 drops it at CreateFunction), a
 * denied GetFunctionEventInvokeConfig, and each target's input settings as AWS returns them.
 */
import { EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { GetFunctionCommand, GetFunctionEventInvokeConfigCommand, LambdaClient, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { Aws } from "../../src/aws/clients.js";
import { CollectSession } from "../../src/collect/readers.js";

const events = mockClient(EventBridgeClient);
const lambda = mockClient(LambdaClient);

function session(): CollectSession {
  const region = { region: "us-east-1" };
  const aws = new Aws({ region: "us-east-1", timeoutMs: 10_000, env: {}, maxAttempts: 1, clients: { events: new EventBridgeClient(region), lambda: new LambdaClient(region) } });
  return new CollectSession(aws, { tool: "test" });
}

beforeEach(() => {
  events.reset();
  lambda.reset();
});

describe("the Lambda target's asynchronous side", () => {
  it("the function's own DLQ and execution role come from the configuration read; none is null, not absent", async () => {
    lambda
      .on(GetFunctionCommand, { FunctionName: "worker" })
      .resolves({ Configuration: { FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:worker", Role: "arn:aws:iam::123456789012:role/service/worker-role", DeadLetterConfig: { TargetArn: "arn:aws:sqs:us-east-1:123456789012:worker-dlq" } } })
      .on(GetFunctionCommand, { FunctionName: "bare" })
      .resolves({ Configuration: { FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:bare" } });
    const s = session();
    expect(await s.functionConfiguration("worker", undefined)).toEqual({
      ok: true,
      value: { arn: "arn:aws:lambda:us-east-1:123456789012:function:worker", executionRoleArn: "arn:aws:iam::123456789012:role/service/worker-role", deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:worker-dlq" },
    });
    expect(await s.functionConfiguration("bare", undefined)).toEqual({ ok: true, value: { arn: "arn:aws:lambda:us-east-1:123456789012:function:bare", deadLetterTargetArn: null } });
  });

  it("GetFunctionEventInvokeConfig: the settings (with the qualifier), null when none are configured, an error naming the action when denied", async () => {
    lambda
      .on(GetFunctionEventInvokeConfigCommand, { FunctionName: "worker", Qualifier: "live" })
      .resolves({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: "arn:aws:sqs:us-east-1:123456789012:f" }, OnSuccess: {} } })
      .on(GetFunctionEventInvokeConfigCommand, { FunctionName: "plain" })
      .rejects(new ResourceNotFoundException({ message: "The function arn:aws:lambda:us-east-1:123456789012:function:plain doesn't have an EventInvokeConfig", $metadata: { httpStatusCode: 404 } }))
      .on(GetFunctionEventInvokeConfigCommand, { FunctionName: "locked" })
      .rejects(Object.assign(new Error("User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:GetFunctionEventInvokeConfig on resource: locked"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } }));
    const s = session();
    expect(await s.eventInvokeConfig("worker", "live")).toEqual({ ok: true, value: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60, onFailure: "arn:aws:sqs:us-east-1:123456789012:f" } });
    expect(await s.eventInvokeConfig("plain", undefined)).toEqual({ ok: true, value: null });
    expect(await s.eventInvokeConfig("locked", undefined)).toMatchObject({ ok: false, reason: "access-denied", action: "lambda:GetFunctionEventInvokeConfig" });
  });

  it("each target's input settings are recorded as ListTargetsByRule gives them; {} for none", async () => {
    events.on(ListTargetsByRuleCommand).resolves({
      Targets: [
        { Id: "a", Arn: "arn:aws:lambda:us-east-1:123456789012:function:worker", InputPath: "$.detail" },
        { Id: "b", Arn: "arn:aws:sqs:us-east-1:123456789012:q", InputTransformer: { InputPathsMap: { d: "$.detail" }, InputTemplate: '{"d": <d>}' } },
        { Id: "c", Arn: "arn:aws:sqs:us-east-1:123456789012:q2" },
      ],
    });
    const targets = await session().targets("rule", "bus");
    expect(targets.ok && targets.value.map((t) => [t.id, t.input, t.transformsInput ?? false])).toEqual([
      ["a", { InputPath: "$.detail" }, true],
      ["b", { InputTransformer: { InputPathsMap: { d: "$.detail" }, InputTemplate: '{"d": <d>}' } }, true],
      ["c", {}, false],
    ]);
  });
});
