import { InvalidPatternError, lintPattern, validatePattern, type LintIssue } from "../pattern/index.js";
import type { Snapshot } from "../model/snapshot.js";
import { appEventOf } from "./app-event.js";
import { awsCommand, finding, plural, regionOf, sh, skipped, unresolvedFinding, type Check } from "./support.js";

/** The rule's pattern, read and validated once for every check that needs it. */
export type RulePattern =
  | { kind: "none"; schedule?: string }
  | { kind: "not-json"; text: string; message: string }
  | { kind: "invalid"; text: string; path: string; reason: string }
  | { kind: "valid"; text: string; pattern: Record<string, unknown> };

/** Reads the rule's pattern; null when there is no rule. */
export function readRulePattern(snapshot: Snapshot): RulePattern | null {
  if (!snapshot.rule.ok) return null;
  const { eventPattern, scheduleExpression } = snapshot.rule.value;
  if (eventPattern === undefined || eventPattern === "") {
    return scheduleExpression ? { kind: "none", schedule: scheduleExpression } : { kind: "none" };
  }
  let pattern: unknown;
  try {
    pattern = JSON.parse(eventPattern);
  } catch (error) {
    return { kind: "not-json", text: eventPattern, message: (error as Error).message };
  }
  try {
    // The engine reads the text itself, keeping numbers exactly as written (300 vs 3.0e2).
    validatePattern(eventPattern);
  } catch (error) {
    if (error instanceof InvalidPatternError) return { kind: "invalid", text: eventPattern, path: error.path, reason: error.reason };
    throw error;
  }
  return { kind: "valid", text: eventPattern, pattern: pattern as Record<string, unknown> };
}

/** The fields a pattern names, as dotted paths: "source", "detail-type", "detail.status". */
export function patternFields(pattern: unknown, prefix = ""): string[] {
  if (!pattern || typeof pattern !== "object" || Array.isArray(pattern)) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    if (key === "$or" && Array.isArray(value)) {
      for (const branch of value) out.push(...patternFields(branch, prefix));
      continue;
    }
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) out.push(path);
    else out.push(...patternFields(value, path));
  }
  return [...new Set(out)];
}

/** The literal sources a pattern allows, or null when it allows others too (operators, no source). */
function literalSources(pattern: Record<string, unknown>): string[] | null {
  const source = pattern.source;
  if (!Array.isArray(source) || source.length === 0) return null;
  const out: string[] = [];
  for (const value of source) {
    if (typeof value === "string") out.push(value);
    else if (value && typeof value === "object" && typeof (value as { prefix?: unknown }).prefix === "string") {
      out.push(`${(value as { prefix: string }).prefix}*`);
    } else return null;
  }
  return out;
}

function listFields(fields: string[]): string {
  return fields.length <= 6 ? fields.join(", ") : `${fields.slice(0, 6).join(", ")}, … (${fields.length} fields)`;
}

/**
 * Lint codes `check` leaves out: the size quota (the service already accepted the rule),
 * the sample event not matching (event.matches says it, field by field), and "aws."
 * sources, legitimate on the default bus and handled below for a custom bus.
 */
const IGNORED_LINT = new Set(["pattern-size", "sample-does-not-match", "aws-source"]);

/** "$.detail.status[0]" → "detail.status[0]". */
function fieldPath(path: string): string {
  return path.replace(/^\$\.?/, "") || "(whole pattern)";
}

/** The pattern is valid EventBridge syntax and free of known mistakes. */
export const rulePatternCheck: Check = {
  id: "rule.pattern",
  title: "the pattern is valid EventBridge syntax and free of known mistakes",
  run(snapshot) {
    const read = readRulePattern(snapshot);
    if (!read) return [skipped("rule.pattern", "no rule to read (see rule.exists)")];
    const unknown = unresolvedFinding(snapshot, "rule.pattern", "rule.eventPattern", "the rule's EventPattern");
    if (unknown) return [unknown];
    const rule = snapshot.rule.ok ? snapshot.rule.value : null;
    if (read.kind === "none") {
      if (read.schedule) {
        return [
          finding("rule.pattern", "pass", `no pattern: a scheduled rule (${read.schedule})`, {
            detail: "A scheduled rule runs on its schedule; published events never trigger it.",
            evidence: { scheduleExpression: read.schedule },
          }),
        ];
      }
      return [
        finding("rule.pattern", "warn", "neither a pattern nor a schedule: the rule never runs", {
          evidence: { rule: rule?.arn ?? null },
          fix: `Give it the pattern of the events it should route: ${awsCommand(
            ["events", "put-rule"],
            [["--name", rule?.name], ["--event-bus-name", rule?.busName], ["--event-pattern", '{"source":["..."]}'], ["--region", regionOf(snapshot)]],
          )}`,
        }),
      ];
    }
    if (read.kind === "not-json") {
      return [
        finding("rule.pattern", "fail", `not JSON: ${read.message}`, {
          evidence: { eventPattern: read.text },
          fix: "Store the pattern as a JSON object (put-rule --event-pattern).",
        }),
      ];
    }
    if (read.kind === "invalid") {
      return [
        finding("rule.pattern", "fail", `invalid at ${fieldPath(read.path)}: ${read.reason}`, {
          detail: "EventBridge would reject this pattern (InvalidEventPatternException).",
          evidence: { eventPattern: read.text, path: read.path, reason: read.reason },
          fix: `Correct the pattern at ${fieldPath(read.path)} (${read.reason}), and check it offline before put-rule: course-doctor pattern lint ${sh(read.text)}`,
        }),
      ];
    }

    const app = appEventOf(snapshot);
    const sampleEvent = app?.ok ? app.event : undefined;
    const problems: LintIssue[] = lintPattern(read.text, sampleEvent ? { sampleEvent } : {}).filter((issue) => !IGNORED_LINT.has(issue.code));
    const sources = literalSources(read.pattern);
    const bus = rule?.busName ?? "default";
    if (sources && bus !== "default" && !bus.startsWith("aws.partner/") && sources.every((s) => s.startsWith("aws.") && !s.startsWith("aws.partner/"))) {
      problems.push({
        severity: "warning",
        path: "source",
        code: "aws-source-on-custom-bus",
        message: `it matches events from AWS services (${sources.join(", ")}), which reach only the default bus, not ${bus}`,
      });
    }

    const fields = patternFields(read.pattern);
    const evidence: Record<string, unknown> = { eventPattern: read.text, fields };
    if (problems.length === 0) return [finding("rule.pattern", "pass", `valid: ${listFields(fields)}`, { evidence })];

    evidence.problems = problems;
    const errors = problems.filter((p) => p.severity === "error");
    const worst = errors[0] ?? problems[0]!;
    const lines = problems.map((p) => `${p.severity} at ${fieldPath(p.path)}: ${p.message}`);
    const status = errors.length > 0 ? "fail" : "warn";
    const count = errors.length > 0 ? plural(errors.length, "error") : plural(problems.length, "warning");
    return [
      finding("rule.pattern", status, `${count}: ${fieldPath(worst.path)}: ${worst.message}`, {
        detail: lines.join("\n"),
        evidence,
        fix: `Change the rule's pattern: ${problems.map((p) => `at ${fieldPath(p.path)}, ${p.message}`).join("; ")}.`,
      }),
    ];
  },
};
