/**
 * The EventBridge event-pattern engine: validate, match, explain and lint patterns, as
 * EventBridge (aws/event-ruler) does. Patterns and events are objects or JSON text.
 */
import { compileSubRules, type SubRule } from "./compile.js";
import { InvalidEventError } from "./errors.js";
import { explainSubRules, type MatchExplanation } from "./explain.js";
import { flattenEvent } from "./flatten.js";
import { matchSubRules } from "./match.js";
import { planRules, type FieldPlan } from "./plan.js";
import { EventValues, readEventValues } from "./scan.js";

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
  private readonly plan: FieldPlan;
  private readonly values: EventValues;
  constructor(private readonly rules: SubRule[]) {
    this.plan = planRules(rules);
    this.values = new EventValues(this.plan);
    this.fields = [...this.plan.keys].sort();
  }
  matches(event: object | string): boolean {
    const values = this.values;
    readEventValues(event, values);
    return matchSubRules(this.rules, values.values, values.members);
  }
  explain(event: object | string): MatchExplanation {
    // The event as matches() reads it, and in full for hints about other fields.
    return explainSubRules(this.rules, this.plan, flattenEvent(event, this.plan), flattenEvent(event));
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
