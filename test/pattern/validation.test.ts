import { describe, expect, it } from "vitest";
import { InvalidPatternError, matchesPattern, validatePattern } from "../../src/pattern/index.js";

// [pattern, JSON path of the problem, reason pattern, source]
// AWS = messages EventBridge returned for these patterns (InvalidEventPatternException),
// RULER = aws/event-ruler's JsonRuleCompiler / CIDR / wildcard parser.
const invalid: [unknown, string, RegExp, string][] = [
  [{ int: 42 }, "$.int", /must be an object or an array/, "AWS int_nolist_EXC"],
  [{ string: "my-value" }, "$.string", /must be an object or an array/, "AWS string_nolist_EXC"],
  [{ resources: [] }, "$.resources", /empty arrays are not allowed/, "AWS arrays_empty_EXC"],
  [{}, "$", /empty objects are not allowed/, "RULER"],
  [{ detail: {} }, "$.detail", /empty objects are not allowed/, "RULER"],
  [[], "$", /must be a JSON object/, "RULER (Filter is not an object)"],
  ["[1]", "$", /must be a JSON object/, "RULER"],
  ['{"a": [1', "$", /not valid JSON/, "RULER"],
  [{ my_key: [{ EXISTS: true }] }, "$.my_key[0].EXISTS", /unknown operator "EXISTS"/, "AWS operator_case_sensitive_EXC"],
  [{ detail: { equal: [{ NUMERIC: ["=", 5] }] } }, "$.detail.equal[0].NUMERIC", /unknown operator/, "AWS content_numeric_operatorcasing_EXC"],
  [{ detail: { c: [{ numeric: [">", 0, ">", 0] }] } }, "$.detail.c[0].numeric[2]", /bad upper-bound operator ">"/, "AWS content_numeric_EXC"],
  [{ detail: { c: [{ numeric: [">", 0, "<"] }] } }, "$.detail.c[0].numeric", /"<" needs a number/, "AWS content_numeric_syntax_EXC"],
  [{ size: [{ numeric: [">", "5"] }] }, "$.size[0].numeric[1]", /must be a number/, "RULER (Value of > must be numeric)"],
  [{ size: [{ numeric: [5] }] }, "$.size[0].numeric[0]", /expected an operator/, "RULER"],
  [{ size: [{ numeric: [] }] }, "$.size[0].numeric[0]", /expected an operator/, "RULER"],
  [{ size: [{ numeric: ["<", 5, ">", 1] }] }, "$.size[0].numeric[2]", /too many elements/, "RULER"],
  [{ size: [{ numeric: ["=", 5, "<", 6] }] }, "$.size[0].numeric[2]", /too many elements/, "RULER"],
  [{ size: [{ numeric: [">", 5, "<", 5] }] }, "$.size[0].numeric", /lower bound must be less/, "RULER (Bottom must be less than top)"],
  [{ size: [{ numeric: [">=", 5, "<=", 5] }] }, "$.size[0].numeric", /lower bound must be less/, "RULER"],
  [{ size: [{ numeric: "5" }] }, "$.size[0].numeric", /must be an array/, "RULER"],
  [{ size: [{ numeric: ["!=", 5] }] }, "$.size[0].numeric[0]", /unknown numeric operator/, "RULER"],
  ['{"size":[{"numeric":[">",0.1000000000000000000001]}]}', "$.size[0].numeric[1]", /not exactly representable/, "RULER ComparableNumber"],
  ['{"n":[{"numeric":["=",5e-324]}]}', "$.n[0].numeric[1]", /not exactly representable/, "RULER ComparableNumber (Java prints 4.9E-324)"],
  ['{"n":[{"anything-but":5e-324}]}', "$.n[0].anything-but", /not exactly representable/, "RULER ComparableNumber"],
  ['{"n":[{"numeric":[">",-0,"<",0]}]}', "$.n[0].numeric", /lower bound must be less/, "RULER (-0 is 0: Bottom must be less than top)"],
  [{ n: [{ numeric: [">=", Number.MAX_VALUE] }] }, "$.n[0].numeric", /lower bound must be less/, "RULER (addRule fails: no range above the largest double)"],
  [{ n: [{ numeric: ["<=", -Number.MAX_VALUE] }] }, "$.n[0].numeric", /lower bound must be less/, "RULER (addRule fails)"],
  [{ s: [{ prefix: 5 }] }, "$.s[0].prefix", /must be a string/, "RULER"],
  [{ s: [{ prefix: { "equals-ignore-case": 5 } }] }, "$.s[0].prefix.equals-ignore-case", /must be a string/, "RULER"],
  [{ s: [{ prefix: { foo: "x" } }] }, "$.s[0].prefix.foo", /unsupported prefix operator/, "RULER"],
  [{ s: [{ prefix: "a", suffix: "b" }] }, "$.s[0]", /only one operator/, "RULER"],
  [{ s: [{}] }, "$.s[0]", /needs one operator/, "RULER"],
  [{ s: [{ "equals-ignore-case": { prefix: "ec2" } }] }, "$.s[0].equals-ignore-case", /must be a string/, "AWS content_ignorecase_list_EXC"],
  [{ s: [{ "equals-ignore-case": ["a"] }] }, "$.s[0].equals-ignore-case", /must be a string/, "RULER"],
  [{ s: [{ wildcard: "a**b" }] }, "$.s[0].wildcard", /consecutive wildcard/, "RULER README"],
  [{ s: [{ wildcard: "a\\b" }] }, "$.s[0].wildcard", /backslash/, "RULER README"],
  [{ s: [{ wildcard: "a\\" }] }, "$.s[0].wildcard", /backslash/, "RULER README"],
  [{ s: [{ exists: "true" }] }, "$.s[0].exists", /true or false/, "RULER"],
  [{ s: [{ cidr: "bad-/64filter" }] }, "$.s[0].cidr", /mask bits must be an integer/, "AWS content_ip_address_bad_mask_EXC"],
  [{ s: [{ cidr: "10.0.0.0" }] }, "$.s[0].cidr", /one '\/'/, "RULER CIDR"],
  [{ s: [{ cidr: "10.0.0.0/x" }] }, "$.s[0].cidr", /integer/, "RULER CIDR"],
  [{ s: [{ cidr: "10.0.0.0/33" }] }, "$.s[0].cidr", /< 32/, "RULER CIDR"],
  [{ s: [{ cidr: "::/129" }] }, "$.s[0].cidr", /< 128/, "RULER CIDR"],
  [{ s: [{ cidr: "300.1.1.1/8" }] }, "$.s[0].cidr", /not an IPv4/, "AWS content_ip_address_bad_ip_EXC"],
  [{ s: [{ cidr: 5 }] }, "$.s[0].cidr", /must be a string/, "AWS content_ip_address_type_EXC"],
  [{ s: [{ "anything-but": ["stopped", null] }] }, "$.s[0].anything-but[1]", /strings or numbers/, "AWS content_anything_but_string_list_null_type_EXC"],
  [{ s: [{ "anything-but": null }] }, "$.s[0].anything-but", /must be a string, a number/, "AWS content_anything_but_string_null_type_EXC"],
  [{ s: [{ "anything-but": ["a", 1] }] }, "$.s[0].anything-but", /all strings or all numbers/, "RULER"],
  [{ s: [{ "anything-but": [] }] }, "$.s[0].anything-but", /at least one value/, "RULER"],
  [{ s: [{ "anything-but": true }] }, "$.s[0].anything-but", /must be a string, a number/, "RULER"],
  [{ s: [{ "anything-but": { prefix: "" } }] }, "$.s[0].anything-but.prefix", /empty prefix/, "AWS content_anything_prefix_empty_EXC"],
  [{ s: [{ "anything-but": { suffix: "" } }] }, "$.s[0].anything-but.suffix", /empty suffix/, "AWS content_anything_suffix_empty_EXC"],
  [{ s: [{ "anything-but": { prefix: 5 } }] }, "$.s[0].anything-but.prefix", /must be strings, not a number/, "AWS content_anything_prefix_int_EXC"],
  [{ s: [{ "anything-but": { suffix: [1] } }] }, "$.s[0].anything-but.suffix[0]", /must be strings/, "AWS content_anything_suffix_list_type_EXC"],
  [{ s: [{ "anything-but": { foo: "x" } }] }, "$.s[0].anything-but.foo", /unsupported anything-but operator/, "RULER"],
  [{ s: [{ "anything-but": { wildcard: "a**" } }] }, "$.s[0].anything-but.wildcard", /consecutive/, "RULER"],
  [{ s: [{ "anything-but": { "equals-ignore-case": 5 } }] }, "$.s[0].anything-but.equals-ignore-case", /not a number/, "AWS content_anything_but_ignorecase_EXC"],
  [{ s: [[1]] }, "$.s[0]", /a value must be/, "RULER (Match value must be String, number, true, false, or null)"],
  [{ $or: [{ a: ["1"] }] }, "$.$or", /at least 2 objects/, "RULER"],
  [{ $or: "x" }, "$.$or", /array of objects/, "RULER (neither reading: a field needs an object or an array)"],
  [{ $or: [] }, "$.$or", /at least 2 objects/, "RULER"],
  [{ $or: [{ a: ["1"] }, { b: ["2"] }], c: [{ prefix: 5 }] }, "$.c[0].prefix", /must be a string/, "RULER (an error outside the $or stays)"],
  [{ $or: [{ a: ["1"] }, "x"] }, "$.$or[1]", /only objects/, "RULER"],
  [{ $or: [{ a: ["1"] }, {}] }, "$.$or[1]", /empty objects/, "RULER"],
  [{ $or: [{ prefix: ["1"] }, { b: ["2"] }] }, "$.$or[0].prefix", /reserved word/, "RULER README ($or reserved keywords)"],
];

describe("validatePattern rejects what EventBridge rejects", () => {
  it.each(invalid)("%j → %s", (pattern, path, reason) => {
    let error: unknown;
    try {
      validatePattern(pattern as object);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidPatternError);
    const e = error as InvalidPatternError;
    expect(e.path).toBe(path);
    expect(e.reason).toMatch(reason);
    expect(e.message).toBe(`${path}: ${e.reason}`);
    // The matching functions refuse invalid patterns the same way.
    expect(() => matchesPattern(pattern as object, { a: 1 })).toThrow(InvalidPatternError);
  });

  it("accepts the documented grammar", () => {
    for (const pattern of [
      { source: [{ prefix: "" }] },
      { a: [{ "anything-but": { prefix: [] } }] },
      { a: [{ "anything-but": { "equals-ignore-case": "x" } }] },
      { a: [{ "anything-but": 5 }] },
      { a: [{ numeric: ["<=", -5e9] }] },
      { a: [{ numeric: [">", -1, "<", 1e300] }] },
      '{"a": [{"numeric": [">", 0, "<", 4.9e-324]}]}',
      { a: [{ numeric: [">", 1e308, "<=", Number.MAX_VALUE] }] },
      { a: [{ cidr: "2001:db8::/31" }] },
      { a: [{ exists: false }, "x", 1, null, true] },
      { a: [{ wildcard: "a\\*\\\\*" }] },
      { $or: [{ a: ["1"] }, { b: { $or: [{ c: ["1"] }, { d: ["2"] }] } }] },
    ]) {
      expect(() => validatePattern(pattern)).not.toThrow();
    }
  });

  it("rejects more than 1000 $or combinations and accepts exactly 1000", () => {
    const branches = (n: number, key: string) => Array.from({ length: n }, (_, i) => ({ [key]: [String(i)] }));
    const ok = { a: { $or: branches(10, "x") }, b: { $or: branches(10, "y") }, c: { $or: branches(10, "z") } };
    expect(() => validatePattern(ok)).not.toThrow();
    const tooMany = { ...ok, d: { $or: branches(2, "w") } };
    expect(() => validatePattern(tooMany)).toThrow(/more than 1000 combinations/);
  });

  it("fails cleanly on hostile input", () => {
    let deep: Record<string, unknown> = { leaf: ["x"] };
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(() => validatePattern(deep)).toThrow(/nesting deeper than/);
    const deepText = `${'{"a":'.repeat(50_000)}["x"]${"}".repeat(50_000)}`;
    expect(() => validatePattern(deepText)).toThrow(InvalidPatternError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => validatePattern(cyclic)).toThrow(InvalidPatternError);
    const wide = { a: Array.from({ length: 100_000 }, (_, i) => `v${i}`) };
    expect(() => validatePattern(wide)).not.toThrow();
    expect(matchesPattern(wide, { a: "v99999" })).toBe(true);
  });

  it("does not hang on a wildcard built to backtrack (which EventBridge rejects as too complex anyway)", async () => {
    const { matchWildcard, parseWildcard } = await import("../../src/pattern/wildcard.js");
    const source = `${"a*".repeat(30)}b`;
    expect(() => validatePattern({ s: [{ wildcard: source }] })).toThrow(/Rule is too complex/);
    const started = Date.now();
    expect(matchWildcard(parseWildcard(source), "a".repeat(20_000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("wildcard complexity (event-ruler's MachineComplexityEvaluator; EventBridge rejects above 10)", () => {
  // [pattern, the field's patterns (each a list of values), score from event-ruler 2.0.1's evaluator]
  const cases: [object, string[][], number][] = [
    [{ a: [{ wildcard: "*" }] }, [["*"]], 2],
    [{ a: [{ wildcard: "*ab" }] }, [["*ab"]], 2],
    [{ a: [{ wildcard: "a*b*c*d*e*f" }] }, [["a*b*c*d*e*f"]], 6],
    [{ a: [{ wildcard: "*a*a*a*" }] }, [["*a*a*a*"]], 7],
    [{ a: [{ wildcard: "*:*:*:*:*" }] }, [["*:*:*:*:*"]], 9],
    [{ a: [{ wildcard: "*a*a*a*a*" }] }, [["*a*a*a*a*"]], 9],
    [{ a: [{ wildcard: "*a*a*a*a*a*" }] }, [["*a*a*a*a*a*"]], 11],
    [{ a: [{ wildcard: "*:stack/A/*" }, { wildcard: "*:stack/B/*" }, { wildcard: "*:stack/C/*" }] }, [["*:stack/A/*"], ["*:stack/B/*"], ["*:stack/C/*"]], 9],
    [{ a: [{ wildcard: "*:stack/A/*" }, { wildcard: "*:stack/B/*" }, { wildcard: "*:stack/C/*" }, { wildcard: "*:stack/D/*" }] }, [["*:stack/A/*"], ["*:stack/B/*"], ["*:stack/C/*"], ["*:stack/D/*"]], 12],
    // an anything-but list is one pattern: its values share the states before their first star
    [{ a: [{ "anything-but": { wildcard: ["*a*a*", "*b*b*"] } }] }, [["*a*a*", "*b*b*"]], 7],
    [{ a: [{ "anything-but": { wildcard: ["*a*a*", "*b*b*", "*c*"] } }] }, [["*a*a*", "*b*b*", "*c*"]], 8],
    [{ a: [{ "anything-but": { wildcard: ["*a*a*a*", "*b*b*b*"] } }] }, [["*a*a*a*", "*b*b*b*"]], 10],
    [{ a: [{ wildcard: "*a*a*a*" }, { "anything-but": { wildcard: ["*b*b*"] } }] }, [["*a*a*a*"], ["*b*b*"]], 10],
    [{ a: [{ wildcard: "*a*a*" }, { wildcard: "*b*b*" }, { wildcard: "*c*" }] }, [["*a*a*"], ["*b*b*"], ["*c*"]], 11],
    // each field has its own matcher; $or branches reaching a field the same way share one
    [{ a: [{ wildcard: "*a*a*a*" }], b: [{ wildcard: "*a*a*a*" }] }, [["*a*a*a*"]], 7],
    [{ $or: [{ a: [{ wildcard: "*a*a*" }] }, { a: [{ wildcard: "*b*b*" }, { wildcard: "*c*" }] }] }, [["*a*a*"], ["*b*b*"], ["*c*"]], 11],
  ];
  it.each(cases)("%j: %j scores %i", async (pattern, patterns, score) => {
    const { wildcardComplexity } = await import("../../src/pattern/wildcard.js");
    expect(wildcardComplexity(patterns, 1000)).toBe(score);
    if (score <= 10) expect(() => validatePattern(pattern)).not.toThrow();
    else {
      expect(() => validatePattern(pattern)).toThrow(InvalidPatternError);
      expect(() => validatePattern(pattern)).toThrow(/^\$\S*: Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character$/);
    }
  });
});
