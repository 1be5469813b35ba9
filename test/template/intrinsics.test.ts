/** Each intrinsic function, evaluated statically: one-line cases, and markers where only deploy time knows. */
import { describe, expect, it } from "vitest";
import { resolveValue, TemplateError, type Scope } from "../../src/template/intrinsics.js";
import { isUnresolved, NO_VALUE, Unresolved, type Value } from "../../src/template/values.js";

const scope: Scope = {
  parameter: (name) => ({ Stage: "dev", Subnets: ["a", "b"], "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::NoValue": NO_VALUE, Missing: new Unresolved("parameter Missing", "no Default") })[name],
  condition: (name) => ({ IsDev: true, IsProd: false, Unknown: new Unresolved("parameter Missing", "no Default") })[name],
  ref: (id) => ({ Bus: "orders", Queue: "https://sqs.us-east-1.amazonaws.com/123456789012/q" })[id],
  getAtt: (id, attribute) => (id === "Rule" && attribute === "Arn" ? "arn:aws:events:us-east-1:123456789012:rule/orders/route" : id === "Bus" ? `bus-${attribute}` : undefined),
  mapping: (map, top, second) => (map === "Regions" && top === "us-east-1" ? ({ Bucket: "b-use1" } as Record<string, Value>)[second] : undefined),
  importValue: (name) => (name === "Shared-Bus" ? "shared" : new Unresolved(`!ImportValue ${name}`, "exported by a stack not given here")),
};

const resolve = (value: unknown) => resolveValue(value as Value, scope, "test");

describe("intrinsic functions", () => {
  it.each<[string, unknown, unknown]>([
    ["Ref of a parameter", { Ref: "Stage" }, "dev"],
    ["Ref of a resource", { Ref: "Bus" }, "orders"],
    ["Ref of a pseudo parameter", { Ref: "AWS::Region" }, "us-east-1"],
    ["GetAtt as a list", { "Fn::GetAtt": ["Rule", "Arn"] }, "arn:aws:events:us-east-1:123456789012:rule/orders/route"],
    ["GetAtt as Id.Attribute", { "Fn::GetAtt": "Rule.Arn" }, "arn:aws:events:us-east-1:123456789012:rule/orders/route"],
    ["Sub with parameters and pseudo parameters", { "Fn::Sub": "arn:aws:events:${AWS::Region}:${AWS::AccountId}:event-bus/${Bus}-${Stage}" }, "arn:aws:events:us-east-1:123456789012:event-bus/orders-dev"],
    ["Sub with an attribute", { "Fn::Sub": "${Rule.Arn}" }, "arn:aws:events:us-east-1:123456789012:rule/orders/route"],
    ["Sub with its own variables", { "Fn::Sub": ["${Name}-x", { Name: { Ref: "Stage" } }] }, "dev-x"],
    ["Sub keeps ${!Literal}", { "Fn::Sub": "${!Stage}" }, "${Stage}"],
    ["Join", { "Fn::Join": [":", ["a", { Ref: "Stage" }, 3]] }, "a:dev:3"],
    ["Select", { "Fn::Select": [1, ["a", "b", "c"]] }, "b"],
    ["Select from a list parameter", { "Fn::Select": [0, { Ref: "Subnets" }] }, "a"],
    ["Split", { "Fn::Split": ["|", "orders|route"] }, ["orders", "route"]],
    ["Select of Split (a rule's Ref on a custom bus)", { "Fn::Select": [1, { "Fn::Split": ["|", "orders|route"] }] }, "route"],
    ["If true", { "Fn::If": ["IsDev", "d", "p"] }, "d"],
    ["If false", { "Fn::If": ["IsProd", "d", "p"] }, "p"],
    ["ImportValue of an export given", { "Fn::ImportValue": "Shared-Bus" }, "shared"],
    ["ImportValue of a Sub", { "Fn::ImportValue": { "Fn::Sub": "Shared-${Bus}" } }, new Unresolved("!ImportValue Shared-orders", "")],
    ["FindInMap", { "Fn::FindInMap": ["Regions", { Ref: "AWS::Region" }, "Bucket"] }, "b-use1"],
    ["Equals", { "Fn::Equals": [{ Ref: "Stage" }, "dev"] }, true],
    ["Not", { "Fn::Not": [{ "Fn::Equals": ["a", "b"] }] }, true],
    ["And / Or with Condition", { "Fn::Or": [{ Condition: "IsProd" }, { "Fn::And": [{ Condition: "IsDev" }, true] }] }, true],
    ["ToJsonString", { "Fn::ToJsonString": { a: { Ref: "Stage" } } }, '{"a":"dev"}'],
    ["GetAZs is deploy time", { "Fn::GetAZs": "" }, new Unresolved("!GetAZs", "")],
  ])("%s", (_, input, expected) => {
    const value = resolve(input);
    if (expected instanceof Unresolved) {
      expect(isUnresolved(value)).toBe(true);
      expect((value as Unresolved).what).toContain(expected.what);
    } else expect(value).toEqual(expected);
  });

  it("AWS::NoValue removes the property and the list element", () => {
    expect(resolve({ A: { Ref: "AWS::NoValue" }, B: [1, { "Fn::If": ["IsProd", 2, { Ref: "AWS::NoValue" }] }] })).toEqual({ B: [1] });
  });

  it.each<[string, unknown, string]>([
    ["a parameter without a value", { "Fn::Sub": "x-${Missing}" }, "parameter Missing"],
    ["an import of a stack not given", { "Fn::Join": ["", ["arn:", { "Fn::ImportValue": "Other" }]] }, "!ImportValue Other"],
    ["a condition resting on an unknown parameter", { "Fn::If": ["Unknown", "a", "b"] }, "!If Unknown"],
  ])("%s stays a marker naming it, through Sub and Join", (_, input, what) => {
    const value = resolve(input);
    expect(isUnresolved(value)).toBe(true);
    expect((value as Unresolved).what).toBe(what);
  });

  it.each<[string, unknown, RegExp]>([
    ["Ref of an unknown name", { Ref: "Nope" }, /no parameter or resource/],
    ["GetAtt of an unknown resource", { "Fn::GetAtt": ["Nope", "Arn"] }, /no resource Nope/],
    ["If of an unknown condition", { "Fn::If": ["Nope", 1, 2] }, /no condition/],
    ["Select out of range", { "Fn::Select": [5, ["a"]] }, /outside the list/],
    ["Join without a list", { "Fn::Join": [","] }, /expects/],
  ])("%s is a template error", (_, input, message) => {
    expect(() => resolve(input)).toThrow(TemplateError);
    expect(() => resolve(input)).toThrow(message);
  });
});
