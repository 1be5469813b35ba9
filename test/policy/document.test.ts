import { describe, expect, test } from "vitest";
import { InvalidPolicyError, parsePolicy, readPolicy, validatePolicy } from "../../src/policy/index.js";

const allow = { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "lambda:InvokeFunction", Resource: "*" };

describe("parsePolicy", () => {
  test("reads JSON text and normalises single values to lists", () => {
    const policy = parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: { ...allow, Sid: "s", Condition: { Bool: { "aws:SecureTransport": true } } } }));
    expect(policy).toEqual({
      version: "2012-10-17",
      id: null,
      statements: [
        {
          index: 0,
          sid: "s",
          effect: "Allow",
          principal: { Service: ["events.amazonaws.com"] },
          notPrincipal: null,
          action: ["lambda:InvokeFunction"],
          notAction: null,
          resource: ["*"],
          notResource: null,
          conditions: [{ operator: "Bool", key: "aws:SecureTransport", values: ["true"] }],
        },
      ],
    });
  });

  test('"Effect": "deny" is an invalid policy, with the path and a one-line reason', () => {
    const input = { Statement: [allow, allow, { ...allow, Effect: "deny" }] };
    expect(() => parsePolicy(input)).toThrow(InvalidPolicyError);
    try {
      parsePolicy(input);
    } catch (e) {
      expect(e).toMatchObject({ path: "$.Statement[2].Effect", reason: 'Effect is "Allow" or "Deny" (case-sensitive), not "deny"' });
    }
  });

  test.each<[string, unknown, string]>([
    ["no Action", { Effect: "Allow", Resource: "*" }, "$.Statement[0]"],
    ["Action and NotAction", { ...allow, NotAction: "s3:*" }, "$.Statement[0].NotAction"],
    ["Resource and NotResource", { ...allow, NotResource: "*" }, "$.Statement[0].NotResource"],
    ["Principal and NotPrincipal", { ...allow, NotPrincipal: "*" }, "$.Statement[0].NotPrincipal"],
    ["a principal that is neither * nor a map", { ...allow, Principal: "events.amazonaws.com" }, "$.Statement[0].Principal"],
    ["an unknown principal type", { ...allow, Principal: { Services: "x" } }, "$.Statement[0].Principal.Services"],
    ["a Condition that is not a map of maps", { ...allow, Condition: { StringEquals: "x" } }, "$.Statement[0].Condition.StringEquals"],
    ["a condition value that is an object", { ...allow, Condition: { StringEquals: { k: { a: 1 } } } }, "$.Statement[0].Condition.StringEquals.k"],
    ["an unknown element", { ...allow, Actions: "s3:*" }, "$.Statement[0].Actions"],
    ["no Effect", { Action: "s3:*" }, "$.Statement[0].Effect"],
  ])("%s is invalid", (_name, statement, path) => {
    expect(validatePolicy({ Statement: [statement] }).filter((p) => p.severity === "error").map((p) => p.path)).toContain(path);
  });

  test("a version other than the two IAM knows is invalid", () => {
    expect(validatePolicy({ Version: "2012-10-18", Statement: allow })[0]).toMatchObject({ path: "$.Version", severity: "error" });
  });

  test("text that is not JSON is invalid at $", () => {
    expect(() => parsePolicy("{")).toThrow(/invalid policy at \$: not JSON/);
  });
});

describe("validatePolicy warnings (valid, but the docs advise against)", () => {
  test("NotPrincipal with Allow", () => {
    expect(validatePolicy({ Statement: { ...allow, Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" } } })).toEqual([
      expect.objectContaining({ path: "$.Statement.NotPrincipal", severity: "warning" }),
    ]);
  });

  test("a wildcard inside a principal ARN", () => {
    expect(validatePolicy({ Statement: { ...allow, Principal: { AWS: "arn:aws:iam::111122223333:role/*" } } })).toEqual([
      expect.objectContaining({ path: "$.Statement.Principal.AWS", severity: "warning" }),
    ]);
  });

  test("an operator IAM does not document (kept: its condition cannot be evaluated)", () => {
    const reading = readPolicy({ Statement: { ...allow, Condition: { StringStartsWith: { k: "a" } } } });
    expect(reading.problems).toEqual([expect.objectContaining({ path: "$.Statement.Condition.StringStartsWith", severity: "warning" })]);
    expect(reading.policy.statements).toHaveLength(1);
  });

  test("a clean policy has no problems", () => {
    expect(validatePolicy({ Version: "2012-10-17", Statement: [allow] })).toEqual([]);
  });
});

describe("readPolicy", () => {
  test("keeps the valid statements and reports the invalid one, which never counts", () => {
    const { policy, problems } = readPolicy({ Statement: [{ ...allow, Sid: "ok" }, { ...allow, Sid: "bad", Effect: "deny" }] });
    expect(policy.statements.map((s) => s.sid)).toEqual(["ok"]);
    expect(problems).toEqual([expect.objectContaining({ path: "$.Statement[1].Effect", severity: "error" })]);
  });
});
