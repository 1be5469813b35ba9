// JUnit XML for CI test reporters: one test case per finding, one suite per rule.
// A failing finding is a <failure>, one that could not run an <error>, a skipped one
// <skipped/>; a warning passes with its text in <system-out> unless `strict` is set.
import { VERDICT_CHECKS, type Diagnosis, type DiagnosisSet, type Finding } from "../model/finding.js";
import { countFindings, evidenceEntries, formatEvidenceValue } from "./text.js";

/** What the JUnit renderer reads from the options. */
export interface JunitOptions {
  /** --strict: warnings fail (as <failure>) like failures do. */
  strict?: boolean;
}

// Characters XML 1.0 forbids anywhere, even escaped: controls other than tab/LF/CR, lone
// surrogates, U+FFFE and U+FFFF. A terminal escape in a log line would otherwise make the
// whole report unreadable to the CI server.
const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for XML element content and attribute values, dropping illegal characters. */
export function escapeXml(text: string): string {
  return text
    .replace(ILLEGAL_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

// Attribute values lose their line breaks to whitespace normalisation; a message is one line.
function attribute(text: string): string {
  return escapeXml(text.replace(/\s*\r?\n\s*/g, " "));
}

function seconds(durationMs: number): string {
  return (Math.max(0, durationMs) / 1000).toFixed(3);
}

/** The classname of a rule's test cases: `course-doctor.check.<bus>.<rule>`. */
function suiteName(diagnosis: Diagnosis): string {
  return `course-doctor.check.${diagnosis.target.bus}.${diagnosis.target.rule ?? "(no rule)"}`;
}

function caseName(finding: Finding): string {
  return finding.subject ? `${finding.id} (${finding.subject})` : finding.id;
}

/** The body of a failure or error: detail, evidence and fix as plain text. */
function findingBody(finding: Finding): string {
  const parts: string[] = [finding.title];
  if (finding.detail) parts.push(finding.detail);
  const entries = evidenceEntries(finding.evidence);
  if (entries.length > 0) parts.push(["Evidence:", ...entries.map(([key, value]) => `  ${key}: ${formatEvidenceValue(value, 500)}`)].join("\n"));
  if (finding.fix) parts.push(`Fix:\n${finding.fix}`);
  return parts.join("\n\n");
}

interface SuiteCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function suiteCounts(diagnosis: Diagnosis, options: JunitOptions): SuiteCounts {
  const counts = countFindings(diagnosis.findings);
  const failingErrors = diagnosis.findings.filter((f) => f.status === "error" && (options.strict || VERDICT_CHECKS.includes(f.id))).length;
  return {
    tests: diagnosis.findings.length,
    failures: counts.fail + (options.strict ? counts.warn : 0),
    errors: failingErrors,
    skipped: counts.skip + counts.error - failingErrors,
  };
}

function renderCase(diagnosis: Diagnosis, finding: Finding, options: JunitOptions, indent: string): string[] {
  const open = `${indent}<testcase classname="${attribute(suiteName(diagnosis))}" name="${attribute(caseName(finding))}" time="0"`;
  const inner = `${indent}  `;
  const message = attribute(finding.title);
  const body = escapeXml(findingBody(finding));
  switch (finding.status) {
    case "pass":
      return [`${open}/>`];
    case "skip":
      return [`${open}>`, `${inner}<skipped message="${message}"/>`, `${indent}</testcase>`];
    case "fail":
      return [`${open}>`, `${inner}<failure message="${message}" type="${attribute(finding.id)}">${body}</failure>`, `${indent}</testcase>`];
    case "error":
      // A check the verdict rests on that could not run fails the job (exit 2), as does any
      // with --strict; a peripheral one is reported as skipped, since the run exits 0.
      if (options.strict || VERDICT_CHECKS.includes(finding.id)) {
        return [`${open}>`, `${inner}<error message="${message}" type="could-not-run">${body}</error>`, `${indent}</testcase>`];
      }
      return [`${open}>`, `${inner}<skipped message="${attribute(`could not run: ${finding.title}`)}"/>`, `${inner}<system-out>${body}</system-out>`, `${indent}</testcase>`];
    case "warn":
      if (options.strict) {
        return [`${open}>`, `${inner}<failure message="${attribute(`warning: ${finding.title}`)}" type="warning">${body}</failure>`, `${indent}</testcase>`];
      }
      return [`${open}>`, `${inner}<system-out>${escapeXml(`warning: ${findingBody(finding)}`)}</system-out>`, `${indent}</testcase>`];
  }
}

function renderSuite(diagnosis: Diagnosis, options: JunitOptions, indent: string): string[] {
  const counts = suiteCounts(diagnosis, options);
  const target = diagnosis.target;
  const properties: Array<[string, string]> = [
    ["bus", target.bus],
    ["rule", target.rule ?? ""],
    ["region", target.region ?? ""],
    ["account", target.account ?? ""],
    ["status", diagnosis.status],
    ["rootCause", diagnosis.rootCause?.id ?? ""],
  ];
  const lines = [
    `${indent}<testsuite name="${attribute(suiteName(diagnosis))}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(diagnosis.durationMs)}">`,
    `${indent}  <properties>`,
    ...properties.map(([name, value]) => `${indent}    <property name="${name}" value="${attribute(value)}"/>`),
    `${indent}  </properties>`,
  ];
  for (const finding of diagnosis.findings) lines.push(...renderCase(diagnosis, finding, options, `${indent}  `));
  if (diagnosis.notes.length > 0) lines.push(`${indent}  <system-out>${escapeXml(diagnosis.notes.map((note) => `note: ${note}`).join("\n"))}</system-out>`);
  lines.push(`${indent}</testsuite>`);
  return lines;
}

function renderSuites(name: string, rules: readonly Diagnosis[], durationMs: number, options: JunitOptions): string {
  const totals = rules.map((rule) => suiteCounts(rule, options)).reduce(
    (sum, counts) => ({
      tests: sum.tests + counts.tests,
      failures: sum.failures + counts.failures,
      errors: sum.errors + counts.errors,
      skipped: sum.skipped + counts.skipped,
    }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attribute(name)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(durationMs)}">`,
  ];
  for (const rule of rules) lines.push(...renderSuite(rule, options, "  "));
  lines.push("</testsuites>");
  return lines.join("\n");
}

/** Renders one diagnosis as a JUnit report holding one test suite. */
export function renderJunit(diagnosis: Diagnosis, options: JunitOptions): string {
  return renderSuites("course-doctor check", [diagnosis], diagnosis.durationMs, options);
}

/** Renders `check --all` as a JUnit report with one test suite per rule. */
export function renderJunitSet(set: DiagnosisSet, options: JunitOptions): string {
  return renderSuites(`course-doctor check --all ${set.bus}`, set.rules, set.durationMs, options);
}
