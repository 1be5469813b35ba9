/**
 * Why a pattern does not match an event, field by field, with the value seen and a hint
 * for the near misses people actually make (case, spaces, "5" vs 5, a field at another
 * path, a detail left as JSON text).
 */
import type { CompiledField, SubRule } from "./compile.js";
import { describeField, describeValue } from "./describe.js";
import { ValueKind, type FlatEvent, type FlatValue } from "./flatten.js";
import { fieldAccepts, matchSubRule, membersOf } from "./match.js";
import type { FieldPlan } from "./plan.js";

/** One field that did not match. */
export interface FieldMismatch {
  /** Dotted path of the field: "detail-type", "detail.status". */
  path: string;
  /** What the pattern accepts, e.g. 'one of ["Document Processing Required"]'. */
  expected: string;
  /** The value seen (an array when the event holds several); undefined when absent. */
  actual: unknown;
  /** Whether the event has the field at all. */
  present: boolean;
  /** A near-miss hint: "differs only in case", "surrounding spaces", ... */
  hint?: string;
  /** One full line, e.g. 'detail-type: expected one of ["A"], got "a" (differs only in case)'. */
  message: string;
}

/** The verdict and, when it is "no match", the fields that failed. */
export interface MatchExplanation {
  matches: boolean;
  /** Empty when `matches`; never empty otherwise. */
  mismatches: FieldMismatch[];
  /** For patterns with $or: which alternative came closest (0-based) out of how many. */
  closestAlternative?: { index: number; of: number };
}

/**
 * Explains a (non-)match of sub-rules whose field ids are those of `plan`. `event` is the
 * event as the matcher reads it (flattenEvent with the plan), `full` every field of it,
 * for hints about fields the pattern does not name.
 */
export function explainSubRules(rules: readonly SubRule[], plan: FieldPlan, event: FlatEvent, full: FlatEvent): MatchExplanation {
  const values = plan.keys.map((key) => event.fields.get(key) ?? []);
  const members = membersOf(values);
  for (const rule of rules) if (matchSubRule(rule, values, members)) return { matches: true, mismatches: [] };
  let best: FieldMismatch[] | undefined;
  let bestIndex = 0;
  rules.forEach((rule, index) => {
    const mismatches = explainSubRule(rule, event, full);
    if (best === undefined || mismatches.length < best.length) {
      best = mismatches;
      bestIndex = index;
    }
  });
  const result: MatchExplanation = { matches: false, mismatches: best ?? [] };
  if (rules.length > 1) result.closestAlternative = { index: bestIndex, of: rules.length };
  return result;
}

function explainSubRule(rule: SubRule, event: FlatEvent, full: FlatEvent): FieldMismatch[] {
  const out: FieldMismatch[] = [];
  for (const field of rule.fields) {
    const values = event.fields.get(field.key);
    if (values === undefined) {
      if (!field.absent) out.push(mismatch(field, undefined, full));
    } else if (!values.some((v) => fieldAccepts(field, v))) {
      out.push(mismatch(field, values, full));
    }
  }
  if (out.length === 0) {
    // Each field matches on its own, but only with values from different elements of one array.
    const keys = rule.fields.map((f) => f.key);
    out.push({
      path: keys.join(", "),
      expected: "values from the same array element",
      actual: undefined,
      present: true,
      hint: "array consistency",
      message: `${keys.join(", ")}: each field matches, but only with values taken from different elements of the same array; EventBridge requires them to come from one element`,
    });
  }
  return out;
}

function mismatch(field: CompiledField, values: FlatValue[] | undefined, event: FlatEvent): FieldMismatch {
  const expected = describeField(field);
  const actual = values === undefined ? undefined : values.length === 1 ? values[0]!.raw : values.map((v) => v.raw);
  const hint = values === undefined ? absentHint(field, event) : valueHint(field, values);
  const got = values === undefined ? "nothing (the field is absent)" : describeValue(actual);
  const result: FieldMismatch = {
    path: field.key,
    expected,
    actual,
    present: values !== undefined,
    message: `${field.key}: expected ${expected}, got ${got}${hint ? ` (${hint})` : ""}`,
  };
  if (hint) result.hint = hint;
  return result;
}

function squash(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, "");
}

function absentHint(field: CompiledField, event: FlatEvent): string | undefined {
  const keys = [...event.fields.keys()];
  const parentLeaf = keys.find((k) => field.key.startsWith(`${k}.`));
  if (parentLeaf !== undefined) {
    const value = event.fields.get(parentLeaf)![0]!;
    if (value.kind === ValueKind.String && /^\s*[{[]/.test(value.text)) {
      return `${parentLeaf} is a string holding JSON, not an object`;
    }
    return `${parentLeaf} is ${value.kind === ValueKind.String ? "a string" : "a plain value"}, not an object`;
  }
  const squashed = squash(field.key);
  const sameSquashed = keys.find((k) => k !== field.key && squash(k) === squashed);
  if (sameSquashed !== undefined) return `field present at ${sameSquashed}`;
  const last = field.key.split(".").pop()!;
  const sameLeaf = keys.filter((k) => k !== field.key && squash(k.split(".").pop()!) === squash(last));
  if (sameLeaf.length > 0) return `field present at ${sameLeaf.slice(0, 2).join(" and ")}`;
  return undefined;
}

function valueHint(field: CompiledField, values: FlatValue[]): string | undefined {
  if (field.matchers.length === 0 && field.absent) return "the pattern requires the field to be absent";
  for (const v of values) {
    for (const m of field.matchers) {
      if (v.kind === ValueKind.String) {
        const s = v.text;
        if (m.kind === "string" || m.kind === "ip") {
          const want = m.kind === "string" ? m.value : m.text;
          if (s.toLowerCase() === want.toLowerCase()) return "differs only in case";
          if (s.trim() === want) return "surrounding spaces";
          if (s.trim().toLowerCase() === want.toLowerCase()) return "differs in case and surrounding spaces";
        }
        if ((m.kind === "prefix" && s.toLowerCase().startsWith(m.value.toLowerCase())) || (m.kind === "suffix" && s.toLowerCase().endsWith(m.value.toLowerCase()))) {
          return "differs only in case";
        }
        if ((m.kind === "number" || m.kind === "numeric") && s.trim() !== "" && Number.isFinite(Number(s))) {
          return "number vs numeric string: the event holds a string, the pattern expects a number";
        }
        if (m.kind === "literal" && s === m.value) return `the event holds the string "${s}", the pattern expects the JSON literal ${m.value}`;
      } else if (v.kind === ValueKind.Number) {
        if (m.kind === "string" && m.value.trim() !== "" && Number(m.value) === v.num) {
          return "number vs numeric string: the event holds a number, the pattern expects a string";
        }
      } else if (m.kind === "string" && m.value === v.text) {
        return `the event holds the JSON literal ${v.text}, the pattern expects the string "${m.value}"`;
      }
    }
  }
  return undefined;
}
