import type { PipelineMap } from "./pipeline-map.js";

/**
 * The finding ids, in causal order: when several fail, the first one is the root cause.
 * They are a public contract (DESIGN.md): keep them stable, add new ones freely.
 */
export const FINDING_IDS = [
  "aws.access",
  "bus.exists",
  "rule.exists",
  "rule.state",
  "rule.pattern",
  "event.valid",
  "event.matches",
  "bus.policy",
  "publisher.bus",
  "publisher.permission",
  "targets.present",
  "target.exists",
  "target.permission",
  "target.role",
  "target.encryption",
  "target.input",
  "target.async",
  "target.retry",
  "target.dlq",
  "bus.logs",
  "metrics.matched",
  "metrics.delivery",
  "metrics.errors",
  "logs.errors",
  "probe.accepted",
  "probe.matched",
  "probe.delivered",
] as const;

export type FindingId = (typeof FINDING_IDS)[number];

/**
 * pass: verified healthy. warn: suspicious, not proven broken. fail: broken.
 * skip: did not apply or its input was missing because of an earlier failure.
 * error: could not be checked (access denied, throttled, deadline, server error).
 */
export type FindingStatus = "pass" | "warn" | "fail" | "skip" | "error";

/** One verified fact about the pipeline, with what to do about it. Plain data: no colors. */
export interface Finding {
  id: FindingId;
  status: FindingStatus;
  /** One line, shown after the id: "ENABLED", "0 matched in the last 1h (EventBusName+RuleName)". */
  title: string;
  /** Longer explanation, when the title is not enough. */
  detail?: string;
  /** The facts the verdict rests on (ARNs, values seen, counts), as JSON. */
  evidence?: Record<string, unknown>;
  /** What to do, ready to paste where possible (an `aws ...` command built from real values). */
  fix?: string;
  /** What this finding is about when a check reports per item, e.g. the target id. */
  subject?: string;
}

/**
 * The overall verdict of a diagnosis. fail: a root cause was found. unknown: nothing
 * failed, but a check the verdict rests on could not run — could not tell, never
 * "healthy". pass/warn: the chain was read (warn: a peripheral check warned or could not run).
 */
export type DiagnosisStatus = "pass" | "warn" | "fail" | "unknown";

/**
 * The checks a verdict rests on: when one of them could not run and nothing failed, the
 * pipeline could not be diagnosed (DESIGN.md, "Three outcomes").
 */
export const VERDICT_CHECKS: readonly FindingId[] = [
  "aws.access",
  "bus.exists",
  "rule.exists",
  "rule.state",
  "targets.present",
  "target.exists",
  "target.permission",
  "target.role",
];

/** The first failing finding in causal order (or, for `unknown`, the first check the verdict rests on that could not run). */
export interface RootCause {
  id: FindingId;
  title: string;
  fix: string | null;
}

/** What a diagnosis is about. */
export interface DiagnosisTarget {
  region: string | null;
  account: string | null;
  bus: string;
  rule: string | null;
}

/** The result of `check` (and `probe`): the document `--format json` prints. */
export interface Diagnosis {
  schemaVersion: 1;
  status: DiagnosisStatus;
  rootCause: RootCause | null;
  /**
   * Set when the status is `unknown`: the first check the verdict rests on that could not
   * run, why, and what to do. Null otherwise.
   */
  blockedBy: RootCause | null;
  findings: Finding[];
  target: DiagnosisTarget;
  durationMs: number;
  /** How many findings have each status. */
  summary: Record<FindingStatus, number>;
  /** Notes that are not findings: metric lag, emulator limits, what was not collected. */
  notes: string[];
  /** The pipeline as read (publisher → bus → rule → targets), for the diagram of the markdown report. */
  map?: PipelineMap;
}

/** The result of `check --all`: one diagnosis per rule on the bus. */
export interface DiagnosisSet {
  schemaVersion: 1;
  /** The worst status among the rules. */
  status: DiagnosisStatus;
  bus: string;
  region: string | null;
  account: string | null;
  durationMs: number;
  rules: Diagnosis[];
}
