import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidEventError } from "../../src/pattern/errors.js";
import { RawNumber } from "../../src/pattern/json.js";
import { applyTargetInput, formatIngestionTime, InvalidInputTransformError, isJsonTemplate, type TargetInputSettings } from "../../src/input/index.js";
import { EC2_EVENT, PROBE_EVENT, PROBE_TEXT } from "./fixtures.js";

const transformer = (paths: Record<string, string>, template: string): TargetInputSettings => ({ InputTransformer: { InputPathsMap: paths, InputTemplate: template } });
const payloadOf = (settings: TargetInputSettings, event: object | string = PROBE_EVENT) => applyTargetInput(settings, event).payload;
const codes = (settings: TargetInputSettings, event: object | string = PROBE_EVENT) => applyTargetInput(settings, event).warnings.map((w) => w.code);

describe("which templates are JSON templates", () => {
  it.each([
    ['{"a":<a>}', true],
    ['  \n\t{"a":<a>}', true],
    ['"<a> is here"', false],
    ['"{<a>}"', false],
    ["[<a>]", false],
    ["<a>", false],
    ["null", false],
  ])("%j → %s", (template, json) => {
    expect(isJsonTemplate(template)).toBe(json);
    const result = applyTargetInput(transformer({ a: "$.detail.text" }, template), PROBE_EVENT);
    expect(result.template).toBe(json ? "json" : "text");
  });
});

describe("strings substituted into templates", () => {
  const event = (value: string) => ({ source: "s", "detail-type": "t", detail: { v: value } });
  const v = { v: "$.detail.v" };
  it.each([
    ["quotes", 'a "b" c', String.raw`{"x":"a \"b\" c"}`],
    ["backslashes", "C:\\dir\\file", String.raw`{"x":"C:\\dir\\file"}`],
    ["newline, tab, return", "a\nb\tc\rd", String.raw`{"x":"a\nb\tc\rd"}`],
    ["backspace and form feed", "a\bb\fc", String.raw`{"x":"a\bb\fc"}`],
    ["other control characters, upper-case hex", "a\u0001b\u001fc", String.raw`{"x":"a\u0001b\u001Fc"}`],
    ["non-ASCII and emoji, as they are", "café ☕ 😀", '{"x":"café ☕ 😀"}'],
    ["slash, not escaped", "a/b", '{"x":"a/b"}'],
    ["line separator, as it is", "a\u2028b", '{"x":"a\u2028b"}'],
    ["angle brackets", "<b>", '{"x":"<b>"}'],
  ])("%s: quoted and unquoted give the same JSON", (_name, value, payload) => {
    expect(payloadOf(transformer(v, '{"x":<v>}'), event(value))).toBe(payload);
    expect(payloadOf(transformer(v, '{"x":"<v>"}'), event(value))).toBe(payload);
    expect(JSON.parse(payload)).toEqual({ x: value });
  });

  it("inside a longer JSON string the escapes stay escaped", () => {
    expect(payloadOf(transformer(v, '{"x":"say <v>!"}'), event('"hi"\n'))).toBe(String.raw`{"x":"say \"hi\"\n!"}`);
  });

  it("event text escapes are written the way the service writes them", () => {
    const text = String.raw`{"source":"s","detail-type":"t","detail":{"v":"caf\u00e9 \/ \u0041"}}`;
    expect(payloadOf(transformer(v, '{"x":<v>}'), text)).toBe('{"x":"café / A"}');
    expect(payloadOf({ InputPath: "$.detail" }, text)).toBe('{"v":"café / A"}');
  });

  it("a text template pastes the string unescaped: quotes or a newline make it undeliverable", () => {
    for (const value of ['say "hi"', "two\nlines", "back\\slash"]) {
      const result = applyTargetInput(transformer(v, '"value: <v>"'), event(value));
      expect(result.payload).toBe(`"value: ${value}"`);
      expect(result.delivered).toBe(false);
      expect(result.warnings.map((w) => w.code)).toContain("invalid-json");
    }
    expect(applyTargetInput(transformer(v, '"value: <v>"'), event("it's fine")).json).toBe("value: it's fine");
  });
});

describe("numbers keep the event's spelling", () => {
  const text = '{"source":"s","detail-type":"t","detail":{"price":1.50,"exp":1e3,"big":123456789012345678901234567890,"neg":-0.0,"small":2.5E-3,"int":7}}';
  it("with no settings", () => {
    expect(payloadOf({}, text)).toBe(text);
  });
  it("through InputPath", () => {
    expect(payloadOf({ InputPath: "$.detail" }, text)).toBe('{"price":1.50,"exp":1e3,"big":123456789012345678901234567890,"neg":-0.0,"small":2.5E-3,"int":7}');
    expect(payloadOf({ InputPath: "$.detail.big" }, text)).toBe("123456789012345678901234567890");
  });
  it("unquoted, quoted and in text templates", () => {
    const paths = { p: "$.detail.price", e: "$.detail.exp", b: "$.detail.big" };
    expect(payloadOf(transformer(paths, '{"p":<p>,"e":<e>,"b":<b>}'), text)).toBe('{"p":1.50,"e":1e3,"b":123456789012345678901234567890}');
    // In quotes a number becomes a string of its text (recorded: "<number>" → "42").
    expect(payloadOf(transformer(paths, '{"p":"<p>","e":"<e>"}'), text)).toBe('{"p":"1.50","e":"1e3"}');
    expect(payloadOf(transformer(paths, '"<p> and <e> and <b>"'), text)).toBe('"1.50 and 1e3 and 123456789012345678901234567890"');
  });
  it("parsed json holds numbers (RawNumber only where a double cannot)", () => {
    const result = applyTargetInput({ InputPath: "$.detail" }, text);
    expect(result.json).toMatchObject({ price: 1.5, exp: 1000, int: 7 });
    expect((result.json as { big: unknown }).big).toEqual(new RawNumber("123456789012345678901234567890"));
  });
});

describe("paths", () => {
  const path = (p: string, template = "{\"v\":<v>}") => payloadOf(transformer({ v: p }, template));
  it.each([
    ["$.detail.array[0]", '{"v":"one"}'],
    ["$.detail.array[2].x", '{"v":3}'],
    ["$.detail.items[0].name", '{"v":"first"}'],
    ["$.detail.items[*]", '{"v":[{"name":"first"},{"name":"second"}]}'],
    ["$.detail.array[*]", '{"v":["one","two",{"x":3}]}'],
    ["$.detail.object.first", '{"v":"one"}'],
    ["$.detail.object", '{"v":{"first":"one","second":2}}'],
    ["$.detail.dot.key", '{"v":""}'],
    ["$.detail.array[3]", '{"v":""}'],
    ["$.detail.object[0]", '{"v":""}'],
    ["$.detail.array.first", '{"v":""}'],
    ["$.detail.text.length", '{"v":""}'],
    ["$.detail.missing[*]", '{"v":[]}'],
    ["$.detail.nothing", '{"v":null}'],
  ])("%s", (p, payload) => {
    expect(path(p)).toBe(payload);
  });
  it("$ is the whole event, in InputPath and in a variable", () => {
    expect(payloadOf({ InputPath: "$" })).toBe(PROBE_TEXT);
    expect(path("$")).toBe(`{"v":${PROBE_TEXT}}`);
  });
  it("deeply nested values", () => {
    const event = { source: "s", "detail-type": "t", detail: { a: { b: { c: [{ d: { e: "deep" } }] } } } };
    expect(payloadOf(transformer({ v: "$.detail.a.b.c[0].d.e" }, '{"v":<v>}'), event)).toBe('{"v":"deep"}');
    expect(payloadOf({ InputPath: "$.detail.a.b" }, event)).toBe('{"c":[{"d":{"e":"deep"}}]}');
  });
});

describe("predefined variables", () => {
  const template = '{"arn":<aws.events.rule-arn>,"name":<aws.events.rule-name>,"at":<aws.events.event.ingestion-time>}';
  const settings: TargetInputSettings = { InputTransformer: { InputTemplate: template } };
  it("need no InputPathsMap entry, and are strings in JSON", () => {
    const result = applyTargetInput(settings, EC2_EVENT, { ruleArn: "arn:aws:events:us-east-1:123456789012:rule/r", ruleName: "r", ingestionTime: "2015-11-11T21:29:54Z" });
    expect(result.json).toEqual({ arn: "arn:aws:events:us-east-1:123456789012:rule/r", name: "r", at: "2015-11-11T21:29:54.000Z" });
  });
  it("the ingestion time is written in UTC with milliseconds", () => {
    expect(formatIngestionTime("2026-09-13T12:17:30.408Z")).toBe("2026-09-13T12:17:30.408Z");
    expect(formatIngestionTime("2026-09-13T14:17:30+02:00")).toBe("2026-09-13T12:17:30.000Z");
    expect(formatIngestionTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe("2026-01-02T03:04:05.000Z");
    expect(formatIngestionTime("not a time")).toBe("not a time");
  });
  it("missing rule values are empty, with a warning", () => {
    const result = applyTargetInput(settings, EC2_EVENT);
    expect(result.payload).toBe('{"arn":"","name":"","at":""}');
    expect(result.warnings.filter((w) => w.code === "missing-value")).toHaveLength(3);
  });
  it("<aws.events.event> keeps a time it cannot read as it is", () => {
    const result = applyTargetInput({ InputTransformer: { InputTemplate: '{"e":<aws.events.event>}' } }, { ...EC2_EVENT, time: "yesterday", "replay-name": "r" });
    expect(result.json).toEqual({ e: { id: EC2_EVENT.id, account: "123456789012", detailType: EC2_EVENT["detail-type"], time: "yesterday", source: "aws.ec2", region: "us-east-1", resources: EC2_EVENT.resources, version: "0" } });
  });
});

describe("warnings", () => {
  it("a variable that finds nothing, pointing at its InputPathsMap entry", () => {
    const result = applyTargetInput(transformer({ command: "$.detail.command" }, '{"command": <command>}'), PROBE_EVENT);
    expect(result.payload).toBe('{"command": ""}');
    expect(result.warnings).toContainEqual({ code: "missing-value", path: "$.InputTransformer.InputPathsMap.command", placeholder: "command", message: expect.stringContaining("$.detail.command is not in the event") });
  });
  it("an InputPath that finds nothing", () => {
    expect(applyTargetInput({ InputPath: "$.detail.command" }, PROBE_EVENT).warnings).toContainEqual({ code: "missing-value", path: "$.InputPath", message: expect.stringContaining("sends {}") });
  });
  it("a quoted object placeholder: its own kind, payload is what a DLQ would hold", () => {
    const result = applyTargetInput(transformer({ o: "$.detail.object" }, '{"o":"<o>"}'), PROBE_EVENT);
    expect(result).toMatchObject({ payload: '{"o":"{"first":"one","second":2}"}', delivered: false, isJson: false, json: null });
    expect(result.warnings.map((w) => w.code)).toEqual(["quoted-object-placeholder"]);
    expect(result.warnings[0]!.message).toMatch(/PutTargets and PutEvents succeed, and the service delivers nothing/);
  });
  it("a quoted array placeholder, and <aws.events.event.json> in quotes", () => {
    expect(codes(transformer({ a: "$.detail.array" }, '{"a":"<a>"}'))).toEqual(["quoted-object-placeholder"]);
    expect(codes({ InputTransformer: { InputTemplate: '{"e":"<aws.events.event.json>"}' } })).toEqual(["quoted-object-placeholder"]);
  });
  it("quoted scalars are fine", () => {
    expect(codes(transformer({ n: "$.detail.number", f: "$.detail.flag", z: "$.detail.nothing" }, '{"n":"<n>","f":"<f>","z":"<z>"}'))).toEqual(["drops-envelope"]);
    expect(payloadOf(transformer({ n: "$.detail.number", f: "$.detail.flag", z: "$.detail.nothing" }, '{"n":"<n>","f":"<f>","z":"<z>"}'))).toBe('{"n":"42","f":"true","z":"null"}');
  });
  it("an undefined placeholder without InputPathsMap stays as text", () => {
    expect(codes({ InputTransformer: { InputTemplate: '"hi <who>"' } })).toEqual(["undefined-placeholder", "drops-envelope"]);
  });
  it("quoted lines are delivered, but are not one JSON value", () => {
    const result = applyTargetInput(transformer({ t: "$.detail.text" }, '"one <t>"\n"two <t>"'), PROBE_EVENT);
    expect(result).toMatchObject({ delivered: true, isJson: false, json: null });
    expect(result.warnings.map((w) => w.code)).toEqual(["not-json", "drops-envelope"]);
  });
  it("an empty payload", () => {
    expect(codes({ Input: "" })).toEqual(["empty-payload"]);
  });
  it("a JSON null payload is JSON", () => {
    expect(applyTargetInput({ Input: "null" }, PROBE_EVENT)).toMatchObject({ json: null, isJson: true, delivered: true });
  });
});

describe("the event's envelope (source, detail-type)", () => {
  it("InputPath $.detail drops both", () => {
    const result = applyTargetInput({ InputPath: "$.detail" }, EC2_EVENT);
    expect(result.keeps).toEqual({ source: false, detailType: false });
    expect(result.warnings).toContainEqual({ code: "drops-envelope", message: expect.stringContaining("source and detail-type") });
  });
  it("no settings and InputPath $ keep both", () => {
    for (const settings of [{}, { InputPath: "$" }]) {
      const result = applyTargetInput(settings, EC2_EVENT);
      expect(result.keeps).toEqual({ source: true, detailType: true });
      expect(result.warnings).toEqual([]);
    }
  });
  it("a template that carries them on keeps them", () => {
    const result = applyTargetInput(transformer({ s: "$.source", t: "$.detail-type", d: "$.detail" }, '{"source":<s>,"detail-type":<t>,"detail":<d>}'), EC2_EVENT);
    expect(result.keeps).toEqual({ source: true, detailType: true });
    expect(result.warnings).toEqual([]);
  });
  it("a template that keeps only source", () => {
    const result = applyTargetInput(transformer({ s: "$.source" }, '{"source":<s>}'), EC2_EVENT);
    expect(result.keeps).toEqual({ source: true, detailType: false });
    expect(result.warnings).toEqual([{ code: "drops-envelope", message: expect.stringMatching(/no longer has the event's detail-type:/) }]);
  });
  it("the seeds' ingestor target: the handler that routes by shape stops seeing the event's source and detail-type", () => {
    const target = JSON.parse(readFileSync("examples/ingestor-target-inputpath.json", "utf8")) as TargetInputSettings;
    const event = JSON.parse(readFileSync("examples/ingestor-event.json", "utf8")) as Record<string, unknown>;
    const result = applyTargetInput(target, event);
    expect(result.mode).toBe("input-path");
    expect(result.json).toEqual(event.detail);
    expect(result.keeps).toEqual({ source: false, detailType: false });
    expect(result.warnings.map((w) => w.code)).toEqual(["drops-envelope"]);
  });
});

describe("bad input", () => {
  it("settings PutTargets rejects throw InvalidInputTransformError with the path", () => {
    expect(() => applyTargetInput({ InputPath: "$.detail", InputTransformer: { InputTemplate: "{}" } }, EC2_EVENT)).toThrow(InvalidInputTransformError);
    try {
      applyTargetInput(transformer({ v: "$['detail']" }, "{\"v\":<v>}"), EC2_EVENT);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputTransformError);
      expect((error as InvalidInputTransformError).path).toBe("$.InputTransformer.InputPathsMap.v");
    }
  });
  it("an event that is not a JSON object throws InvalidEventError", () => {
    expect(() => applyTargetInput({}, "{not json")).toThrow(InvalidEventError);
    expect(() => applyTargetInput({}, "[1]")).toThrow(InvalidEventError);
    expect(() => applyTargetInput({}, [] as unknown as object)).toThrow(/must be a JSON object/);
  });
  it("a whole target is read for its input fields only", () => {
    const target = { Id: "t", Arn: "arn:aws:sqs:us-east-1:123456789012:q", RoleArn: "arn:aws:iam::123456789012:role/r", InputPath: "$.detail.state", DeadLetterConfig: { Arn: "x" } };
    expect(applyTargetInput(target, EC2_EVENT).payload).toBe('"RUNNING"');
  });
});
