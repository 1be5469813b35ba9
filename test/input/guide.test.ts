import { describe, expect, it } from "vitest";
import { applyTargetInput, validateTargetInput } from "../../src/input/index.js";
import { EC2_EVENT } from "./fixtures.js";

// Every example of AWS's "Amazon EventBridge input transformation" page
// (eb-transform-target-input), its tutorial, and the API_InputTransformer reference.
const paths = { timestamp: "$.time", instance: "$.detail.instance-id", state: "$.detail.state" };
const context = { ruleArn: "arn:aws:events:us-east-2:123456789012:rule/example", ruleName: "example", ingestionTime: "2015-11-11T21:29:55.123Z" };
const apply = (template: string, event: object = EC2_EVENT) => applyTargetInput({ InputTransformer: { InputPathsMap: paths, InputTemplate: template } }, event, context);

describe("the input-transformation page's table", () => {
  it.each([
    ["Simple string", '"instance <instance> is in <state>"', '"instance i-0123456789 is in RUNNING"'],
    ["String with escaped quotes", String.raw`"instance \"<instance>\" is in <state>"`, String.raw`"instance \"i-0123456789\" is in RUNNING"`],
    ["Simple JSON", '{\n  "instance" : <instance>,\n  "state": <state>\n}', '{\n  "instance" : "i-0123456789",\n  "state": "RUNNING"\n}'],
    ["JSON with strings and variables", '{\n "instance" : <instance>,\n "state": "<state>",\n "instanceStatus": "instance \\"<instance>\\" is in <state>"\n}', '{\n "instance" : "i-0123456789",\n "state": "RUNNING",\n "instanceStatus": "instance \\"i-0123456789\\" is in RUNNING"\n}'],
    ["JSON with a mix of variables and static information", '{\n  "instance" : <instance>,\n  "state": [ 9, <state>, true ],\n  "Transformed" : "Yes"\n}', '{\n  "instance" : "i-0123456789",\n  "state": [ 9, "RUNNING", true ],\n  "Transformed" : "Yes"\n}'],
    ["Including reserved variables in a string", '"<aws.events.rule-name> triggered"', '"example triggered"'],
    // The guide shows what the log group then records (a timestamp and a message); the
    // payload the target is sent is this JSON.
    ["Amazon CloudWatch log group", String.raw`{"timestamp" : <timestamp>, "message": "instance \"<instance>\" is in <state>"}`, String.raw`{"timestamp" : "2015-11-11T21:29:54Z", "message": "instance \"i-0123456789\" is in RUNNING"}`],
  ])("%s", (_name, template, payload) => {
    const result = apply(template);
    expect(result.payload).toBe(payload);
    expect(result.delivered).toBe(true);
    expect(result.warnings.filter((w) => w.code !== "drops-envelope")).toEqual([]);
  });

  it("Including reserved variables in JSON", () => {
    const result = apply('{\n  "instance" : <instance>,\n  "state": <state>,\n  "ruleArn" : <aws.events.rule-arn>,\n  "ruleName" : <aws.events.rule-name>,\n  "originalEvent" : <aws.events.event>\n}');
    expect(result.json).toEqual({
      instance: "i-0123456789",
      state: "RUNNING",
      ruleArn: "arn:aws:events:us-east-2:123456789012:rule/example",
      ruleName: "example",
      // The service's version of the event: no detail, detailType, time in epoch ms.
      originalEvent: { id: EC2_EVENT.id, account: "123456789012", detailType: "EC2 Instance State-change Notification", time: 1447277394000, source: "aws.ec2", region: "us-east-1", resources: EC2_EVENT.resources, version: "0" },
    });
  });

  it("the tutorial's SNS message", () => {
    const event = { ...EC2_EVENT, detail: { "instance-id": "i-1234567890abcdef0", state: "stopped" } };
    const result = applyTargetInput({ InputTransformer: { InputPathsMap: { instance: "$.detail.instance-id", state: "$.detail.state" }, InputTemplate: '"The EC2 instance <instance> has changed state to <state>."' } }, event);
    expect(result.payload).toBe('"The EC2 instance i-1234567890abcdef0 has changed state to stopped."');
  });
});

describe("API_InputTransformer's examples", () => {
  const reference = { instance: "$.detail.instance", status: "$.detail.status" };
  const event = { ...EC2_EVENT, detail: { instance: "i-0123456789", status: "RUNNING" } };

  it("the JSON example: variables in quotes or out", () => {
    const result = applyTargetInput({ InputTransformer: { InputPathsMap: reference, InputTemplate: String.raw`{"myInstance": <instance>,"myStatus": "<instance> is in state \"<status>\""}` } }, event);
    expect(result.payload).toBe(String.raw`{"myInstance": "i-0123456789","myStatus": "i-0123456789 is in state \"RUNNING\""}`);
  });

  // The service rejects bare text ("Invalid InputTemplate ... [Source: (String)"hello null"...]"
  // recorded for "hello <value>"): the reference's first two examples need outer quotes.
  it.each([["<instance> is in state <status>"], ['<instance> is in state "<status>"']])("PutTargets rejects the unquoted text %s", (template) => {
    const problems = validateTargetInput({ InputTransformer: { InputPathsMap: reference, InputTemplate: template } });
    expect(problems).toEqual([{ path: "$.InputTransformer.InputTemplate", reason: expect.stringContaining("Invalid InputTemplate") }]);
  });
});
