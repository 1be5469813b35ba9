/**
 * From findings to a verdict: order them causally, pick the root cause, count, and tie
 * later symptoms (empty metrics, no logs) to the cause that explains them.
 */
import { ExitCode } from "./errors.js";
import {
  FINDING_IDS,
  VERDICT_CHECKS,
  type Diagnosis,
  type DiagnosisStatus,
  type DiagnosisTarget,
  type Finding,
  type FindingId,
  type FindingStatus,
  type RootCause,
} from "./model/finding.js";

export interface DiagnoseOptions {
  target: DiagnosisTarget;
  durationMs: number;
  /** Warnings and checks that could not run fail the run too. */
  strict: boolean;
  /** Notes that are not findings (metric lag, emulator limits, what was not collected). */
  notes?: string[];
}

const CONSISTENT = " — consistent with the cause above";

/** Causes that keep events from matching the rule. */
const BEFORE_MATCHING: FindingId[] = ["bus.exists", "rule.exists", "rule.state", "rule.pattern", "event.valid", "event.matches", "bus.policy", "publisher.bus", "publisher.permission"];
/** Causes that keep matched events from reaching the target (target.input: a payload EventBridge will not deliver). */
const BEFORE_DELIVERY: FindingId[] = ["targets.present", "target.exists", "target.permission", "target.role", "target.encryption", "target.input"];
/** Causes that lose events after the target accepted them (Lambda's asynchronous queue). */
const AFTER_ACCEPTANCE: FindingId[] = ["target.async"];

/**
 * Which root causes explain which symptoms. A symptom explained by the root cause is
 * not a second problem: the reader should see it as one more sign of the same one.
 */
const EXPLAINED_BY: Array<{ symptom: FindingId; statuses: FindingStatus[]; causes: FindingId[] }> = [
  { symptom: "metrics.matched", statuses: ["warn"], causes: BEFORE_MATCHING },
  { symptom: "metrics.delivery", statuses: ["warn", "fail"], causes: BEFORE_DELIVERY },
  // INVALID_JSON dead letters are what an undeliverable payload leaves behind.
  { symptom: "target.dlq", statuses: ["fail"], causes: ["target.exists", "target.permission", "target.role", "target.encryption", "target.input"] },
  // Throttles are how Lambda's queue fills and drops events.
  { symptom: "metrics.errors", statuses: ["warn"], causes: ["target.exists", ...AFTER_ACCEPTANCE] },
  // "No logs yet": the function never ran, which anything upstream explains.
  { symptom: "logs.errors", statuses: ["warn"], causes: [...BEFORE_MATCHING, ...BEFORE_DELIVERY, ...AFTER_ACCEPTANCE] },
  { symptom: "logs.errors", statuses: ["fail"], causes: ["metrics.errors"] },
];

function rank(id: FindingId): number {
  const index = FINDING_IDS.indexOf(id);
  return index === -1 ? FINDING_IDS.length : index;
}

/** Findings in causal order (stable: per-target findings keep their order). */
export function orderFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => rank(a.finding.id) - rank(b.finding.id) || a.index - b.index)
    .map((x) => x.finding);
}

/**
 * Marks the findings after `cause` that it explains ("0 matched ... — consistent with
 * the cause above"). Returns new findings; the input is not changed.
 */
export function crossReference(findings: readonly Finding[], cause: Finding): Finding[] {
  const causeIndex = findings.indexOf(cause);
  return findings.map((f, index) => {
    if (index <= causeIndex || f.id === cause.id) return f;
    const explained = EXPLAINED_BY.some((e) => e.symptom === f.id && e.statuses.includes(f.status) && e.causes.includes(cause.id));
    if (!explained || f.title.endsWith(CONSISTENT)) return f;
    const note = `Consistent with the root cause above (${cause.id}): fix that first.`;
    return { ...f, title: `${f.title}${CONSISTENT}`, detail: f.detail ? `${note}\n${f.detail}` : note };
  });
}

/** The root cause's title, naming the target it is about when the title alone does not ("it"). */
function causeTitle(cause: Finding): string {
  return cause.subject && !cause.title.includes(cause.subject) ? `${cause.subject}: ${cause.title}` : cause.title;
}

function countByStatus(findings: readonly Finding[]): Record<FindingStatus, number> {
  const summary: Record<FindingStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const f of findings) summary[f.status]++;
  return summary;
}

/** The first check the verdict rests on that could not run, when nothing failed. */
function blockerOf(ordered: readonly Finding[]): Finding | undefined {
  if (ordered.some((f) => f.status === "fail")) return undefined;
  return ordered.find((f) => f.status === "error" && VERDICT_CHECKS.includes(f.id));
}

/**
 * The three outcomes, never blurred: fail (a root cause); unknown (nothing failed, but a
 * check the verdict rests on could not run); pass / warn (the chain was read). --strict
 * makes warn fail; it cannot make unknown known.
 */
function statusOf(ordered: readonly Finding[], summary: Record<FindingStatus, number>, strict: boolean): DiagnosisStatus {
  if (summary.fail > 0) return "fail";
  if (blockerOf(ordered)) return "unknown";
  if (summary.warn > 0 || summary.error > 0) return strict ? "fail" : "warn";
  return "pass";
}

/**
 * The diagnosis: the root cause is the first `fail` in causal order. With `strict`, a
 * run without any `fail` takes its first warn or error as the root cause instead. An
 * `unknown` run names what blocked it instead of a root cause.
 */
export function diagnose(findings: readonly Finding[], options: DiagnoseOptions): Diagnosis {
  let ordered = orderFindings(findings);
  const summary = countByStatus(ordered);
  const status = statusOf(ordered, summary, options.strict);
  let cause = ordered.find((f) => f.status === "fail");
  if (cause) ordered = crossReference(ordered, cause);
  else if (options.strict && status === "fail") cause = ordered.find((f) => f.status === "warn" || f.status === "error");
  const blocker = status === "unknown" ? blockerOf(ordered) : undefined;
  const rootCause: RootCause | null = cause ? { id: cause.id, title: causeTitle(cause), fix: cause.fix ?? null } : null;
  return {
    schemaVersion: 1,
    status,
    rootCause,
    blockedBy: blocker ? { id: blocker.id, title: causeTitle(blocker), fix: blocker.fix ?? null } : null,
    findings: ordered,
    target: options.target,
    durationMs: options.durationMs,
    summary,
    notes: [...new Set(options.notes ?? [])],
  };
}

/** The exit code of each outcome: the same whatever the format. */
export function exitCodeFor(diagnosis: Pick<Diagnosis, "status">): number {
  switch (diagnosis.status) {
    case "fail":
      return ExitCode.Problems;
    case "unknown":
      return ExitCode.CannotRun;
    default:
      return ExitCode.Ok;
  }
}

/** The worst of several outcomes (`check --all`): fail over unknown over warn over pass. */
export function worstStatus(statuses: Iterable<DiagnosisStatus>): DiagnosisStatus {
  const rank: Record<DiagnosisStatus, number> = { pass: 0, warn: 1, unknown: 2, fail: 3 };
  let worst: DiagnosisStatus = "pass";
  for (const status of statuses) if (rank[status] > rank[worst]) worst = status;
  return worst;
}

/** The exit code of several outcomes: 1 over 2 over 0. */
export function exitCodeForAll(diagnoses: ReadonlyArray<Pick<Diagnosis, "status">>): number {
  return exitCodeFor({ status: worstStatus(diagnoses.map((d) => d.status)) });
}
