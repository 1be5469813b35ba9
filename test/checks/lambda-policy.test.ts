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

  test("conditions it cannot settle for EventBridge's request are listed", () => {
    const verdict = evaluateInvokePermission([statement({ Condition: { ArnLike: { "AWS:SourceArn": RULE_ARN }, DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } } })], request);
    expect(verdict.admitted?.unevaluated).toEqual(["DateLessThan aws:CurrentTime"]);
  });

  test("a condition on aws:PrincipalOrgID refuses EventBridge, which sends no organization id", () => {
    const verdict = evaluateInvokePermission([statement({ Condition: { ArnLike: { "AWS:SourceArn": RULE_ARN }, StringEquals: { "aws:PrincipalOrgID": "o-123" } } })], request);
    expect(verdict.admitted).toBeNull();
    expect(verdict.verdicts[0]).toMatchObject({ admits: false, reasons: [{ kind: "condition", short: "requires StringEquals aws:PrincipalOrgID o-123" }] });
  });

  test("an empty policy admits nothing", () => {
    expect(evaluateInvokePermission([], request)).toMatchObject({ admitted: null, denied: null, verdicts: [] });
  });
});

describe("what the evaluator fixes", () => {
  test("a Deny whose condition cannot hold for EventBridge's request is not applied", () => {
    const deny = statement({ Sid: "org-only", Effect: "Deny", Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-123" } } });
    const verdict = evaluateInvokePermission([statement(), deny], request);
    expect(verdict.denied).toBeNull();
    expect(verdict.admitted?.statement.Sid).toBe("s1");
  });

  test("a Deny whose condition holds for EventBridge's request is applied", () => {
    const deny = statement({ Sid: "outsiders", Effect: "Deny", Principal: "*", Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-123" } } });
    expect(evaluateInvokePermission([statement(), deny], request)).toMatchObject({ admitted: null, denied: { Sid: "outsiders" } });
  });

  test("a Deny the evaluator cannot settle is reported, not applied", () => {
    const deny = statement({ Sid: "tls", Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    const verdict = evaluateInvokePermission([statement(), deny], request);
    expect(verdict.denied).toBeNull();
    expect(verdict.mayDeny).toEqual([{ statement: deny, unevaluated: ["Bool aws:SecureTransport"] }]);
  });

  test.each<[string, Partial<PolicyStatement>, boolean]>([
    ["NotPrincipal naming another service admits EventBridge", { Principal: undefined, NotPrincipal: { Service: "sns.amazonaws.com" } }, true],
    ["NotPrincipal naming EventBridge does not", { Principal: undefined, NotPrincipal: { Service: "events.amazonaws.com" } }, false],
    ["NotAction lambda:GetFunction admits the invocation", { Action: undefined, NotAction: "lambda:GetFunction" }, true],
    ["NotAction lambda:Invoke* does not", { Action: undefined, NotAction: "lambda:Invoke*" }, false],
    ["NotResource on another function admits it", { Resource: undefined, NotResource: "arn:aws:lambda:us-east-1:123456789012:function:other" }, true],
    ["NotResource on this function does not", { Resource: undefined, NotResource: FN }, false],
    ["ForAllValues:ArnLike on aws:SourceArn is recognised", { Condition: { "ForAllValues:ArnLike": { "aws:SourceArn": RULE_ARN } } }, true],
  ])("%s", (_name, overrides, admits) => {
    expect(evaluateStatement(statement(overrides), request).admits).toBe(admits);
  });

  test("a trailing * in the resource ARN admits a qualified target", () => {
    expect(evaluateStatement(statement({ Resource: `${FN}*` }), { targetArn: `${FN}:live`, ruleArn: RULE_ARN }).admits).toBe(true);
  });

  test('"Effect": "deny" is an invalid statement: reported, never counted as an Allow', () => {
    const verdict = evaluateInvokePermission([statement({ Effect: "deny" })], request);
    expect(verdict.admitted).toBeNull();
    expect(verdict.verdicts[0]).toMatchObject({ admits: false, nearMiss: true, reasons: [{ kind: "invalid" }] });
    if (!verdict.verdicts[0]!.admits) expect(verdict.verdicts[0]!.reasons[0]!.message).toContain('Effect is "Allow" or "Deny" (case-sensitive), not "deny"');
  });

  test("a negated condition's text keeps its negation", () => {
    const verdict = evaluateStatement(statement({ Condition: { ArnNotLike: { "AWS:SourceArn": "arn:aws:events:*:*:rule/orders-bus/*" } } }), request);
    if (verdict.admits) throw new Error("admitted");
    expect(verdict.reasons[0]!.message).toContain("ArnNotLike AWS:SourceArn arn:aws:events:*:*:rule/orders-bus/* excludes it");
    expect(verdict.reasons[0]!.message).not.toContain("does not match");
    expect(verdict.reasons[0]!.values).toBeUndefined();
  });
});
