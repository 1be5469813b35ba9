/**
 * EventBridge's JSONPath subset for InputPath and InputPathsMap values. What PutTargets
 * accepts was recorded against the service ("InputPath for target X is invalid." for the
 * rest): `$`; `.name` with letters, digits, `-`, `_`, `/`; `[N]` array indexes; `[*]`
 * over an array. Rejected: bracket names (`$['a']`), `..`, `.*`, negative indexes, slices,
 * filters, and paths not starting with `$`.
 */
import { isJsonObject } from "./json-text.js";

/** One step of a path. */
export type PathStep = { kind: "name"; name: string } | { kind: "index"; index: number } | { kind: "each" };

/** A path that PutTargets accepts, ready to read events. */
export interface InputPathExpression {
  text: string;
  steps: readonly PathStep[];
  /** A `[*]` step: the path reads a list of values, delivered as a JSON array. */
  many: boolean;
}

/** The longest path PutTargets accepts (TargetInputPath, max 256). */
export const MAX_PATH_LENGTH = 256;

const NAME = /[A-Za-z0-9_\-/]+/y;

/** Parses a path, or says in one line why the service rejects it. */
export function parseInputPath(text: string): { ok: true; path: InputPathExpression } | { ok: false; reason: string } {
  const fail = (reason: string) => ({ ok: false as const, reason });
  if (text.length > MAX_PATH_LENGTH) return fail(`the path is ${text.length} characters long; at most ${MAX_PATH_LENGTH}`);
  if (text === "") return fail("the path is empty; use $ for the whole event");
  if (text[0] !== "$") return fail(`${JSON.stringify(text)} must start with $ (e.g. $.detail.${text.replace(/^[.$]+/, "")})`);
  const steps: PathStep[] = [];
  let pos = 1;
  while (pos < text.length) {
    const c = text[pos];
    if (c === ".") {
      if (text[pos + 1] === ".") return fail("recursive descent (..) is not supported");
      if (text[pos + 1] === "*") return fail("a wildcard is supported only as an array index: [*]");
      NAME.lastIndex = pos + 1;
      const m = NAME.exec(text);
      if (!m) {
        const next = text[pos + 1];
        return fail(next === undefined || next === "." || next === "[" ? `an empty name at character ${pos + 1}` : `${JSON.stringify(next)} cannot appear in a name (letters, digits, "-", "_", "/")`);
      }
      steps.push({ kind: "name", name: m[0] });
      pos += 1 + m[0].length;
    } else if (c === "[") {
      const close = text.indexOf("]", pos);
      if (close < 0) return fail("an unclosed [");
      const inside = text.slice(pos + 1, close);
      if (inside === "*") steps.push({ kind: "each" });
      else if (/^\d+$/.test(inside)) steps.push({ kind: "index", index: Number(inside) });
      else if (/^['"]/.test(inside)) return fail(`bracket notation for names is not supported: write .${inside.replace(/^['"]|['"]$/g, "")}`);
      else if (/^-\d+$/.test(inside)) return fail("negative array indexes are not supported");
      else if (inside.includes(":")) return fail("array slices are not supported");
      else if (inside.startsWith("?")) return fail("filter expressions are not supported");
      else return fail(`[${inside}] is not an array index: use [0], [1], ... or [*]`);
      pos = close + 1;
    } else {
      return fail(`${JSON.stringify(c)} at character ${pos + 1}: expected .name or [index]`);
    }
  }
  return { ok: true, path: { text, steps, many: steps.some((s) => s.kind === "each") } };
}

/** What a path reads from an event. */
export type PathValue = { found: true; value: unknown } | { found: false };

/**
 * Reads the path from the event. A path with `[*]` always finds a list (empty when
 * nothing matches), as JSONPath's indefinite paths do; a definite path finds one value
 * or nothing (a name on a non-object, an index past the end).
 */
export function readInputPath(path: InputPathExpression, root: unknown): PathValue {
  let values: unknown[] = [root];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const value of values) {
      if (step.kind === "name") {
        if (isJsonObject(value) && Object.prototype.hasOwnProperty.call(value, step.name)) next.push(value[step.name]);
      } else if (Array.isArray(value)) {
        if (step.kind === "each") next.push(...value);
        else if (step.index < value.length) next.push(value[step.index]);
      }
    }
    values = next;
  }
  if (path.many) return { found: true, value: values };
  return values.length === 0 ? { found: false } : { found: true, value: values[0] };
}
