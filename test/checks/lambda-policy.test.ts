import { describe, expect, test } from "vitest";
import { evaluateInvokePermission, evaluateStatement } from "../../src/model/lambda-policy.js";
import type { PolicyStatement } from "../../src/model/snapshot.js";

const RULE_ARN = "arn:aws:events:us-east-1:123456789012:rule/orders-bus/route-orders";
const FN = "arn:aws:lambda:us-east-1:123456789012:function:worker";
const request = { targetArn: FN, ruleArn: RULE_ARN };

function statement(overrides: Partial<PolicyStatement> = {}): PolicyStatement {
  return {
    Sid: "s1",
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: "lambda:InvokeFunction",
    Resource: FN,
    Condition: { ArnLike: { "AWS:SourceArn": RULE_ARN } },
    ...overrides,
  };
}

describe("a statement admits EventBridge from this rule", () => {
  test.each<[string, Partial<PolicyStatement>]>([
    ["the add-permission form", {}],
    ["principal as a string", { Principal: "events.amazonaws.com" }],
    ["principal in a list", { Principal: { Service: ["apigateway.amazonaws.com", "events.amazonaws.com"] } }],
    ["principal *", { Principal: "*" }],
    ["action as a list", { Action: ["lambda:GetFunction", "lambda:InvokeFunction"] }],
    ["action lambda:*", { Action: "lambda:*" }],
    ["action lambda:Invoke*", { Action: "lambda:Invoke*" }],
    ["action in another case", { Action: "Lambda:invokefunction" }],
    ["condition key in lower case", { Condition: { ArnLike: { "aws:sourcearn": RULE_ARN } } }],
    ["ArnEquals", { Condition: { ArnEquals: { "AWS:SourceArn": RULE_ARN } } }],
    ["StringEquals", { Condition: { StringEquals: { "AWS:SourceArn": RULE_ARN } } }],
    ["StringLike with a wildcard", { Condition: { StringLike: { "AWS:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/orders-bus/*" } } }],
    ["ArnLike with a wildcard", { Condition: { ArnLike: { "AWS:SourceArn": "arn:aws:events:*:123456789012:rule/orders-bus/route-*" } } }],
    ["one of several SourceArns", { Condition: { ArnLike: { "AWS:SourceArn": ["arn:aws:events:us-east-1:123456789012:rule/x", RULE_ARN] } } }],
    ["no condition at all", { Condition: undefined }],
  ])("%s", (_name, overrides) => {
    expect(evaluateStatement(statement(overrides), request).admits).toBe(true);
  });

  test("says how SourceArn was satisfied", () => {
    const exact = evaluateStatement(statement(), request);
    const pattern = evaluateStatement(statement({ Condition: { ArnLike: { "AWS:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/orders-bus/*" } } }), request);
    const none = evaluateStatement(statement({ Condition: undefined }), request);
    expect([exact, pattern, none].map((v) => v.admits && v.sourceArn)).toEqual(["exact", "pattern", "unconstrained"]);
  });
});

describe("a statement does not admit it, and says why", () => {
  test.each<[string, Partial<PolicyStatement>, string, string]>([
    ["another principal", { Principal: { Service: "apigateway.amazonaws.com" } }, "principal", "is for apigateway.amazonaws.com"],
    ["another action", { Action: "lambda:InvokeFunctionUrl" }, "action", "allows lambda:InvokeFunctionUrl"],
    ["another function", { Resource: "arn:aws:lambda:us-east-1:123456789012:function:other" }, "resource", "is on arn:aws:lambda:us-east-1:123456789012:function:other"],
    ["the default-bus form", { Condition: { ArnLike: { "AWS:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/route-orders" } } }, "source-arn", "names rule/route-orders"],
    ["a case-different StringEquals", { Condition: { StringEquals: { "aws:SourceArn": RULE_ARN.toUpperCase() } } }, "source-arn", "names"],
    ["a negated condition", { Condition: { ArnNotLike: { "AWS:SourceArn": "arn:aws:events:*:*:rule/orders-bus/*" } } }, "source-arn", "names"],
    ["another account", { Condition: { ArnLike: { "AWS:SourceArn": RULE_ARN }, StringEquals: { "AWS:SourceAccount": "999999999999" } } }, "source-account", "names account 999999999999"],
  ])("%s", (_name, overrides, kind, short) => {
    const verdict = evaluateStatement(statement(overrides), request);
    expect(verdict.admits).toBe(false);
    if (verdict.admits) return;
    expect(verdict.reasons.map((r) => r.kind)).toContain(kind);
    expect(verdict.reasons.map((r) => r.short).join(" ")).toContain(short);
  });

  test("a statement on the function does not admit an alias target", () => {
    const verdict = evaluateStatement(statement(), { targetArn: `${FN}:live`, ruleArn: RULE_ARN });
    expect(verdict.admits).toBe(false);
    if (!verdict.admits) expect(verdict.reasons[0]!.message).toContain("needs its own statement on the qualified ARN");
  });

  test("a statement on the alias admits the alias target", () => {
    expect(evaluateStatement(statement({ Resource: `${FN}:live` }), { targetArn: `${FN}:live`, ruleArn: RULE_ARN }).admits).toBe(true);
  });
});

describe("evaluateInvokePermission", () => {
  test("prefers the exact statement over a wildcard one and one without SourceArn", () => {
    const verdict = evaluateInvokePermission(
      [statement({ Sid: "any", Condition: undefined }), statement({ Sid: "wild", Condition: { ArnLike: { "AWS:SourceArn": "arn:aws:events:*:*:rule/*" } } }), statement({ Sid: "exact" })],
      request,
    );
    expect(verdict.admitted?.statement.Sid).toBe("exact");
  });

  test("a Deny that applies wins", () => {
    const verdict = evaluateInvokePermission([statement(), statement({ Sid: "deny", Effect: "Deny" })], request);
    expect(verdict.admitted).toBeNull();
    expect(verdict.denied?.Sid).toBe("deny");
  });

  test("SourceAccount is reported alongside an admitting statement", () => {
    const verdict = evaluateInvokePermission([statement({ Condition: { ArnLike: { "AWS:SourceArn": RULE_ARN }, StringEquals: { "AWS:SourceAccount": "123456789012" } } })], request);
    expect(verdict.admitted?.sourceAccount).toEqual(["123456789012"]);
  });

  test("conditions it does not understand are listed", () => {
    const verdict = evaluateInvokePermission([statement({ Condition: { ArnLike: { "AWS:SourceArn": RULE_ARN }, StringEquals: { "aws:PrincipalOrgID": "o-123" } } })], request);
    expect(verdict.admitted?.unevaluated).toEqual(["StringEquals aws:PrincipalOrgID"]);
  });

  test("an empty policy admits nothing", () => {
    expect(evaluateInvokePermission([], request)).toMatchObject({ admitted: null, denied: null, verdicts: [] });
  });
});
