import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { explainMatch, matchesPattern, RuleSet, validatePattern } from "../../src/pattern/index.js";
import { isComparableNumber, isExactDoubleLiteral } from "../../src/pattern/number.js";

const RUNS = { numRuns: 300 };

// Doubles event-ruler compares as numbers: every double but the few smallest subnormals
// whose JSON text is not what Java prints (5e-324 is "4.9E-324" to Java; see number.ts).
const comparable = fc.double({ noNaN: true, noDefaultInfinity: true }).filter(isComparableNumber);

const leaf = fc.oneof(
  fc.constantFrom("a", "b", "A", "", "ab", "b a", "10.0.0.1", "x*y"),
  fc.constantFrom(0, 1, 1.5, -2, 300, 1e21),
  fc.constantFrom(true, false, null),
);
const key = fc.constantFrom("k", "m", "n", "detail", "x.y");

// Small random events: nested objects, arrays of scalars and arrays of objects.
const eventValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, fc.array(tie("value"), { maxLength: 3 }), tie("object")),
  object: fc.dictionary(key, tie("value"), { maxKeys: 3 }),
})).value;
const event = fc.dictionary(key, eventValue, { minKeys: 1, maxKeys: 4 });

const operator = fc.oneof(
  leaf,
  fc.constantFrom(
    { prefix: "a" }, { prefix: "" }, { suffix: "b" }, { "equals-ignore-case": "A" }, { wildcard: "*b" },
    { "anything-but": "a" }, { "anything-but": [1, 300] }, { "anything-but": { prefix: "a" } },
    { numeric: [">", 0] }, { numeric: [">=", -2, "<", 300] }, { numeric: ["=", 1.5] },
    { exists: true }, { exists: false }, { cidr: "10.0.0.0/8" },
    { prefix: { "equals-ignore-case": "B" } }, { "anything-but": { wildcard: "*a*" } },
  ),
);
const patternValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.array(operator, { minLength: 1, maxLength: 3 }), tie("object")),
  object: fc.dictionary(key, tie("value"), { minKeys: 1, maxKeys: 2 }),
})).value;
const pattern = fc.dictionary(key, patternValue, { minKeys: 1, maxKeys: 3 }).filter((p) => {
  try {
    validatePattern(p);
    return true;
  } catch {
    return false;
  }
});

function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  entries.sort((a, b) => ((a[0].charCodeAt(0) * seed) % 7) - ((b[0].charCodeAt(0) * seed) % 7) || (seed % 2 ? 1 : -1));
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, seed)]));
}

describe("pattern engine properties", () => {
  it("an event built to satisfy a generated pattern matches it", () => {
    // Each field gets a value and an operator that accepts that value.
    const field = fc.oneof(
      fc.string({ maxLength: 6 }).chain((s) =>
        fc.constantFrom<[unknown, unknown]>(
          [s, s],
          [s, { prefix: s.slice(0, 2) }],
          [s, { suffix: s.slice(-2) }],
          [s, { "equals-ignore-case": s.toUpperCase() === s.toLowerCase() ? s : s.toUpperCase() }],
          [s, { wildcard: `${s.slice(0, 1).replace(/[*\\]/g, "\\$&")}*` }],
          [s, { "anything-but": `${s}-not` }],
          [s, { exists: true }],
        ),
      ),
      // [">=", n] needs a range above n: the largest double has none (event-ruler fails on it,
      // the engine rejects it), so that one value gets only the other operators.
      comparable.chain((n) =>
        fc.constantFrom<[unknown, unknown]>(
          [n, n],
          [n, { numeric: ["=", n] }],
          [n, n === Number.MAX_VALUE ? { numeric: ["<=", n] } : { numeric: [">=", n] }],
          [n, { "anything-but": n === 0 ? 1 : 0 }],
        ),
      ),
      fc.constantFrom<[unknown, unknown]>([true, true], [null, null], [false, { exists: true }]),
    );
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 5 }), fc.boolean(), (fields, nested) => {
        const p: Record<string, unknown> = {};
        const e: Record<string, unknown> = { other: "noise" };
        fields.forEach(([value, op], i) => {
          if (nested) {
            p[`f${i}`] = { inner: [op] };
            e[`f${i}`] = { inner: value };
          } else {
            p[`f${i}`] = [op];
            e[`f${i}`] = value;
          }
        });
        p.absent = [{ exists: false }];
        expect(matchesPattern(p, e)).toBe(true);
        expect(matchesPattern(JSON.stringify(p), JSON.stringify(e))).toBe(true);
      }),
      RUNS,
    );
  });

  it("matching does not depend on key order", () => {
    fc.assert(
      fc.property(pattern, event, fc.integer({ min: 1, max: 50 }), (p, e, seed) => {
        const expected = matchesPattern(p, e);
        expect(matchesPattern(shuffleKeys(p, seed) as object, shuffleKeys(e, seed) as object)).toBe(expected);
      }),
      RUNS,
    );
  });

  it("explainMatch agrees with matchesPattern, and explains every miss", () => {
    fc.assert(
      fc.property(pattern, event, (p, e) => {
        const verdict = matchesPattern(p, e);
        const explanation = explainMatch(p, e);
        expect(explanation.matches).toBe(verdict);
        expect(explanation.mismatches.length === 0).toBe(verdict);
      }),
      RUNS,
    );
  });

  it("objects and their JSON text give the same verdict", () => {
    fc.assert(
      fc.property(pattern, event, (p, e) => {
        expect(matchesPattern(JSON.stringify(p), JSON.stringify(e))).toBe(matchesPattern(p, e));
      }),
      RUNS,
    );
  });

  it("RuleSet.matchingRules agrees with matchesPattern rule by rule", () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 12 }), fc.array(event, { minLength: 1, maxLength: 5 }), (patterns, events) => {
        const set = new RuleSet();
        patterns.forEach((p, i) => set.add(`r${i}`, p));
        for (const e of events) {
          const expected = patterns.flatMap((p, i) => (matchesPattern(p, e) ? [`r${i}`] : []));
          expect(set.matchingRules(e)).toEqual(expected);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("a number matches itself written in any exact notation", () => {
    fc.assert(
      fc.property(comparable, (n) => {
        const text = JSON.stringify(n);
        expect(isExactDoubleLiteral(text)).toBe(true);
        expect(matchesPattern(`{"n":[${text}]}`, `{"n":${n.toExponential()}}`)).toBe(true);
        expect(matchesPattern(`{"n":[{"numeric":["=",${text}]}]}`, `{"n":${n.toExponential()}}`)).toBe(true);
      }),
      RUNS,
    );
  });

  it("numeric ranges agree with plain comparisons", () => {
    fc.assert(
      fc.property(
        // Two distinct bounds, in order, by construction (a generated pair can be equal).
        fc.uniqueArray(comparable, { minLength: 2, maxLength: 2, comparator: (a, b) => a === b }).map((pair) => pair.sort((a, b) => a - b)),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        ([lo, hi], x) => {
          const p = { n: [{ numeric: [">", lo, "<=", hi] }] };
          // A value event-ruler cannot compare matches no range.
          expect(matchesPattern(p, { n: x })).toBe(isComparableNumber(x) && x > lo! && x <= hi!);
        },
      ),
      RUNS,
    );
  });
});
