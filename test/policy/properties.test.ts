/** Laws the evaluator must keep, over generated policies and EventBridge deliveries. */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { evaluatePolicy, eventBridgeDeliveryRequest, parsePolicy, type AccessRequest } from "../../src/policy/index.js";

const RUNS = { numRuns: 200 };
const ACCOUNT = "123456789012";
const RULES = [`arn:aws:events:us-east-1:${ACCOUNT}:rule/orders-bus/route`, `arn:aws:events:us-east-1:${ACCOUNT}:rule/route`, `arn:aws:events:eu-west-1:999999999999:rule/Bus/Other`];
const ACTIONS = ["lambda:InvokeFunction", "sqs:SendMessage", "sns:Publish", "kms:Decrypt", "kms:GenerateDataKey"];
const RESOURCES = [
  `arn:aws:lambda:us-east-1:${ACCOUNT}:function:worker`,
  `arn:aws:lambda:us-east-1:${ACCOUNT}:function:worker:live`,
  `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`,
  `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`,
  `arn:aws:kms:us-east-1:${ACCOUNT}:key/k-1`,
];

type Json = Record<string, unknown>;

const principal = fc.constantFrom<unknown>("*", { AWS: "*" }, { Service: "events.amazonaws.com" }, { Service: ["sns.amazonaws.com", "events.amazonaws.com"] }, { Service: "s3.amazonaws.com" }, { AWS: ACCOUNT });
const actionPattern = fc.constantFrom("lambda:InvokeFunction", "lambda:Invoke*", "lambda:*", "*", "sqs:SendMessage", "sns:*", "kms:Decrypt", "kms:*", "kms:GenerateDataKey");
const resourcePattern = fc.oneof(fc.constantFrom(...RESOURCES), fc.constantFrom("*", `arn:aws:lambda:us-east-1:${ACCOUNT}:function:worker*`, `arn:aws:sqs:*:${ACCOUNT}:*`));
/** Conditions EventBridge's request can settle: on keys it sends or is known not to send. */
const condition = fc.constantFrom<Json | undefined>(
  undefined,
  { ArnLike: { "aws:SourceArn": RULES[0] } },
  { ArnLike: { "aws:SourceArn": `arn:aws:events:*:${ACCOUNT}:rule/*` } },
  { StringEquals: { "aws:SourceAccount": ACCOUNT } },
  { StringNotEquals: { "aws:PrincipalOrgID": "o-1" } },
  { Bool: { "aws:PrincipalIsAWSService": "true" } },
  { StringEquals: { "aws:PrincipalServiceName": "events.amazonaws.com" } },
);
const statement = fc.record({ effect: fc.constantFrom("Allow", "Allow", "Deny"), principal, actions: fc.array(actionPattern, { minLength: 1, maxLength: 2 }), resources: fc.array(resourcePattern, { minLength: 1, maxLength: 2 }), condition }).map(
  (s): Json => ({ Effect: s.effect, Principal: s.principal, Action: s.actions, Resource: s.resources, ...(s.condition ? { Condition: s.condition } : {}) }),
);
const statements = fc.array(statement, { minLength: 1, maxLength: 5 });
const delivery = fc.record({ rule: fc.constantFrom(...RULES), action: fc.constantFrom(...ACTIONS), resource: fc.constantFrom(...RESOURCES) }).map(
  ({ rule, action, resource }): AccessRequest => eventBridgeDeliveryRequest({ ruleArn: rule, action, resource }),
);

const answer = (list: Json[], request: AccessRequest) => {
  const { decision, explicit } = evaluatePolicy(parsePolicy({ Version: "2012-10-17", Statement: list }), request);
  return { decision, explicit };
};

/** `text` with the case of the letters flipped where `mask` says so. */
const recase = (text: string, mask: boolean[]) => [...text].map((c, i) => (mask[i % Math.max(mask.length, 1)] ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join("");
const mask = fc.array(fc.boolean(), { minLength: 1, maxLength: 12 });

describe("policy laws", () => {
  test("a policy that allows X still allows X after adding a statement whose Action or Resource cannot match", () => {
    const unrelated = fc.record({
      effect: fc.constantFrom("Allow", "Deny"),
      principal,
      miss: fc.constantFrom<Json>({ Action: "dynamodb:*", Resource: "*" }, { Action: "*", Resource: "arn:aws:s3:::bucket/*" }, { NotAction: "*", Resource: "*" }),
    });
    fc.assert(
      fc.property(statements, delivery, unrelated, fc.nat(5), (generated, request, extra, at) => {
        const list = [...generated, { Effect: "Allow", Principal: "*", Action: request.action, Resource: request.resource }];
        fc.pre(answer(list, request).decision === "allowed");
        const added = [...list];
        added.splice(at % (list.length + 1), 0, { Effect: extra.effect, Principal: extra.principal, ...extra.miss });
        expect(answer(added, request).decision).toBe("allowed");
      }),
      RUNS,
    );
  });

  test("adding a Deny that applies to the request makes it explicitly denied", () => {
    const holdingCondition = fc.constantFrom<Json | undefined>(undefined, { ArnLike: { "aws:SourceArn": "arn:aws:events:*:*:rule/*" } }, { Bool: { "aws:PrincipalIsAWSService": "true" } });
    fc.assert(
      fc.property(statements, delivery, holdingCondition, mask, (list, request, when, flips) => {
        const deny = { Effect: "Deny", Principal: "*", Action: recase(request.action, flips), Resource: request.resource, ...(when ? { Condition: when } : {}) };
        expect(answer([...list, deny], request)).toEqual({ decision: "denied", explicit: true });
      }),
      RUNS,
    );
  });

  test("statement order does not matter", () => {
    const reordered = statements.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })));
    fc.assert(
      fc.property(reordered, delivery, ([list, shuffled], request) => {
        expect(answer(shuffled, request)).toEqual(answer(list, request));
      }),
      RUNS,
    );
  });

  test("Action [a] and NotAction [every other action] agree on the actions there are", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ACTIONS), delivery, fc.constantFrom("Allow", "Deny"), (a, request, effect) => {
        const base = { Effect: effect, Principal: "*", Resource: "*" };
        const others = ACTIONS.filter((x) => x !== a);
        expect(answer([{ ...base, NotAction: others }], request)).toEqual(answer([{ ...base, Action: [a] }], request));
      }),
      RUNS,
    );
  });

  test("Resource [r] and NotResource [every other resource] agree on the resources there are", () => {
    fc.assert(
      fc.property(fc.constantFrom(...RESOURCES), delivery, (r, request) => {
        const base = { Effect: "Allow", Principal: "*", Action: "*" };
        expect(answer([{ ...base, NotResource: RESOURCES.filter((x) => x !== r) }], request)).toEqual(answer([{ ...base, Resource: [r] }], request));
      }),
      RUNS,
    );
  });

  test("Principal {Service: s} and NotPrincipal {Service: every other service} agree for service principals", () => {
    const services = ["events.amazonaws.com", "sns.amazonaws.com", "s3.amazonaws.com"];
    fc.assert(
      fc.property(fc.constantFrom(...services), fc.constantFrom(...services), delivery, (named, caller, request) => {
        const asCaller = { ...request, principal: { service: caller } };
        const base = { Effect: "Deny", Action: "*", Resource: "*" };
        expect(answer([{ ...base, NotPrincipal: { Service: services.filter((s) => s !== named) } }], asCaller)).toEqual(answer([{ ...base, Principal: { Service: named } }], asCaller));
      }),
      RUNS,
    );
  });

  test("a Deny whose (non-negated) condition is on a key EventBridge does not send never denies EventBridge", () => {
    const absentKey = fc.constantFrom("aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgPaths", "aws:PrincipalTag/team", "AWS:principalorgid");
    const positive = fc.constantFrom("StringEquals", "StringLike", "StringEqualsIgnoreCase", "ArnLike", "ArnEquals", "NumericEquals", "DateGreaterThan", "Bool", "IpAddress", "ForAnyValue:StringLike");
    const value = fc.constantFrom("*", "o-123", ACCOUNT, "true", "arn:aws:iam::*:role/*", "0.0.0.0/0", "2000-01-01T00:00:00Z", "0");
    fc.assert(
      fc.property(statements, delivery, absentKey, positive, fc.array(value, { minLength: 1, maxLength: 3 }), (list, request, key, operator, values) => {
        const deny = { Effect: "Deny", Principal: "*", Action: "*", Resource: "*", Condition: { [operator]: { [key]: values } } };
        expect(answer([...list, deny], request)).toEqual(answer(list, request));
      }),
      RUNS,
    );
  });

  test("changing the case of action names and condition keys does not change the answer", () => {
    fc.assert(
      fc.property(statements, delivery, mask, (list, request, flips) => {
        const recased = list.map((s) => ({
          ...s,
          Action: (s.Action as string[]).map((a) => recase(a, flips)),
          ...(s.Condition
            ? { Condition: Object.fromEntries(Object.entries(s.Condition as Record<string, Json>).map(([op, block]) => [op, Object.fromEntries(Object.entries(block).map(([k, v]) => [recase(k, flips), v]))])) }
            : {}),
        }));
        const shouted = { ...request, action: recase(request.action, [...flips].reverse()) };
        expect(answer(recased, shouted)).toEqual(answer(list, request));
      }),
      RUNS,
    );
  });

  test("changing the case of a StringEquals value does change the answer", () => {
    fc.assert(
      fc.property(fc.constantFrom(...RULES), mask, (rule, flips) => {
        const other = recase(rule, flips);
        fc.pre(other !== rule);
        const allow = (value: string) => [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "*", Condition: { StringEquals: { "aws:SourceArn": value } } }];
        const request = eventBridgeDeliveryRequest({ ruleArn: rule, action: "sqs:SendMessage", resource: RESOURCES[2]! });
        expect(answer(allow(rule), request).decision).toBe("allowed");
        expect(answer(allow(other), request).decision).toBe("denied");
      }),
      RUNS,
    );
  });
});
