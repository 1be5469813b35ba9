import { describe, expect, test } from "vitest";
import {
  explainRuleArnMismatch,
  parseBusArn,
  parseFunctionArn,
  parseRuleArn,
  unqualifiedFunctionArn,
} from "../../src/model/rule-arn.js";

const CUSTOM = "arn:aws:events:us-east-1:123456789012:rule/orders-bus/route-orders";
const DEFAULT = "arn:aws:events:us-east-1:123456789012:rule/route-orders";

describe("parseRuleArn", () => {
  test.each([
    [DEFAULT, { bus: null, name: "route-orders", busArnInside: false }],
    [CUSTOM, { bus: "orders-bus", name: "route-orders", busArnInside: false }],
    ["arn:aws:events:us-east-1:123456789012:rule/aws.partner/saas.com/123/bus/route", { bus: "aws.partner/saas.com/123/bus", name: "route" }],
    [
      "arn:aws:events:us-east-1:123456789012:rule/arn:aws:events:us-east-1:123456789012:event-bus/orders-bus/route-orders",
      { bus: "orders-bus", name: "route-orders", busArnInside: true },
    ],
  ])("%s", (arn, expected) => {
    expect(parseRuleArn(arn)).toMatchObject({ region: "us-east-1", account: "123456789012", ...expected });
  });

  test.each(["not an arn", "arn:aws:events:us-east-1:123456789012:event-bus/orders-bus", "arn:aws:lambda:us-east-1:1:function:f"])(
    "%s is not a rule ARN",
    (text) => expect(parseRuleArn(text)).toBeNull(),
  );
});

test("parseBusArn and parseFunctionArn", () => {
  expect(parseBusArn("arn:aws:events:eu-west-1:123456789012:event-bus/orders")).toMatchObject({ name: "orders", region: "eu-west-1" });
  expect(parseBusArn("orders")).toBeNull();
  expect(parseFunctionArn("arn:aws:lambda:us-east-1:1:function:api:live")).toMatchObject({ name: "api", qualifier: "live" });
  expect(parseFunctionArn("arn:aws:lambda:us-east-1:1:function:api")).not.toHaveProperty("qualifier");
  expect(unqualifiedFunctionArn("arn:aws:lambda:us-east-1:1:function:api:7")).toBe("arn:aws:lambda:us-east-1:1:function:api");
});

describe("explainRuleArnMismatch names the trap", () => {
  test.each([
    [DEFAULT, CUSTOM, "default-bus form rule/route-orders; a rule on the custom bus orders-bus has the ARN rule/orders-bus/route-orders"],
    ["arn:aws:events:us-east-1:123456789012:rule/default/route-orders", CUSTOM, "rule/default/route-orders: the rule is on bus orders-bus"],
    ["arn:aws:events:us-east-1:123456789012:rule/default/route-orders", DEFAULT, "a rule on the default bus has the ARN rule/route-orders, without the bus"],
    ["arn:aws:events:us-east-1:123456789012:rule/arn:aws:events:us-east-1:123456789012:event-bus/orders-bus/route-orders", CUSTOM, "puts the bus ARN inside the rule ARN"],
    ["arn:aws:events:us-east-1:123456789012:rule/orders-bus/cleanup", CUSTOM, "another rule, cleanup, not route-orders"],
    ["arn:aws:events:us-east-1:123456789012:rule/other-bus/route-orders", CUSTOM, "the rule of that name on bus other-bus"],
    ["arn:aws:events:eu-west-1:123456789012:rule/orders-bus/route-orders", CUSTOM, "region eu-west-1; the rule is in us-east-1"],
    ["arn:aws:events:us-east-1:999999999999:rule/orders-bus/route-orders", CUSTOM, "account 999999999999"],
    ["arn:aws:events:us-east-1:123456789012:event-bus/orders-bus", CUSTOM, "the ARN of bus orders-bus, not of a rule"],
    ["arn:aws:events:us-east-1:123456789012:rule/orders-bus/other-*", CUSTOM, "the pattern"],
  ])("%s", (seen, rule, fragment) => {
    expect(explainRuleArnMismatch(seen, rule)).toContain(fragment);
  });

  test("null when it is the rule's ARN", () => expect(explainRuleArnMismatch(CUSTOM, CUSTOM)).toBeNull());
});
