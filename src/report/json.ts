// The machine-readable document of DESIGN.md ("`check`"). Keys are written in one fixed
// order and every finding has the same keys, so scripts and diffs can rely on the shape.
import type { Diagnosis, DiagnosisSet, Finding, RootCause } from "../model/finding.js";
import { countFindings } from "./text.js";

/** One finding as the JSON document shows it: absent fields are null, never missing. */
export interface FindingJson {
  id: string;
  /** Only on findings a check reports per item (a target), right after the id. */
  subject?: string;
  status: string;
  title: string;
  detail: string | null;
  evidence: Record<string, unknown>;
  fix: string | null;
}

/** Puts a diagnosis in the schema's key order, with nulls for what is absent. */
export function diagnosisToJson(diagnosis: Diagnosis): Record<string, unknown> {
  const target = diagnosis.target;
  return {
    schemaVersion: diagnosis.schemaVersion,
    status: diagnosis.status,
    rootCause: causeJson(diagnosis.rootCause),
    blockedBy: causeJson(diagnosis.blockedBy ?? null),
    findings: diagnosis.findings.map(findingToJson),
    target: { region: target.region ?? null, account: target.account ?? null, bus: target.bus, rule: target.rule ?? null },
    durationMs: diagnosis.durationMs,
    // Counted from the findings so the summary can never disagree with them.
    summary: countFindings(diagnosis.findings),
    notes: [...(diagnosis.notes ?? [])],
  };
}

function causeJson(cause: RootCause | null): Record<string, unknown> | null {
  return cause === null ? null : { id: cause.id, title: cause.title, fix: cause.fix ?? null };
}

function findingToJson(finding: Finding): FindingJson {
  return {
    id: finding.id,
    ...(finding.subject !== undefined ? { subject: finding.subject } : {}),
    status: finding.status,
    title: finding.title,
    detail: finding.detail ?? null,
    evidence: finding.evidence ?? {},
    fix: finding.fix ?? null,
  };
}

// undefined inside evidence would silently vanish or become null depending on where it
// sits; BigInt would throw. Both are normalised so the document is always valid JSON.
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** Renders one diagnosis as the JSON document (2-space indent). */
export function renderJson(diagnosis: Diagnosis): string {
  return JSON.stringify(diagnosisToJson(diagnosis), replacer, 2);
}

/** Renders `check --all` as one JSON document holding every rule's diagnosis. */
export function renderJsonSet(set: DiagnosisSet): string {
  const document = {
    schemaVersion: set.schemaVersion,
    status: set.status,
    bus: set.bus,
    region: set.region ?? null,
    account: set.account ?? null,
    durationMs: set.durationMs,
    rules: set.rules.map(diagnosisToJson),
  };
  return JSON.stringify(document, replacer, 2);
}
