import { describe, expect, it } from "vitest";
import { assertTargetInput, InvalidInputTransformError, validateTargetInput } from "../../src/input/index.js";

const transformer = (paths: Record<string, unknown> | undefined, template: unknown) => ({ InputTransformer: { ...(paths ? { InputPathsMap: paths } : {}), InputTemplate: template } });
const pathsOf = (settings: unknown) => validateTargetInput(settings).map((p) => p.path);

describe("settings PutTargets accepts", () => {
  it.each([
    ["nothing", {}],
    ["Input object", { Input: '{"a":1}' }],
    ["Input empty (recorded)", { Input: "" }],
    ["Input scalar", { Input: "17" }],
    ["InputPath $", { InputPath: "$" }],
    ["InputPath empty (recorded)", { InputPath: "" }],
    ["InputPath with index and [*]", { InputPath: "$.detail.items[0].tags[*]" }],
    ["InputPath with - _ /", { InputPath: "$.detail.a-b.c_d.e/f" }],
    ["InputPath index on the root", { InputPath: "$[0]" }],
    ["a JSON template", transformer({ id: "$.detail.id", items: "$.detail.items[*].name" }, '{"id":<id>,"names":<items>,"s":"<id>"}')],
    ["a text template", transformer({ id: "$.detail.id" }, '"job <id> is done"')],
    ["quoted lines", transformer({ id: "$.detail.id" }, '"job <id>"\n"done"')],
    ["a bare placeholder", transformer({ id: "$.detail.id" }, "<id>")],
    ["a root array", transformer({ id: "$.detail.id" }, '[<id>, "x"]')],
    ["predefined variables with no map entry", transformer({ id: "$.detail.id" }, '{"id":<id>,"r":<aws.events.rule-arn>,"n":<aws.events.rule-name>,"t":<aws.events.event.ingestion-time>,"e":<aws.events.event>,"j":<aws.events.event.json>}')],
    ["predefined variables with no map at all", transformer(undefined, '"<aws.events.rule-name> at <aws.events.event.ingestion-time>"')],
    ["no map: an unknown placeholder is accepted (it stays as text)", transformer(undefined, '"before <undefined> after"')],
    ["100 variables", transformer(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`v${i}`, "$.detail.x"])), "{}")],
    ["a 256-character name", transformer({ ["n".repeat(256)]: "$.a" }, "{}")],
    ["< and > that are not placeholders", transformer({ a: "$.a" }, '{"html":"a < b > c","v":<a>}')],
    ["a whole ListTargetsByRule target", { Id: "t", Arn: "arn:aws:lambda:us-east-1:123456789012:function:f", RetryPolicy: { MaximumRetryAttempts: 2 }, InputPath: "$.detail" }],
  ])("%s", (_name, settings) => {
    expect(validateTargetInput(settings)).toEqual([]);
  });
});

describe("settings PutTargets rejects, with the path of each problem", () => {
  it.each([
    ["Input and InputPath", { Input: "{}", InputPath: "$.detail" }, ["$"]],
    ["InputPath and InputTransformer", { InputPath: "$.detail", ...transformer(undefined, "{}") }, ["$"]],
    ["Input and InputTransformer", { Input: "{}", ...transformer(undefined, "{}") }, ["$"]],
    ["all three", { Input: "{}", InputPath: "$", ...transformer(undefined, "{}") }, ["$"]],
    ["Input not JSON", { Input: "not-json" }, ["$.Input"]],
    ["Input with trailing text", { Input: '{"a":1} x' }, ["$.Input"]],
    ["Input not a string", { Input: { a: 1 } }, ["$.Input"]],
    ["Input too long", { Input: `"${"x".repeat(8191)}"` }, ["$.Input"]],
    ["InputPath without $", { InputPath: "detail.text" }, ["$.InputPath"]],
    ["InputPath $.*", { InputPath: "$.detail.object.*" }, ["$.InputPath"]],
    ["InputPath bracket name", { InputPath: "$['detail']['text']" }, ["$.InputPath"]],
    ["InputPath double-quoted bracket name", { InputPath: '$["detail"]' }, ["$.InputPath"]],
    ["InputPath bracket dotted name", { InputPath: "$.detail['dot.key']" }, ["$.InputPath"]],
    ["InputPath recursive", { InputPath: "$..text" }, ["$.InputPath"]],
    ["InputPath negative index", { InputPath: "$.detail.array[-1]" }, ["$.InputPath"]],
    ["InputPath slice", { InputPath: "$.detail.array[0:2]" }, ["$.InputPath"]],
    ["InputPath filter", { InputPath: "$.detail.items[?(@.a)]" }, ["$.InputPath"]],
    ["InputPath space in a name", { InputPath: "$.detail.my key" }, ["$.InputPath"]],
    ["InputPath trailing dot", { InputPath: "$.detail." }, ["$.InputPath"]],
    ["InputPath unclosed index", { InputPath: "$.detail.a[0" }, ["$.InputPath"]],
    ["InputPath too long", { InputPath: `$.${"a".repeat(255)}` }, ["$.InputPath"]],
    ["101 variables", transformer(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, "$.detail.x"])), "{}"), ["$.InputTransformer.InputPathsMap"]],
    ["a dotted name", transformer({ "bad.key": "$.detail.text" }, '{"v":<bad.key>}'), ['$.InputTransformer.InputPathsMap["bad.key"]']],
    ["a predefined name in the map", transformer({ "aws.events.rule-name": "$.detail.text" }, "{}"), ['$.InputTransformer.InputPathsMap["aws.events.rule-name"]']],
    ["an empty name", transformer({ "": "$.a" }, "{}"), ['$.InputTransformer.InputPathsMap[""]']],
    ["a 257-character name", transformer({ ["n".repeat(257)]: "$.a" }, "{}"), [`$.InputTransformer.InputPathsMap.${"n".repeat(257)}`]],
    ["a name with a space", transformer({ "my var": "$.a" }, "{}"), ['$.InputTransformer.InputPathsMap["my var"]']],
    ["an empty path (recorded)", transformer({ value: "" }, '{"value":<value>}'), ["$.InputTransformer.InputPathsMap.value"]],
    ["a bracket path", transformer({ value: "$['detail']" }, '{"value":<value>}'), ["$.InputTransformer.InputPathsMap.value"]],
    ["a path that is not a string", transformer({ value: 3 }, '{"value":<value>}'), ["$.InputTransformer.InputPathsMap.value"]],
    ["InputPathsMap not an object", transformer(["$.a"] as unknown as Record<string, unknown>, "{}"), ["$.InputTransformer.InputPathsMap"]],
    ["an undefined placeholder", transformer({ a: "$.a" }, '"<a> and <notdefinedkey>"'), ["$.InputTransformer.InputTemplate"]],
    ["an unknown aws.events name with a map", transformer({ a: "$.a" }, '{"v":<aws.events.unknown>}'), ["$.InputTransformer.InputTemplate"]],
    ["a quoted placeholder as a key", transformer({ key: "$.detail.text" }, '{"<key>":"value"}'), ["$.InputTransformer.InputTemplate"]],
    ["a bare placeholder as a key", transformer({ key: "$.detail.text" }, '{<key>: "value"}'), ["$.InputTransformer.InputTemplate"]],
    ["<aws.events.event.json> in text", transformer(undefined, '"event <aws.events.event.json>"'), ["$.InputTransformer.InputTemplate"]],
    ["<aws.events.event.json> alone", transformer({}, "<aws.events.event.json>"), ["$.InputTransformer.InputTemplate"]],
    ["<aws.events.event.json> in a root array", transformer({}, "[<aws.events.event.json>]"), ["$.InputTransformer.InputTemplate"]],
    ["<aws.events.event> in text", transformer(undefined, '"event <aws.events.event>"'), ["$.InputTransformer.InputTemplate"]],
    ["bare text (recorded: hello <value>)", transformer({ value: "$.detail.text" }, "hello <value>"), ["$.InputTransformer.InputTemplate"]],
    ["a broken JSON template", transformer({ v: "$.a" }, '{"v":<v>'), ["$.InputTransformer.InputTemplate"]],
    ["an empty template", transformer(undefined, ""), ["$.InputTransformer.InputTemplate"]],
    ["no template", { InputTransformer: { InputPathsMap: { a: "$.a" } } }, ["$.InputTransformer.InputTemplate"]],
    ["a template that is not a string", transformer(undefined, { a: 1 }), ["$.InputTransformer.InputTemplate"]],
    ["a template too long", transformer(undefined, `"${"x".repeat(8191)}"`), ["$.InputTransformer.InputTemplate"]],
    ["InputTransformer not an object", { InputTransformer: "{}" }, ["$.InputTransformer"]],
    ["settings not an object", "InputPath", ["$"]],
  ])("%s", (_name, settings, paths) => {
    expect(pathsOf(settings)).toEqual(paths);
  });

  it("reports every problem, each with a one-line reason", () => {
    const problems = validateTargetInput({ InputPath: "$..x", ...transformer({ "a.b": "x", ok: "$.detail" }, "hello <ok> <missing>") });
    expect(problems.map((p) => p.path)).toEqual(["$", "$.InputPath", '$.InputTransformer.InputPathsMap["a.b"]', '$.InputTransformer.InputPathsMap["a.b"]', "$.InputTransformer.InputTemplate", "$.InputTransformer.InputTemplate"]);
    for (const problem of problems) expect(problem.reason).not.toMatch(/\n/);
  });

  it("quotes the service's own message", () => {
    expect(validateTargetInput(transformer({ a: "$.a" }, '"<notdefinedkey>"'))[0]!.reason).toContain("contains invalid placeholder notdefinedkey");
    expect(validateTargetInput({ Input: "{}", InputPath: "$" })[0]!.reason).toContain("Only one of Input, InputPath, or InputTransformer must be provided");
    expect(validateTargetInput({ InputPath: "$..a" })[0]!.reason).toContain("InputPath for target is invalid");
    expect(validateTargetInput(transformer({ k: "$.a" }, '{"<k>":1}'))[0]!.reason).toContain("placeholder present as a JSON object key");
    expect(validateTargetInput(transformer(undefined, "<aws.events.event.json>"))[0]!.reason).toContain("valid only for JSON template");
  });
});

describe("assertTargetInput", () => {
  it("throws InvalidInputTransformError with the first problem and all of them", () => {
    try {
      assertTargetInput({ InputPath: "$..x", Input: "nope" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputTransformError);
      const invalid = error as InvalidInputTransformError;
      expect(invalid.path).toBe("$");
      expect(invalid.message).toBe(`$: ${invalid.reason}`);
      expect(invalid.problems.map((p) => p.path)).toEqual(["$", "$.Input", "$.InputPath"]);
    }
  });
  it("returns for settings PutTargets accepts", () => {
    expect(() => assertTargetInput({ InputPath: "$.detail" })).not.toThrow();
  });
});
