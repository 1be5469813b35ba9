/**
 * Lint for event patterns: the first syntax error (with its JSON path) and warnings for
 * mistakes EventBridge accepts silently but that make a rule never (or always) match.
 * Codes are stable and kebab-case; tools may key on them.
 */
import { compileSubRules, readPattern, type CompiledField, type SubRule } from "./compile.js";
import { InvalidPatternError, jsonPath } from "./errors.js";
import { flattenEvent, ValueKind } from "./flatten.js";
import { RawNumber } from "./json.js";
import { explainSubRules } from "./explain.js";
import { planRules } from "./plan.js";

/** One finding of the linter. */
export interface LintIssue {
  severity: "error" | "warning";
  /** JSON path into the pattern, e.g. "$.detail.status[0]". */
  path: string;
  /** Stable kebab-case code, e.g. "detail-type-key". */
  code: string;
  message: string;
}

/** Options for `lintPattern`. */
export interface LintOptions {
  /** An event the rule is meant to match (full event or the app's event), to cross-check types. */
  sampleEvent?: unknown;
}

/** Default EventBridge quota for the pattern's size in characters (adjustable up to 4096). */
export const PATTERN_SIZE_QUOTA = 2048;

const ENVELOPE = ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"];

/** Lints a pattern (object or JSON text). Never throws for a bad pattern: that is an error issue. */
export function lintPattern(pattern: unknown, options: LintOptions = {}): LintIssue[] {
  const issues: LintIssue[] = [];
  let root: unknown;
  try {
    root = readPattern(pattern);
  } catch (error) {
    if (error instanceof InvalidPatternError) return [{ severity: "error", path: error.path, code: "invalid-json", message: error.reason }];
    throw error;
  }
  let rules: SubRule[] | undefined;
  try {
    rules = compileSubRules(root);
  } catch (error) {
    if (!(error instanceof InvalidPatternError)) throw error;
    issues.push({ severity: "error", path: error.path, code: "invalid-pattern", message: error.reason });
  }
  if (typeof root === "object" && root !== null && !Array.isArray(root)) walk(root as Record<string, unknown>, [], issues, true);
  const size = typeof pattern === "string" ? pattern.length : safeLength(root);
  if (size > PATTERN_SIZE_QUOTA) {
    issues.push({
      severity: "warning",
      path: "$",
      code: "pattern-size",
      message: `the pattern is ${size} characters; EventBridge's default quota is ${PATTERN_SIZE_QUOTA} (4096 at most, after a quota increase)`,
    });
  }
  if (rules && options.sampleEvent !== undefined) lintAgainstSample(rules, options.sampleEvent, issues);
  return issues;
}

function safeLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}

function walk(obj: Record<string, unknown>, segs: (string | number)[], issues: LintIssue[], top: boolean): void {
  if (segs.length > 64) return;
  for (const [key, value] of Object.entries(obj)) {
    const here = [...segs, key];
    const path = jsonPath(here);
    if (key === "$or" && Array.isArray(value)) {
      value.forEach((branch, i) => {
        if (typeof branch === "object" && branch !== null && !Array.isArray(branch)) walk(branch as Record<string, unknown>, [...here, i], issues, top);
      });
      continue;
    }
    if (key !== key.trim()) {
      issues.push({ severity: "warning", path, code: "key-whitespace", message: `the key ${JSON.stringify(key)} has leading or trailing spaces; event keys rarely do` });
    }
    if (top) {
      const squashed = key.toLowerCase().replace(/[-_\s]/g, "");
      if (squashed === "detailtype" && key !== "detail-type") {
        issues.push({ severity: "warning", path, code: "detail-type-key", message: `events carry "detail-type", not ${JSON.stringify(key)}; this field never matches (PutEvents' DetailType becomes "detail-type")` });
      } else if (key !== "detail-type" && ENVELOPE.includes(key.toLowerCase()) && key !== key.toLowerCase()) {
        issues.push({ severity: "warning", path, code: "envelope-key-case", message: `keys are case-sensitive: events carry "${key.toLowerCase()}", not ${JSON.stringify(key)}` });
      } else if (key === "detail" && Array.isArray(value)) {
        issues.push({ severity: "warning", path, code: "detail-not-object", message: `"detail" is an object in every event; match the fields inside it, e.g. {"detail": {"status": ["done"]}}` });
      }
    }
    if (key.includes(".") && key !== "$or") {
      issues.push({ severity: "warning", path, code: "dotted-key", message: `${JSON.stringify(key)} contains a dot: EventBridge treats it as nested keys (${key.split(".").join(" → ")}), which may not be what you meant` });
    }
    if (Array.isArray(value)) lintValues(key, value, here, issues, top);
    else if (typeof value === "object" && value !== null && !(value instanceof RawNumber)) walk(value as Record<string, unknown>, here, issues, false);
  }
}

function lintValues(key: string, values: unknown[], segs: (string | number)[], issues: LintIssue[], top: boolean): void {
  values.forEach((value, i) => {
    const path = jsonPath([...segs, i]);
    if (typeof value === "string") {
      const star = value.indexOf("*");
      if (value.length > 1 && star === value.length - 1) {
        issues.push({ severity: "warning", path, code: "literal-wildcard", message: `${JSON.stringify(value)} matches only that exact text, star included; for "starts with" write {"prefix": ${JSON.stringify(value.slice(0, -1))}}` });
      } else if (value.length > 1 && star === 0 && value.lastIndexOf("*") === 0) {
        issues.push({ severity: "warning", path, code: "literal-wildcard", message: `${JSON.stringify(value)} matches only that exact text, star included; for "ends with" write {"suffix": ${JSON.stringify(value.slice(1))}}` });
      } else if (star > 0) {
        issues.push({ severity: "warning", path, code: "literal-wildcard", message: `${JSON.stringify(value)} matches only that exact text, star included; write {"wildcard": ${JSON.stringify(value)}} for a pattern` });
      }
      if (value !== value.trim()) {
        issues.push({ severity: "warning", path, code: "value-whitespace", message: `${JSON.stringify(value)} has leading or trailing spaces, which must then be in the event too` });
      }
      if (top && key === "source" && value.startsWith("aws.")) {
        issues.push({ severity: "warning", path, code: "aws-source", message: `sources starting with "aws." are reserved for AWS services: an application's own events (PutEvents) cannot use ${JSON.stringify(value)}, so a rule for custom events with it never fires` });
      }
    } else if (typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof RawNumber)) {
      const op = value as Record<string, unknown>;
      if (op.prefix === "") {
        issues.push({ severity: "warning", path, code: "empty-prefix", message: `{"prefix": ""} matches every string value; use {"exists": true} if that is the intent` });
      }
      if (typeof op.prefix === "string" && top && key === "source" && op.prefix.startsWith("aws.")) {
        issues.push({ severity: "warning", path, code: "aws-source", message: `sources starting with "aws." are reserved for AWS services; custom events cannot use them` });
      }
      if (typeof op.wildcard === "string") {
        const stars = (op.wildcard.replace(/\\[\\*]/g, "").match(/\*/g) ?? []).length;
        if (stars >= 4) {
          issues.push({ severity: "warning", path, code: "wildcard-complexity", message: `${stars} wildcards in one value: EventBridge may reject the rule as too complex; a prefix or suffix is cheaper` });
        }
        if (stars === 0) {
          issues.push({ severity: "warning", path, code: "wildcard-without-star", message: `the wildcard has no "*", so it is an exact match` });
        }
      }
    }
  });
}

function lintAgainstSample(rules: SubRule[], sample: unknown, issues: LintIssue[]): void {
  const plan = planRules(rules);
  let flat;
  let full;
  try {
    flat = flattenEvent(sample, plan);
    full = flattenEvent(sample);
  } catch {
    return;
  }
  const seen = new Set<string>();
  for (const rule of rules) {
    for (const field of rule.fields) {
      if (seen.has(field.path)) continue;
      seen.add(field.path);
      const values = flat.fields.get(field.key);
      if (!values) continue;
      lintFieldTypes(field, values.map((v) => v.kind), issues);
    }
  }
  const explanation = explainSubRules(rules, plan, flat, full);
  if (!explanation.matches) {
    issues.push({
      severity: "warning",
      path: "$",
      code: "sample-does-not-match",
      message: `the sample event does not match: ${explanation.mismatches.map((m) => m.message).join("; ")}`,
    });
  }
}

function lintFieldTypes(field: CompiledField, kinds: ValueKind[], issues: LintIssue[]): void {
  const holdsString = kinds.includes(ValueKind.String);
  const holdsNumber = kinds.includes(ValueKind.Number);
  if (holdsString && !holdsNumber) {
    if (field.matchers.some((m) => m.kind === "numeric")) {
      issues.push({ severity: "warning", path: field.path, code: "numeric-on-string", message: `numeric matching on ${field.key}, but the sample event holds it as a string; numeric only matches JSON numbers` });
    }
    if (field.matchers.some((m) => m.kind === "number" || m.kind === "raw-number")) {
      issues.push({ severity: "warning", path: field.path, code: "number-vs-string", message: `${field.key} is matched against a number, but the sample event holds a string ("5" never equals 5)` });
    }
  }
  if (holdsNumber && !holdsString && field.matchers.some((m) => m.kind === "string" && m.value.trim() !== "" && Number.isFinite(Number(m.value)))) {
    issues.push({ severity: "warning", path: field.path, code: "string-vs-number", message: `${field.key} is matched against a numeric string, but the sample event holds a number (5 never equals "5")` });
  }
}
