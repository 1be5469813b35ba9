/**
 * The EventBridge event-pattern engine: validate, match, explain and lint patterns, as
 * EventBridge (aws/event-ruler) does. Patterns and events are objects or JSON text.
 */
import { compileSubRules, type SubRule } from "./compile.js";
import { InvalidEventError } from "./errors.js";
import { explainSubRules, type MatchExplanation } from "./explain.js";
import { flattenForMatching } from "./flatten.js";
import { matchSubRules } from "./match.js";

export { InvalidPatternError, InvalidEventError } from "./errors.js";
export type { FieldMismatch, MatchExplanation } from "./explain.js";
export { lintPattern, type LintIssue, type LintOptions } from "./lint.js";
export { RuleSet } from "./ruleset.js";
export { RawNumber, parseJson } from "./json.js";

/** A pattern compiled once for matching many events. */
export interface CompiledPattern {
  /** True when the event (object or JSON text) matches. */
  matches(event: object | string): boolean;
  /** The verdict with the fields that failed and why. */
  explain(event: object | string): MatchExplanation;
  /** The flattened field paths the pattern looks at, e.g. ["detail-type", "source"]. */
  readonly fields: readonly string[];
}

class Compiled implements CompiledPattern {
  readonly fields: readonly string[];
  private readonly wanted: Set<string>;
  constructor(private readonly rules: SubRule[]) {
    const keys = new Set<string>();
    for (const rule of rules) for (const f of rule.fields) keys.add(f.key);
    this.fields = [...keys].sort();
    this.wanted = new Set([...keys].flatMap((k) => k.split(".")));
  }
  matches(event: object | string): boolean {
    return matchSubRules(this.rules, flattenForMatching(event, this.wanted));
  }
  explain(event: object | string): MatchExplanation {
    // The same reading as matches(), without pruning: hints look at every field.
    return explainSubRules(this.rules, flattenForMatching(event, undefined));
  }
}

/** Compiles a pattern, or throws InvalidPatternError. */
export function compilePattern(pattern: object | string): CompiledPattern {
  return new Compiled(compileSubRules(pattern));
}

const cache = new Map<string, CompiledPattern>();

function compiledFor(pattern: object | string): CompiledPattern {
  if (typeof pattern !== "string") return compilePattern(pattern);
  let compiled = cache.get(pattern);
  if (!compiled) {
    compiled = compilePattern(pattern);
    if (cache.size >= 64) cache.delete(cache.keys().next().value as string);
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** Throws InvalidPatternError when EventBridge would reject the pattern. */
export function validatePattern(pattern: object | string): void {
  compileSubRules(pattern);
}

/**
 * True when the event matches the pattern. Throws InvalidPatternError for an invalid
 * pattern and InvalidEventError for an event that is not a JSON object.
 */
export function matchesPattern(pattern: object | string, event: object | string): boolean {
  return compiledFor(pattern).matches(event);
}

/** Like matchesPattern, with the fields that failed and why. */
export function explainMatch(pattern: object | string, event: object | string): MatchExplanation {
  return compiledFor(pattern).explain(event);
}

/** Type guard for callers that catch errors from this module. */
export function isInvalidEventError(error: unknown): error is InvalidEventError {
  return error instanceof InvalidEventError;
}
