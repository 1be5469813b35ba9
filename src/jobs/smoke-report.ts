import type { ChalkInstance } from "chalk";
import type { Diagnosis } from "../model/finding.js";
import { formatDuration } from "../util/duration.js";
import type { JobOutcome } from "./render.js";
import { describeState } from "./render.js";
import type { JobStatus } from "./status.js";

/** The report formats a diagnosis renders in (the check feature's `renderReport`). */
export type ReportFormat = "pretty" | "json" | "markdown" | "junit";

/** The check feature's renderer, as smoke embeds it. */
export type RenderReportFn = (format: ReportFormat, diagnosis: Diagnosis, options: { chalk: ChalkInstance; columns: number; command?: string }) => string;

/** How a smoke run ended: a wait's outcome, or no job at all. */
export type SmokeOutcome = Exclude<JobOutcome, "running"> | "not_submitted";

/** Everything a smoke run found, as plain data for the renderers. */
export interface SmokeReport {
  api: { name: string; url: string };
  /** Undefined when the submit failed. */
  id: string | undefined;
  last: JobStatus | undefined;
  outcome: SmokeOutcome;
  /** Why the submit failed, when it did. */
  submitError: string | undefined;
  submitMs: number;
  elapsedMs: number;
  timeoutMs: number;
  stuckAfterMs: number;
  stuck: { elapsedMs: number; status: JobStatus } | undefined;
  diagnosis: Diagnosis | undefined;
  /** Why the diagnosis could not run, when it could not. */
  diagnosisError: string | undefined;
  /** The last status read failure, when the wait ended on one. */
  problem: string | undefined;
  statusUrl: string | undefined;
}

/** The one JSON document `smoke --format json` prints: the job's fields, then the diagnosis. */
export function smokeDocument(report: SmokeReport): Record<string, unknown> {
  const last = report.last;
  return {
    id: report.id ?? null,
    status: last?.status ?? null,
    phase: last?.phase ?? null,
    progress: last?.progress ?? null,
    outcome: report.outcome,
    error: report.submitError ?? last?.error ?? null,
    resultId: last?.resultId ?? null,
    elapsedMs: Math.round(report.elapsedMs),
    api: report.api.name,
    apiUrl: report.api.url,
    statusUrl: report.statusUrl ?? null,
    timeoutMs: report.timeoutMs,
    stuckAfterMs: report.stuckAfterMs,
    stuck: report.stuck ? { elapsedMs: Math.round(report.stuck.elapsedMs), status: report.stuck.status.status, phase: report.stuck.status.phase } : null,
    diagnosis: report.diagnosis ?? null,
    diagnosisError: report.diagnosisError ?? null,
    response: last?.response ?? null,
  };
}

/** One line saying how the job ended, for summaries and failure messages. */
export function describeOutcome(report: SmokeReport): string {
  const id = report.id ?? "(none)";
  switch (report.outcome) {
    case "completed":
      return `job ${id} completed in ${formatDuration(report.elapsedMs)}`;
    case "failed":
      return `job ${id} failed after ${formatDuration(report.elapsedMs)}: ${report.last?.error ?? "(the API gave no error text)"}`;
    case "stuck":
      return `job ${id} stuck in ${describeState(report.stuck?.status ?? report.last)} for ${formatDuration(report.stuck?.elapsedMs ?? report.elapsedMs)} (--stuck-after ${formatDuration(report.stuckAfterMs)})`;
    case "timed_out":
      return `job ${id} did not finish within ${formatDuration(report.timeoutMs)} (last seen ${describeState(report.last)})`;
    case "interrupted":
      return `stopped following job ${id} after ${formatDuration(report.elapsedMs)} (interrupted)`;
    case "not_submitted":
      return `the job could not be submitted: ${report.submitError ?? "unknown error"}`;
  }
}

/** "rule.state: the rule is disabled" */
export function describeRootCause(diagnosis: Diagnosis | undefined): string | undefined {
  return diagnosis?.rootCause ? `${diagnosis.rootCause.id}: ${diagnosis.rootCause.title}` : undefined;
}

function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function seconds(ms: number): string {
  return (ms / 1_000).toFixed(3);
}

/**
 * JUnit XML: a suite with "job submitted" and "job completed", then the diagnosis's own
 * suites (its findings as test cases) when the job was stuck.
 */
export function renderSmokeJunit(report: SmokeReport, diagnosisJunit: string | undefined): string {
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  if (report.outcome === "not_submitted") {
    errors++;
    cases.push(`    <testcase classname="smoke" name="job submitted" time="${seconds(report.submitMs)}">\n      <error message="${xml(report.submitError ?? "submit failed")}" type="not_submitted"/>\n    </testcase>`);
    skipped++;
    cases.push(`    <testcase classname="smoke" name="job completed" time="0.000">\n      <skipped message="no job was submitted"/>\n    </testcase>`);
  } else {
    cases.push(`    <testcase classname="smoke" name="job submitted" time="${seconds(report.submitMs)}">\n      <system-out>${xml(`job ${report.id ?? ""}`)}</system-out>\n    </testcase>`);
    const time = seconds(report.elapsedMs);
    if (report.outcome === "completed") {
      cases.push(`    <testcase classname="smoke" name="job completed" time="${time}"/>`);
    } else {
      failures++;
      const root = describeRootCause(report.diagnosis);
      const body = [describeOutcome(report), root ? `root cause ${root}` : undefined, report.diagnosis?.rootCause?.fix ? `fix: ${report.diagnosis.rootCause.fix}` : undefined, report.diagnosisError ? `the pipeline diagnosis could not run: ${report.diagnosisError}` : undefined]
        .filter((line): line is string => line !== undefined)
        .join("\n");
      cases.push(
        `    <testcase classname="smoke" name="job completed" time="${time}">\n      <failure message="${xml(describeOutcome(report))}" type="${report.outcome}">${xml(body)}</failure>\n    </testcase>`,
      );
    }
  }
  const own = `  <testsuite name="course-doctor smoke" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(report.elapsedMs)}">\n${cases.join("\n")}\n  </testsuite>`;
  const embedded = diagnosisJunit === undefined ? "" : innerSuites(diagnosisJunit);
  const totals = sumSuites(embedded);
  const tests = cases.length + totals.tests;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="course-doctor smoke" tests="${tests}" failures="${failures + totals.failures}" errors="${errors + totals.errors}" time="${seconds(report.elapsedMs)}">`,
    own,
    ...(embedded ? [embedded] : []),
    "</testsuites>",
    "",
  ].join("\n");
}

/** The <testsuite> elements of a JUnit document, without its XML declaration and <testsuites> root. */
export function innerSuites(document: string): string {
  const body = document.replace(/^\s*<\?xml[^>]*\?>\s*/, "").trim();
  const root = /^<testsuites\b[^>]*>([\s\S]*)<\/testsuites>$/.exec(body);
  if (root) return root[1]!.replace(/^\n+|\s+$/g, "");
  if (/^<testsuites\b[^>]*\/>$/.test(body)) return "";
  return body;
}

function sumSuites(suites: string): { tests: number; failures: number; errors: number } {
  const total = { tests: 0, failures: 0, errors: 0 };
  for (const match of suites.matchAll(/<testsuite\b([^>]*)>/g)) {
    const attributes = match[1]!;
    for (const key of ["tests", "failures", "errors"] as const) {
      const value = new RegExp(`\\b${key}="(\\d+)"`).exec(attributes)?.[1];
      if (value !== undefined) total[key] += Number(value);
    }
  }
  return total;
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replace(/\r?\n/g, " ");
}

const MARKDOWN_HEADLINE: Record<SmokeOutcome, string> = {
  completed: "✅ Smoke test passed",
  failed: "❌ Smoke test failed: the job failed",
  stuck: "❌ Smoke test failed: the job is stuck",
  timed_out: "⏱️ Smoke test failed: timed out",
  interrupted: "⚠️ Smoke test interrupted",
  not_submitted: "❌ Smoke test failed: the job could not be submitted",
};

/** A short Markdown write-up (for a PR comment or a CI summary), with the diagnosis when stuck. */
export function renderSmokeMarkdown(report: SmokeReport, diagnosisMarkdown: string | undefined): string {
  const rows: Array<[string, string]> = [
    ["API", `${report.api.name} — ${report.api.url}`],
    ["Job", report.id ? `\`${report.id}\`` : "—"],
  ];
  if (report.last) rows.push(["Status", describeState(report.last) + (report.last.progress !== null ? ` (${report.last.progress}%)` : "")]);
  if (report.outcome !== "not_submitted") rows.push(["Elapsed", `${formatDuration(report.elapsedMs)} (timeout ${formatDuration(report.timeoutMs)})`]);
  if (report.submitError) rows.push(["Error", report.submitError]);
  else if (report.last?.error) rows.push(["Error", report.last.error]);
  if (report.problem) rows.push(["Last read", report.problem]);
  const root = describeRootCause(report.diagnosis);
  if (root) rows.push(["Root cause", `\`${report.diagnosis!.rootCause!.id}\` ${report.diagnosis!.rootCause!.title}`]);
  const lines = [`## ${MARKDOWN_HEADLINE[report.outcome]}`, "", describeOutcome(report) + ".", "", "| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`)];
  if (report.stuck) {
    lines.push("", "### Pipeline diagnosis", "");
    if (diagnosisMarkdown !== undefined) lines.push(diagnosisMarkdown.trimEnd());
    else lines.push(`The diagnosis could not run: ${report.diagnosisError ?? "unknown error"}`);
  }
  return `${lines.join("\n")}\n`;
}
