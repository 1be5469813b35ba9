// The checklist a person reads top to bottom: one line per finding, the evidence that
// matters under the lines that did not pass, the root cause and a paste-ready fix last.
// The only renderer that colors, and only through the chalk instance it is handed (at
// level 0 it writes plain text, which is what a pipe or a file gets).
import type { ChalkInstance } from "chalk";
import { type Diagnosis, type DiagnosisSet, type Finding, type FindingStatus } from "../model/finding.js";
import {
  commandName,
  countFindings,
  evidenceEntries,
  formatEvidenceValue,
  plainDiagnosis,
  plainText,
  splitFix,
  subjectPrefix,
  summaryParts,
  wrapText,
} from "./text.js";

/** What the pretty renderer needs from its host. */
export interface PrettyOptions {
  chalk: ChalkInstance;
  columns: number;
  command?: string;
}

const SYMBOL: Record<FindingStatus, string> = { pass: "✔", warn: "⚠", fail: "✖", skip: "○", error: "?" };

/**
 * The id column: as wide as the longest id the report shows (one width for every section
 * of `check --all`, so they line up with each other).
 */
interface Layout {
  idWidth: number;
  titleIndent: number;
}

function layoutFor(findings: readonly Finding[]): Layout {
  const idWidth = Math.max(12, ...findings.map((finding) => finding.id.length));
  return { idWidth, titleIndent: 2 + 1 + 1 + idWidth + 1 };
}

type LaidOut = PrettyOptions & { layout: Layout };
const LABEL_WIDTH = "Root cause".length + 2;
const UNKNOWN_LABEL_WIDTH = "Could not diagnose".length + 2;
const MAX_EVIDENCE_ENTRIES = 6;

function paint(chalk: ChalkInstance, status: FindingStatus, text: string): string {
  switch (status) {
    case "pass":
      return chalk.green(text);
    case "warn":
      return chalk.yellow(text);
    case "fail":
      return chalk.red(text);
    case "skip":
      return chalk.dim(text);
    case "error":
      return chalk.magenta(text);
  }
}

// Prose wraps to the terminal, but no narrower than 40 columns (below that nothing reads
// well) and no wider than 120 (long lines are hard to follow on wide screens).
function textWidth(columns: number): number {
  return Math.max(40, Math.min(Number.isFinite(columns) ? columns : 100, 120));
}

/** Renders one diagnosis as the terminal checklist. */
export function renderPretty(raw: Diagnosis, given: PrettyOptions): string {
  const diagnosis = plainDiagnosis(raw);
  const options: LaidOut = { ...given, layout: layoutFor(diagnosis.findings) };
  const lines: string[] = [renderHeader(diagnosis, options), ""];
  lines.push(...renderFindingLines(diagnosis, options, diagnosis.findings));
  lines.push("");
  const notes = renderNotes(diagnosis.notes, options);
  if (notes.length > 0) lines.push(...notes, "");
  lines.push(renderSummaryLine(diagnosis, options));
  const verdict = renderVerdict(diagnosis, options);
  if (verdict.length > 0) lines.push("", ...verdict);
  return lines.join("\n");
}

function renderHeader(diagnosis: Diagnosis, options: PrettyOptions): string {
  const { chalk } = options;
  const target = diagnosis.target;
  const where = [target.region, target.account, `bus ${target.bus}`];
  if (target.rule !== null) where.push(`rule ${target.rule}`);
  return `${chalk.bold(commandName(options.command))}  ${where.filter((part) => part !== null).join(" · ")}`;
}

function renderFindingLines(diagnosis: Diagnosis, options: LaidOut, findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  for (const finding of findings) lines.push(...renderFinding(diagnosis, finding, options));
  return lines;
}

function renderFinding(diagnosis: Diagnosis, finding: Finding, options: LaidOut): string[] {
  const { idWidth, titleIndent } = options.layout;
  const { chalk } = options;
  const width = textWidth(options.columns);
  const titleWidth = Math.max(20, width - titleIndent);
  const pad = " ".repeat(titleIndent);
  const subject = subjectPrefix(finding);
  const titleLines = wrapText(subject ? `${subject}: ${finding.title}` : finding.title, titleWidth);
  const idText = finding.id.padEnd(idWidth);
  const id = finding.status === "fail" ? chalk.bold(idText) : finding.status === "skip" ? chalk.dim(idText) : idText;
  const firstTitle = titleLines[0] ?? "";
  const shownTitle = subject && firstTitle.startsWith(`${subject}:`) ? `${chalk.cyan(subject)}${firstTitle.slice(subject.length)}` : firstTitle;
  const lines = [`  ${paint(chalk, finding.status, SYMBOL[finding.status])} ${id} ${finding.status === "skip" ? chalk.dim(shownTitle) : shownTitle}`];
  for (const more of titleLines.slice(1)) lines.push(`${pad}${finding.status === "skip" ? chalk.dim(more) : more}`);
  if (finding.status === "pass" || finding.status === "skip") return lines;

  if ((finding.status === "fail" || finding.status === "error") && finding.detail) {
    for (const line of wrapText(finding.detail, titleWidth)) lines.push(line === "" ? "" : `${pad}${line}`);
  }
  lines.push(...renderEvidence(finding, options));
  // The root cause's fix comes last, on its own; another failure's fix goes under it.
  const isRoot = diagnosis.rootCause !== null && diagnosis.rootCause.id === finding.id && isFirstFailureWithId(diagnosis, finding);
  if (finding.status === "fail" && finding.fix && !isRoot) {
    lines.push(...labelled("fix", chalk.bold, 4, finding.fix, titleWidth - 4).map((line) => `${pad}${line}`));
  }
  return lines;
}

function isFirstFailureWithId(diagnosis: Diagnosis, finding: Finding): boolean {
  return diagnosis.findings.find((other) => other.id === finding.id && other.status === "fail") === finding;
}

function renderEvidence(finding: Finding, options: LaidOut): string[] {
  const { titleIndent } = options.layout;
  const { chalk } = options;
  const entries = evidenceEntries(finding.evidence);
  if (entries.length === 0) return [];
  const pad = " ".repeat(titleIndent);
  const width = textWidth(options.columns);
  const shown = entries.slice(0, MAX_EVIDENCE_ENTRIES);
  const keyWidth = Math.min(24, Math.max(...shown.map(([key]) => key.length)));
  const lines = shown.map(([key, value]) => {
    // ARNs and names are worth a line longer than the terminal; JSON blobs are not.
    const room = Math.max(20, width - titleIndent - keyWidth - 2);
    const max = typeof value === "string" ? Math.max(room, 160) : room;
    return `${pad}${chalk.dim(`${`${key}:`.padEnd(keyWidth + 1)} ${formatEvidenceValue(value, max)}`)}`;
  });
  if (entries.length > shown.length) lines.push(`${pad}${chalk.dim(`(${entries.length - shown.length} more in --format json)`)}`);
  return lines;
}

function renderNotes(notes: readonly string[], options: PrettyOptions): string[] {
  const { chalk } = options;
  const width = textWidth(options.columns);
  const lines: string[] = [];
  for (const note of notes) {
    const wrapped = wrapText(note, width - 8);
    wrapped.forEach((line, index) => lines.push(chalk.dim(`${index === 0 ? "  note  " : "        "}${line}`)));
  }
  return lines;
}

// The counts, on one line when it fits, else broken between the parts.
function renderSummaryLine(diagnosis: Diagnosis, options: PrettyOptions): string {
  const { chalk } = options;
  const width = textWidth(options.columns);
  const counts = countFindings(diagnosis.findings);
  const lines: Array<{ plain: number; parts: string[] }> = [];
  for (const part of summaryParts(counts)) {
    const shown = part.status !== "pass" ? paint(chalk, part.status, part.text) : part.text;
    const line = lines[lines.length - 1];
    if (line && line.plain + 3 + part.text.length <= width) {
      line.parts.push(shown);
      line.plain += 3 + part.text.length;
    } else lines.push({ plain: part.text.length, parts: [shown] });
  }
  return lines.map((line) => line.parts.join(" · ")).join("\n");
}

/** The closing lines: root cause and fix, or a plain statement that nothing failed. */
function renderVerdict(diagnosis: Diagnosis, options: PrettyOptions): string[] {
  const { chalk } = options;
  const width = textWidth(options.columns);
  const counts = countFindings(diagnosis.findings);
  const root = diagnosis.rootCause;
  if (root !== null) {
    const lines = labelled("Root cause", chalk.red.bold, LABEL_WIDTH, `${root.id}: ${root.title}`, width - LABEL_WIDTH);
    if (root.fix) lines.push(...labelled("Fix", chalk.bold, LABEL_WIDTH, root.fix, width - LABEL_WIDTH));
    else lines.push(...labelled("Fix", chalk.bold, LABEL_WIDTH, "no fix is known for this finding; see its detail above.", width - LABEL_WIDTH));
    return lines;
  }
  const blocker = diagnosis.blockedBy;
  if (blocker !== null) {
    // Could not tell is never "healthy": say so, why, and what to do.
    const lines = labelled("Could not diagnose", chalk.magenta.bold, UNKNOWN_LABEL_WIDTH, `${blocker.id}: ${blocker.title}`, width - UNKNOWN_LABEL_WIDTH);
    lines.push(
      ...labelled(
        "",
        chalk.bold,
        UNKNOWN_LABEL_WIDTH,
        "Nothing failed in what could be read, but a check the verdict rests on could not run: this is not a healthy verdict.",
        width - UNKNOWN_LABEL_WIDTH,
      ),
    );
    if (blocker.fix) lines.push(...labelled("Fix", chalk.bold, UNKNOWN_LABEL_WIDTH, blocker.fix, width - UNKNOWN_LABEL_WIDTH));
    return lines;
  }
  if (diagnosis.findings.length === 0) return [chalk.magenta("No check ran, so nothing is known about this pipeline.")];
  if (counts.fail > 0 || diagnosis.status === "fail") {
    // Failing without a root cause (e.g. --strict turned warnings into failures).
    return wrapText("The check failed: see the findings marked above.", width).map((line) => chalk.red.bold(line));
  }
  const unchecked = counts.error > 0 ? ` ${counts.error} ${counts.error === 1 ? "check" : "checks"} could not run, so this is not the whole picture.` : "";
  if (counts.warn > 0) {
    const text = `No check failed; ${counts.warn === 1 ? "1 warning is" : `${counts.warn} warnings are`} worth a look.${unchecked}`;
    return wrapText(text, width).map((line) => chalk.yellow(line));
  }
  if (counts.error > 0) return wrapText(`No problem found in what could be checked.${unchecked}`, width).map((line) => chalk.magenta(line));
  return [chalk.green.bold("Healthy: every check passed.")];
}

/**
 * A label followed by text: prose wraps under the label, commands stay whole on their own
 * lines so they can be pasted as they are.
 */
function labelled(label: string, style: (text: string) => string, labelWidth: number, text: string, width: number): string[] {
  const pad = " ".repeat(labelWidth);
  const body: string[] = [];
  for (const segment of splitFix(text)) {
    if (segment.kind === "command") body.push(...segment.lines);
    else body.push(...wrapText(segment.lines.join("\n"), Math.max(20, width)));
  }
  return body.map((line, index) => {
    if (index === 0) return `${style(label)}${" ".repeat(Math.max(1, labelWidth - label.length))}${line}`;
    return line === "" ? "" : `${pad}${line}`;
  });
}

/** Renders `check --all`: one line per rule, then the details of every rule that is not healthy. */
export function renderPrettySet(raw: DiagnosisSet, given: PrettyOptions): string {
  const { chalk } = given;
  const set = { ...raw, bus: plainText(raw.bus), rules: raw.rules.map(plainDiagnosis) };
  const options: LaidOut = { ...given, layout: layoutFor(set.rules.flatMap((rule) => rule.findings)) };
  const where = [set.region, set.account, `bus ${set.bus}`, `${set.rules.length} ${set.rules.length === 1 ? "rule" : "rules"}`];
  const lines: string[] = [`${chalk.bold(`${commandName(options.command)} --all`)}  ${where.filter((part) => part !== null).join(" · ")}`, ""];
  if (set.rules.length === 0) {
    lines.push("  No rules on this bus.");
    return lines.join("\n");
  }
  const nameWidth = Math.min(48, Math.max(...set.rules.map((rule) => ruleName(rule).length)));
  for (const diagnosis of set.rules) {
    const status: FindingStatus = diagnosis.status === "unknown" ? "error" : diagnosis.status;
    lines.push(`  ${paint(chalk, status, SYMBOL[status])} ${ruleName(diagnosis).padEnd(nameWidth)}  ${ruleVerdict(diagnosis)}`);
  }
  for (const diagnosis of set.rules) {
    const shown = diagnosis.findings.filter((finding) => finding.status !== "pass" && finding.status !== "skip");
    if (diagnosis.status === "pass" && shown.length === 0) continue;
    lines.push("", chalk.bold(`rule ${ruleName(diagnosis)}`));
    lines.push(...renderFindingLines(diagnosis, options, shown));
    const notes = renderNotes(diagnosis.notes, options);
    if (notes.length > 0) lines.push(...notes);
    if (diagnosis.rootCause !== null || diagnosis.blockedBy !== null) lines.push("", ...renderVerdict(diagnosis, options));
  }
  lines.push("", renderSetSummary(set, chalk));
  return lines.join("\n");
}

function ruleName(diagnosis: Diagnosis): string {
  return diagnosis.target.rule ?? "(no rule)";
}

function ruleVerdict(diagnosis: Diagnosis): string {
  const counts = countFindings(diagnosis.findings);
  if (diagnosis.rootCause !== null) return `${diagnosis.rootCause.id}: ${diagnosis.rootCause.title}`;
  if (diagnosis.blockedBy !== null) return `could not diagnose: ${diagnosis.blockedBy.id}: ${diagnosis.blockedBy.title}`;
  const parts = summaryParts(counts).map((part) => part.text);
  if (diagnosis.status === "pass" && counts.warn === 0 && counts.error === 0) return `healthy (${parts.join(" · ")})`;
  return parts.join(" · ");
}

function renderSetSummary(set: DiagnosisSet, chalk: ChalkInstance): string {
  const failing = set.rules.filter((rule) => rule.status === "fail").length;
  const warning = set.rules.filter((rule) => rule.status === "warn").length;
  const unknown = set.rules.filter((rule) => rule.status === "unknown").length;
  const healthy = set.rules.length - failing - warning - unknown;
  const unchecked = set.rules.filter((rule) => rule.status !== "unknown" && rule.findings.some((finding) => finding.status === "error")).length;
  const parts = [`${set.rules.length} ${set.rules.length === 1 ? "rule" : "rules"}: ${healthy} healthy`];
  if (warning > 0) parts.push(chalk.yellow(`${warning} with warnings`));
  if (failing > 0) parts.push(chalk.red(`${failing} failing`));
  if (unknown > 0) parts.push(chalk.magenta(`${unknown} could not be diagnosed`));
  if (unchecked > 0) parts.push(chalk.magenta(`${unchecked} not fully checked`));
  return parts.join(" · ");
}
