import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RawNumber } from "../../src/pattern/json.js";
import { applyTargetInput, parseInputPath, PREDEFINED_VARIABLES, validateTargetInput } from "../../src/input/index.js";
import { readEventText, writeJson } from "../../src/input/json-text.js";

const RUNS = { numRuns: 300 };

// Events hold every kind of value, with number literals the way people write them.
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom('say "hi"', "a\\b", "line\nbreak", "tab\there", "café 😀", "\u0001\u001f", "</b>", "a/b", ""),
);
const number = fc.oneof(
  fc.constantFrom("0", "-0", "1.50", "1e3", "-2.5E-3", "123456789012345678901234567890", "42", "0.1").map((t) => new RawNumber(t)),
  fc.integer().map((n) => new RawNumber(String(n))),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => new RawNumber(JSON.stringify(n))),
);
const leaf = fc.oneof(text, number, fc.constantFrom(true, false, null));
const key = fc.constantFrom("a", "b", "detail", "x-y", "under_score", "s/l", "k0", "not.path", "with space");
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, fc.array(tie("value"), { maxLength: 3 }), tie("object")),
  object: fc.dictionary(key, tie("value"), { maxKeys: 3 }),
})).value;
const event = fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 });

const PATH_NAME = /^[A-Za-z0-9_\-/]+$/;

/** Every path (in the service's syntax) the event has, with its value. */
function pathsOf(root: unknown, prefix = "$", out: [string, unknown][] = []): [string, unknown][] {
  out.push([prefix, root]);
  if (Array.isArray(root)) root.forEach((item, i) => pathsOf(item, `${prefix}[${i}]`, out));
  else if (root !== null && typeof root === "object" && !(root instanceof RawNumber)) {
    for (const [k, v] of Object.entries(root)) if (PATH_NAME.test(k)) pathsOf(v, `${prefix}.${k}`, out);
  }
  return out;
}

/** An event, and some of its paths with their values. */
const eventWithPaths = event.chain((root) => {
  const paths = pathsOf(root);
  return fc.record({ root: fc.constant(root), picks: fc.array(fc.constantFrom(...paths), { minLength: 1, maxLength: 5 }) });
});

const space = fc.constantFrom("", " ", "\n  ");

describe("input transformation properties", () => {
  it("a JSON template with unquoted, resolving placeholders gives JSON holding exactly each value", () => {
    const spot = fc.constantFrom("top", "array", "object");
    fc.assert(
      fc.property(eventWithPaths, fc.array(spot, { minLength: 5, maxLength: 5 }), space, fc.boolean(), ({ root, picks }, spots, ws, withEvent) => {
        const paths: Record<string, string> = {};
        const members: string[] = [];
        const expected: Record<string, unknown> = {};
        picks.forEach(([path, found], i) => {
          paths[`v${i}`] = path;
          const where = spots[i]!;
          const slot = `<v${i}>`;
          if (where === "top") {
            members.push(`"f${i}":${ws}${slot}`);
            expected[`f${i}`] = found;
          } else if (where === "array") {
            members.push(`"f${i}": [${ws}${slot},${ws}1, "k"]`);
            expected[`f${i}`] = [found, new RawNumber("1"), "k"];
          } else {
            members.push(`"f${i}": {"in":${ws}${slot}}`);
            expected[`f${i}`] = { in: found };
          }
        });
        if (withEvent) {
          members.push(`"whole": <aws.events.event.json>`);
          expected.whole = root;
        }
        const template = `{${ws}${members.join(`,${ws}`)}${ws}}`;
        const result = applyTargetInput({ InputTransformer: { InputPathsMap: paths, InputTemplate: template } }, writeJson(root));
        expect(result.delivered).toBe(true);
        expect(result.isJson).toBe(true);
        expect(result.warnings.filter((w) => w.code !== "drops-envelope")).toEqual([]);
        expect(readEventText(result.payload)).toEqual(expected);
      }),
      RUNS,
    );
  });

  it("a string value gives the same payload quoted or unquoted, wherever it sits", () => {
    fc.assert(
      fc.property(text, fc.constantFrom(["{\"x\":", "}"], ['{"a":1,"x": ', ' ,"b":[2]}'], ['{"n":{"x":', "}}"], ['{"l":[', ',"z"]}']), (s, [before, after]) => {
        const settings = (slot: string) => ({ InputTransformer: { InputPathsMap: { s: "$.detail.s" }, InputTemplate: `${before}${slot}${after}` } });
        const root = { source: "src", "detail-type": "t", detail: { s } };
        const unquoted = applyTargetInput(settings("<s>"), root);
        const quoted = applyTargetInput(settings('"<s>"'), root);
        expect(quoted.payload).toBe(unquoted.payload);
        expect(unquoted.isJson).toBe(true);
        expect(JSON.stringify(unquoted.json)).toContain(JSON.stringify(s));
      }),
      RUNS,
    );
  });

  it("with no input settings the payload reads back as the event, number literals and all", () => {
    fc.assert(
      fc.property(event, (root) => {
        const source = writeJson(root);
        const result = applyTargetInput({}, source);
        expect(result.payload).toBe(source);
        expect(readEventText(result.payload)).toEqual(root);
        expect(applyTargetInput({}, root).payload).toBe(source);
      }),
      RUNS,
    );
  });

  it("a text template pastes plain strings in as they are", () => {
    const plain = fc.string().filter((s) => !/["\\\u0000-\u001f<>]/.test(s));
    fc.assert(
      fc.property(plain, plain, (s, around) => {
        const template = `"${around} <s> ${around}"`;
        const result = applyTargetInput({ InputTransformer: { InputPathsMap: { s: "$.detail.s" }, InputTemplate: template } }, { detail: { s } });
        expect(result.payload).toBe(`"${around} ${s} ${around}"`);
        expect(result.json).toBe(`${around} ${s} ${around}`);
      }),
      RUNS,
    );
  });

  // Paths in the service's subset, and templates built from a defined map.
  const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
  const step = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_\-/]{1,8}$/).map((n) => `.${n}`), fc.nat(20).map((i) => `[${i}]`), fc.constant("[*]"));
  const path = fc.array(step, { maxLength: 5 }).map((steps) => `$${steps.join("")}`);
  const map = fc.dictionary(name, path, { minKeys: 1, maxKeys: 8 });

  it("every path in the subset parses", () => {
    fc.assert(
      fc.property(path, (p) => {
        expect(parseInputPath(p)).toMatchObject({ ok: true });
      }),
      RUNS,
    );
  });

  it("validation accepts every template built from a defined map", () => {
    const predefined = fc.constantFrom(...PREDEFINED_VARIABLES);
    fc.assert(
      fc.property(map, fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), predefined, space, (paths, picks, reserved, ws) => {
        const names = Object.keys(paths);
        const used = picks.map((i) => names[i % names.length]!);
        const json = `{${ws}${used.map((n, i) => (i % 2 === 0 ? `"f${i}":${ws}<${n}>` : `"f${i}": "id <${n}> and \\"<${n}>\\""`)).join(",")},"r":<${reserved}>}`;
        const textual = `"${used.map((n) => `<${n}>`).join(" - ")} <aws.events.rule-name>"`;
        const lines = used.map((n) => `"line <${n}>"`).join("\n");
        for (const template of [json, textual, lines]) {
          expect(validateTargetInput({ InputTransformer: { InputPathsMap: paths, InputTemplate: template } })).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it("validation names the one placeholder a map does not define", () => {
    fc.assert(
      fc.property(map, name, (paths, extra) => {
        fc.pre(!(extra in paths));
        const template = `{"known":<${Object.keys(paths)[0]}>,"unknown":<${extra}>}`;
        const problems = validateTargetInput({ InputTransformer: { InputPathsMap: paths, InputTemplate: template } });
        expect(problems).toEqual([{ path: "$.InputTransformer.InputTemplate", reason: expect.stringContaining(`<${extra}> is not defined`) }]);
      }),
      RUNS,
    );
  });
});
