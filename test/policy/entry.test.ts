import { expect, test } from "vitest";
import { describeDecision, evaluatePolicy, eventBridgeDeliveryRequest, InvalidPolicyError, parsePolicy } from "../../src/index.js";

test("the package entry exports the evaluator, as its doc comment shows", () => {
  const ruleArn = "arn:aws:events:us-east-1:123456789012:rule/orders-bus/route-orders";
  const functionArn = "arn:aws:lambda:us-east-1:123456789012:function:worker";
  const functionPolicy = {
    Version: "2012-10-17",
    Statement: [{ Sid: "events-invoke", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "lambda:InvokeFunction", Resource: functionArn, Condition: { ArnLike: { "AWS:SourceArn": ruleArn } } }],
  };
  const request = eventBridgeDeliveryRequest({ ruleArn, action: "lambda:InvokeFunction", resource: functionArn });
  expect(describeDecision(evaluatePolicy(functionPolicy, request))).toBe("allowed by statement events-invoke");
  expect(() => parsePolicy({ Statement: { ...functionPolicy.Statement[0], Effect: "allow" } })).toThrow(InvalidPolicyError);
});
