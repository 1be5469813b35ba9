import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidEventError } from "../../src/pattern/errors.js";
import { InvalidInputTransformError, transformForCommand } from "../../src/input/index.js";
import { EC2_EVENT } from "./fixtures.js";

const entryText = readFileSync("examples/ingestor-event-entry.json", "utf8");
const target = JSON.parse(readFileSync("examples/ingestor-target-inputpath.json", "utf8")) as unknown;
const echo = { InputTransformer: { InputTemplate: '{"arn":<aws.events.rule-arn>,"name":<aws.events.rule-name>,"at":<aws.events.event.ingestion-time>}' } };

describe("transformForCommand", () => {
  it("applies the seeds' ingestor target to the publisher's PutEvents entry", () => {
    const result = transformForCommand({ transformer: target, event: entryText });
    expect(result.payload).toBe(JSON.parse(entryText).Detail);
    expect(result.keeps).toEqual({ source: false, detailType: false });
    expect(result.warnings.map((w) => w.code)).toEqual(["drops-envelope"]);
    expect(result.event).toMatchObject({ source: "agent2.ingestor", "detail-type": "Document Processing Required" });
  });

  it("defaults for a PutEvents entry: a placeholder rule on the entry's bus, the entry's time", () => {
    const entry = { Source: "a.b", DetailType: "t", Detail: "{}", EventBusName: "arn:aws:events:us-east-1:123456789012:event-bus/orders", Time: "2025-01-02T03:04:05Z" };
    const result = transformForCommand({ transformer: echo, event: entry });
    expect(result.context).toEqual({ ruleArn: "arn:aws:events:us-east-1:123456789012:rule/orders/example", ruleName: "example", ingestionTime: "2025-01-02T03:04:05.000Z" });
    expect(result.json).toEqual({ arn: result.context.ruleArn, name: "example", at: "2025-01-02T03:04:05.000Z" });
  });

  it("defaults for a full event: the default bus, the event's account, region and time", () => {
    const result = transformForCommand({ transformer: echo, event: { ...EC2_EVENT, region: "eu-west-1", account: "111122223333" } });
    expect(result.context).toEqual({ ruleArn: "arn:aws:events:eu-west-1:111122223333:rule/example", ruleName: "example", ingestionTime: "2015-11-11T21:29:54.000Z" });
  });

  it("an entry on the default bus and without Time: no bus segment, a fixed time (no clock)", () => {
    const result = transformForCommand({ transformer: echo, event: { Source: "a.b", DetailType: "t", Detail: "{}", EventBusName: "default" } });
    expect(result.context.ruleArn).toBe("arn:aws:events:us-east-1:123456789012:rule/example");
    expect(result.context.ingestionTime).toBe("1970-01-01T00:00:00.000Z");
    // The same entry gets the same generated id every time.
    expect(transformForCommand({ transformer: echo, event: { Source: "a.b", DetailType: "t", Detail: "{}", EventBusName: "default" } }).event.id).toBe(result.event.id);
  });

  it("other partitions", () => {
    expect(transformForCommand({ transformer: echo, event: { ...EC2_EVENT, region: "cn-north-1" } }).context.ruleArn).toMatch(/^arn:aws-cn:events:cn-north-1:/);
    expect(transformForCommand({ transformer: echo, event: { ...EC2_EVENT, region: "us-gov-west-1" } }).context.ruleArn).toMatch(/^arn:aws-us-gov:events:/);
  });

  it("given rule values win; the name follows a given ARN", () => {
    const result = transformForCommand({ transformer: echo, event: EC2_EVENT, ruleArn: "arn:aws:events:us-east-1:123456789012:rule/bus/real-rule", ingestionTime: "2015-11-11T21:30:00.250Z" });
    expect(result.context).toEqual({ ruleArn: "arn:aws:events:us-east-1:123456789012:rule/bus/real-rule", ruleName: "real-rule", ingestionTime: "2015-11-11T21:30:00.250Z" });
    expect(transformForCommand({ transformer: echo, event: EC2_EVENT, ruleName: "mine" }).context.ruleArn).toBe("arn:aws:events:us-east-1:123456789012:rule/mine");
  });

  it("keeps number literals from an entry's Detail and from event text", () => {
    const entry = { Source: "a.b", DetailType: "t", Detail: '{"price":1.50,"n":1e3}' };
    expect(transformForCommand({ transformer: { InputPath: "$.detail" }, event: entry }).payload).toBe('{"price":1.50,"n":1e3}');
    expect(transformForCommand({ transformer: { InputPath: "$.detail.price" }, event: '{"source":"s","detail-type":"t","detail":{"price":1.50}}' }).payload).toBe("1.50");
  });

  it("reads the settings in every shape the CLI is given", () => {
    const event = EC2_EVENT;
    const inputPath = '"RUNNING"';
    expect(transformForCommand({ transformer: { InputPath: "$.detail.state" }, event }).payload).toBe(inputPath);
    expect(transformForCommand({ transformer: '{"InputPath":"$.detail.state"}', event }).payload).toBe(inputPath);
    expect(transformForCommand({ transformer: { Targets: [{ Id: "1", Arn: "arn", InputPath: "$.detail.state" }] }, event }).payload).toBe(inputPath);
    expect(transformForCommand({ transformer: { InputPathsMap: { s: "$.detail.state" }, InputTemplate: '"<s>!"' }, event }).payload).toBe('"RUNNING!"');
    expect(transformForCommand({ transformer: { Id: "1", Arn: "arn" }, event }).payload).toBe(JSON.stringify(event));
    expect(transformForCommand({ transformer: {}, event: { Entries: [{ Source: "a.b", DetailType: "t", Detail: '{"x":1}' }] } }).json).toMatchObject({ source: "a.b", detail: { x: 1 } });
  });

  it("bad settings throw InvalidInputTransformError with one line", () => {
    const cases: unknown[] = [
      "{not json",
      "InputPath",
      [1],
      { Inputpath: "$.detail" },
      { Targets: [] },
      { Targets: [{ InputPath: "$" }, { InputPath: "$" }] },
      { InputPath: "$.detail", InputTransformer: { InputTemplate: "{}" } },
      { InputTransformer: { InputPathsMap: { a: "$.a" }, InputTemplate: '"<b>"' } },
    ];
    for (const transformer of cases) {
      expect(() => transformForCommand({ transformer, event: EC2_EVENT }), JSON.stringify(transformer)).toThrow(InvalidInputTransformError);
      try {
        transformForCommand({ transformer, event: EC2_EVENT });
      } catch (error) {
        expect((error as Error).message).not.toMatch(/\n/);
      }
    }
  });

  it("a bad event throws InvalidEventError with one line", () => {
    for (const event of ["{not json", "[]", 42, { Entries: [{}, {}] }, { Source: "aws.s3", DetailType: "t", Detail: "{}" }, { Source: "a.b", DetailType: "t", Detail: "[1]" }]) {
      expect(() => transformForCommand({ transformer: {}, event }), JSON.stringify(event)).toThrow(InvalidEventError);
    }
    expect(() => transformForCommand({ transformer: {}, event: { Source: "a.b", DetailType: "t", Detail: "not json" } })).toThrow(/PutEvents rejects this entry/);
  });
});
