import { describe, expect, it } from "vitest";
import { lintPattern, RuleSet } from "../../src/pattern/index.js";
import { JsonSyntaxError, parseEventJson, parseJson, RawNumber } from "../../src/pattern/json.js";
import { isExactDoubleLiteral } from "../../src/pattern/number.js";
import { parseCidr, parseIp } from "../../src/pattern/ip.js";

describe("number literals (event-ruler's ComparableNumber: BigDecimal.valueOf(double) equals the literal)", () => {
  it.each([
    ["300", true], ["300.0", true], ["3.0e2", true], ["3E+2", true], ["0.1", true], ["-0", true], ["0e999999", true],
    ["1e23", true], ["1.7976931348623157e308", true],
    // Java prints at least two digits: the smallest subnormals print as 4.9E-324, 9.9E-324, ...
    ["5e-324", false], ["4.9e-324", true], ["4.9E-324", true], ["1e-323", false], ["9.9e-324", true], ["1e-322", false], ["9.9e-323", true],
    ["1.5e-323", true], ["2e-323", true], ["1e-320", true],
    ["0.1000000000000000055511151231257827", false], ["12345678901234567890", false], ["1e400", false], ["1e-400", false],
    ["9007199254740993", false], ["9007199254740992", true],
  ])("%s exact: %s", (text, exact) => {
    expect(isExactDoubleLiteral(text)).toBe(exact);
  });
});

describe("JSON reader", () => {
  it("keeps inexact literals as text and exact ones as numbers", () => {
    const value = parseJson('{"a": 12345678901234567890, "b": 1.5, "c": [true, null, "x\\u0041"]}') as Record<string, unknown>;
    expect(value.a).toBeInstanceOf(RawNumber);
    expect((value.a as RawNumber).text).toBe("12345678901234567890");
    expect(value.b).toBe(1.5);
    expect(value.c).toEqual([true, null, "xA"]);
    expect(parseEventJson('{"id": "12345678901234567890", "n": 1}')).toEqual({ id: "12345678901234567890", n: 1 });
  });

  it("reports line and column, and refuses hostile nesting", () => {
    expect(() => parseJson('{\n  "a": tru }')).toThrow(/line 2, column 8/);
    expect(() => parseJson("[".repeat(10_000))).toThrow(JsonSyntaxError);
    expect(() => parseJson("{} x")).toThrow(/after the JSON value/);
    expect(Object.keys(parseJson('{"__proto__": [1]}') as object)).toEqual(["__proto__"]);
  });
});

describe("IP addresses", () => {
  it("reads IPv4, IPv6 and IPv4-mapped IPv6 like Java does", () => {
    expect(Array.from(parseIp("10.0.0.1")!)).toEqual([10, 0, 0, 1]);
    expect(parseIp("10.0.0.256")).toBeUndefined();
    expect(parseIp("::1")!.length).toBe(16);
    expect(Array.from(parseIp("::ffff:a00:1")!)).toEqual([10, 0, 0, 1]);
    expect(parseIp("1::2::3")).toBeUndefined();
    expect(parseIp("hello")).toBeUndefined();
  });

  it("builds CIDR ranges from the address's block (host bits cleared, as event-ruler 2.0.1 does)", () => {
    const r = parseCidr("10.0.0.0/24");
    expect(Array.from(r.low)).toEqual([10, 0, 0, 0]);
    expect(Array.from(r.high)).toEqual([10, 0, 0, 255]);
    const h = parseCidr("10.0.0.5/24");
    expect(Array.from(h.low)).toEqual([10, 0, 0, 0]);
    expect(Array.from(h.high)).toEqual([10, 0, 0, 255]);
    expect(Array.from(parseCidr("10.1.2.3/12").low)).toEqual([10, 0, 0, 0]);
    expect(() => parseCidr("10.0.0.0/32")).toThrow(/< 32/);
  });
});

describe("RuleSet", () => {
  it("answers like a bus: every matching rule, in the order added, once", () => {
    const bus = new RuleSet();
    bus.add("ingest", { source: ["agent2.ingestor"], "detail-type": ["Document Processing Required"] });
    bus.add("all-ingestor", { source: [{ prefix: "agent2." }] });
    bus.add("other", { source: ["billing"] });
    bus.add("ingest", { source: ["legacy"] }); // a second pattern under the same name: "or"
    const event = { source: "agent2.ingestor", "detail-type": "Document Processing Required", detail: {} };
    expect(bus.matchingRules(event)).toEqual(["ingest", "all-ingestor"]);
    expect(bus.matchingRules({ source: "legacy" })).toEqual(["ingest"]);
    expect(bus.matchingRules(JSON.stringify({ source: "billing" }))).toEqual(["other"]);
    expect(bus.remove("ingest")).toBe(true);
    expect(bus.matchingRules(event)).toEqual(["all-ingestor"]);
    expect(bus.ruleNames).toEqual(["all-ingestor", "other"]);
  });

  it("handles exists:false and numbers in indexed rules", () => {
    const bus = new RuleSet();
    bus.add("n", '{"n": [300]}');
    bus.add("missing", { source: ["s"], gone: [{ exists: false }] });
    expect(bus.matchingRules('{"n": 3e2, "source": "s"}')).toEqual(["n", "missing"]);
    expect(bus.matchingRules({ n: 1, source: "s", gone: 1 })).toEqual([]);
  });
});

describe("lintPattern", () => {
  const codes = (pattern: unknown, sampleEvent?: unknown) => lintPattern(pattern, sampleEvent === undefined ? {} : { sampleEvent }).map((i) => i.code);

  it("reports the first syntax error with its path", () => {
    const [issue] = lintPattern({ detail: { size: [{ numeric: [">", "5"] }] } });
    expect(issue).toMatchObject({ severity: "error", code: "invalid-pattern", path: "$.detail.size[0].numeric[1]" });
    expect(lintPattern("{oops")[0]).toMatchObject({ severity: "error", code: "invalid-json" });
  });

  it("warns about known mistakes", () => {
    expect(codes({ detailType: ["x"] })).toContain("detail-type-key");
    expect(codes({ DetailType: ["x"] })).toContain("detail-type-key");
    expect(codes({ Source: ["x"] })).toContain("envelope-key-case");
    expect(codes({ source: ["orders.*"] })).toContain("literal-wildcard");
    expect(codes({ source: ["abc*"] })).toContain("literal-wildcard");
    expect(codes({ source: ["aws.s3"] })).toContain("aws-source");
    expect(codes({ source: [{ prefix: "" }] })).toContain("empty-prefix");
    expect(codes({ detail: ["x"] })).toContain("detail-not-object");
    expect(codes({ " source": ["x"] })).toContain("key-whitespace");
    expect(codes({ s: [{ wildcard: "*:*:*:*:*" }] })).toContain("wildcard-complexity");
    expect(codes({ source: ["orders"] })).toEqual([]);
  });

  it("cross-checks types with a sample event", () => {
    expect(codes({ detail: { size: [{ numeric: [">", 5] }] } }, { detail: { size: "10" } })).toContain("numeric-on-string");
    expect(codes({ detail: { size: [10] } }, { detail: { size: "10" } })).toContain("number-vs-string");
    expect(codes({ detail: { size: ["10"] } }, { detail: { size: 10 } })).toContain("string-vs-number");
    expect(codes({ source: ["a"] }, { source: "b" })).toContain("sample-does-not-match");
  });
});

describe("event text scanner", () => {
  it("gives the same verdicts as the object reader on unusual text", async () => {
    const { matchesPattern } = await import("../../src/pattern/index.js");
    const p = { "": ["empty key"], a: { "b\"c": ["q\u00e9\n"] }, n: [1e21], skipped: [{ exists: false }] };
    const text = '{ "other": {"x": [1, {"y": "\\u0041"}], "z": -0.5e-3}, "": "empty key", "a": {"b\\"c": "q\\u00e9\\n"}, "n": 1E+21 }';
    expect(matchesPattern(p, text)).toBe(true);
    expect(matchesPattern(p, JSON.parse(text))).toBe(true);
  });

  it("rejects invalid text even in parts no rule reads", async () => {
    const { matchesPattern, InvalidEventError } = await import("../../src/pattern/index.js");
    expect(() => matchesPattern({ a: ["1"] }, '{"a": "1", "junk": [1,,2]}')).toThrow(InvalidEventError);
    expect(() => matchesPattern({ a: ["1"] }, '{"a": "1"} trailing')).toThrow(InvalidEventError);
    expect(() => matchesPattern({ a: ["1"] }, "[]")).toThrow(/JSON object/);
  });
});

describe("duplicate keys in event text", () => {
  // The last value wins in every reader: the scanner, parseJson and JSON.parse, so text and
  // object agree. So does event-ruler's tree reader, rulesForJSONEvent(JsonNode), and
  // EventBridge's docs for patterns ("if multiple patterns are specified for the same JSON
  // field, EventBridge only uses the last one", eb-create-pattern). event-ruler's streaming
  // rulesForJSONEvent(String) instead keeps every value and merges repeated objects (2.0.1:
  // {"a":["2"]} matches {"a": "2", "a": "1"}); no object can hold that, so it is not followed.
  const cases: [pattern: object, text: string, expected: boolean][] = [
    [{ a: ["1"] }, '{"a": "2", "a": "1"}', true],
    [{ a: ["2"] }, '{"a": "2", "a": "1"}', false],
    [{ a: { b: ["1"] } }, '{"a": {"b": "1"}, "a": {"c": "2"}}', false],
    [{ a: { c: ["2"] } }, '{"a": {"b": "1"}, "a": {"c": "2"}}', true],
    [{ a: [{ exists: false }] }, '{"a": "1", "b": 2, "a": {"x": 1}}', true],
    [{ a: { b: ["1"] } }, '{"a": {"b": "1", "b": "2"}}', false],
    [{ l: [1] }, '{"l": [1, 2], "l": [3]}', false],
    [{ e: { n: ["y"] } }, '{"e": [{"n": "x", "n": "y"}]}', true],
    [{ a: ["1"] }, '{"a": "1", "other": 1, "other": 2}', true],
    [{ x: ["1"] }, '{"x": "0", "x": "1"}', true],
    [{ "": ["2"] }, '{"": "1", "": "2"}', true],
  ];
  it.each(cases)("%j on %s → %s, as text and as the parsed object", async (pattern, text, expected) => {
    const { matchesPattern, explainMatch, RuleSet } = await import("../../src/pattern/index.js");
    expect(matchesPattern(pattern, text)).toBe(expected);
    expect(matchesPattern(pattern, JSON.parse(text))).toBe(expected);
    expect(matchesPattern(pattern, parseJson(text) as object)).toBe(expected);
    expect(explainMatch(pattern, text).matches).toBe(expected);
    expect(new RuleSet().add("r", pattern).matchingRules(text)).toEqual(expected ? ["r"] : []);
  });

  it("explanations show the value that counts", async () => {
    const { explainMatch } = await import("../../src/pattern/index.js");
    expect(explainMatch({ a: ["3"] }, '{"a": "2", "a": "1"}').mismatches[0]!.actual).toBe("1");
  });
});
