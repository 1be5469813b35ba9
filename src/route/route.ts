/**
 * Which of a bus's rules one event matches, the way the bus routes it, with the local
 * pattern engine: the rules it matches (state and all: a DISABLED rule matches but
 * delivers nothing), and for the enabled rules it misses, the field that stops each —
 * closest first. Pure: the rules and the event come in as data.
 */
import { compilePattern, RuleSet, type CompiledPattern, type FieldMismatch } from "../pattern/index.js";

/** One rule of the bus, as ListRules gives it. */
export interface BusRule {
  name: string;
  state: string;
  /** Null for a scheduled rule (no pattern). */
  eventPattern: string | null;
}

export interface RouteMatch {
  rule: string;
  state: string;
}

/** An enabled rule the event misses, and what stops it. */
export interface RouteMiss {
  rule: string;
  state: string;
  /** The first field that stops the rule (its dotted path). */
  field: string;
  /** Why, as `pattern test` explains it: 'expected one of ["A"], got "a" (differs only in case)'. */
  reason: string;
  /** The other fields that stop it too (empty for a rule a single field stops). */
  otherFields: string[];
}

/** A rule the local engine cannot compare the event with. */
export interface RouteSkip {
  rule: string;
  state: string;
  reason: string;
}

export interface Route {
  matches: RouteMatch[];
  misses: RouteMiss[];
  skipped: RouteSkip[];
  /** An enabled rule matches: the bus delivers the event somewhere. */
  taken: boolean;
}

/** How many misses `routeEvent` lists beyond those a single field stops. */
export const CLOSEST_MISSES = 10;

/** Rules that deliver: ENABLED, and ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS. */
export function isEnabled(state: string): boolean {
  return state.startsWith("ENABLED");
}

/** The bus's rules compiled once, for many events (`tail`) or one (`route`). */
export class BusRules {
  private readonly compiled = new Map<string, CompiledPattern>();
  private readonly set = new RuleSet();
  readonly skipped: RouteSkip[] = [];

  constructor(readonly rules: readonly BusRule[]) {
    for (const rule of rules) {
      if (rule.eventPattern === null) {
        this.skipped.push({ rule: rule.name, state: rule.state, reason: "a scheduled rule: events never trigger it" });
        continue;
      }
      try {
        this.compiled.set(rule.name, compilePattern(rule.eventPattern));
        this.set.add(rule.name, rule.eventPattern);
      } catch (error) {
        this.skipped.push({ rule: rule.name, state: rule.state, reason: `the local engine cannot read its pattern: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
  }

  /** The rules the event matches, in the bus's order, with their state. */
  matching(event: object): RouteMatch[] {
    const states = new Map(this.rules.map((rule) => [rule.name, rule.state]));
    return this.set.matchingRules(event).map((rule) => ({ rule, state: states.get(rule) ?? "ENABLED" }));
  }

  /**
   * The whole route of one event: every match, and the enabled rules it misses — every
   * one that a single field stops, then the next closest until `closest` are listed.
   */
  route(event: object, closest = CLOSEST_MISSES): Route {
    const matches = this.matching(event);
    const matched = new Set(matches.map((m) => m.rule));
    const candidates: Array<{ rule: BusRule; mismatches: FieldMismatch[]; order: number }> = [];
    this.rules.forEach((rule, order) => {
      const compiled = this.compiled.get(rule.name);
      if (!compiled || matched.has(rule.name) || !isEnabled(rule.state)) return;
      const explanation = compiled.explain(event);
      // The engine's matcher and explainer agree; a rule explain() calls a match is not a miss.
      if (!explanation.matches) candidates.push({ rule, mismatches: explanation.mismatches, order });
    });
    candidates.sort((a, b) => a.mismatches.length - b.mismatches.length || a.order - b.order);
    const single = candidates.filter((c) => c.mismatches.length === 1).length;
    const misses = candidates.slice(0, Math.max(single, closest)).map(({ rule, mismatches }) => missOf(rule, mismatches));
    return { matches, misses, skipped: [...this.skipped], taken: matches.some((m) => isEnabled(m.state)) };
  }
}

function missOf(rule: BusRule, mismatches: FieldMismatch[]): RouteMiss {
  const [first, ...others] = mismatches;
  const field = first?.path ?? "";
  const message = first?.message ?? "the event does not match the pattern";
  const reason = message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
  return { rule: rule.name, state: rule.state, field, reason, otherFields: others.map((m) => m.path) };
}
