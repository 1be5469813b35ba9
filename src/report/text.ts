import { shellWord } from "../util/shell.js";
// Text helpers shared by the renderers: counting, wrapping, telling commands from prose,
// and showing evidence values briefly. Pure and colorless.
import type { Diagnosis, Finding, FindingStatus } from "../model/finding.js";

/** The statuses in the order every summary lists them. */
export const STATUS_ORDER: readonly FindingStatus[] = ["pass", "warn", "fail", "skip", "error"];

/** How many findings have each status, always with all five keys in a fixed order. */
export function countFindings(findings: readonly Finding[]): Record<FindingStatus, number> {
  const counts: Record<FindingStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const finding of findings) counts[finding.status] += 1;
  return counts;
}

/** "12 passed · 1 warning · 1 failed · 2 could not run · 1 skipped", naming only what occurred. */
export function summaryParts(counts: Record<FindingStatus, number>): Array<{ status: FindingStatus; text: string }> {
  const parts: Array<{ status: FindingStatus; text: string }> = [{ status: "pass", text: `${counts.pass} passed` }];
  if (counts.warn > 0) parts.push({ status: "warn", text: `${counts.warn} ${counts.warn === 1 ? "warning" : "warnings"}` });
  if (counts.fail > 0) parts.push({ status: "fail", text: `${counts.fail} failed` });
  if (counts.error > 0) parts.push({ status: "error", text: `${counts.error} could not run` });
  if (counts.skip > 0) parts.push({ status: "skip", text: `${counts.skip} skipped` });
  return parts;
}

export { worstStatus } from "../diagnose.js";

/**
 * Wraps prose to `width` on spaces, keeping the text's own line breaks. A word longer
 * than the width (an ARN) stays whole on its own line rather than being cut.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    const words = paragraph.split(/\s+/).filter((word) => word !== "");
    if (words.length === 0) {
      lines.push("");
      continue;
    }
    let line = "";
    for (const word of words) {
      if (line === "") line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}

// A line a user pastes into a shell: a known CLI, a prompt, an assignment, a comment,
// or an indented line (a continuation of a command laid out over several lines).
const COMMAND_START = /^(\$ |(aws|course-doctor|npx|sam|cdk|terraform|curl|jq|export|sed|cat|echo)\s|[A-Za-z_][A-Za-z0-9_]*=\S*$|#)/;

/** Does this fix line hold something to paste into a shell (never to be wrapped)? */
export function isCommandLine(line: string): boolean {
  if (line.trim() === "") return false;
  return /^\s/.test(line) || COMMAND_START.test(line);
}

/** A run of fix lines of one kind: prose (wrap it) or commands (keep them intact). */
export interface FixSegment {
  kind: "prose" | "command";
  lines: string[];
}

/**
 * Splits a fix into prose and command segments. A line ending in a backslash continues
 * the command onto the next line, whatever that line looks like.
 */
export function splitFix(fix: string): FixSegment[] {
  const segments: FixSegment[] = [];
  let continued = false;
  for (const raw of fix.replace(/\s+$/, "").split(/\r?\n/).flatMap(splitInlineCommand)) {
    const line = raw.replace(/\s+$/, "");
    const kind: FixSegment["kind"] = continued || isCommandLine(line) ? "command" : "prose";
    continued = kind === "command" && line.endsWith("\\");
    const last = segments[segments.length - 1];
    if (line === "") {
      // A blank line ends a segment; the next line starts a new one.
      if (last && last.lines[last.lines.length - 1] !== "") last.lines.push("");
      continue;
    }
    if (last && last.kind === kind && last.lines[last.lines.length - 1] !== "") last.lines.push(line);
    else {
      if (last && last.lines[last.lines.length - 1] === "") last.lines.pop();
      segments.push({ kind, lines: [line] });
    }
  }
  const last = segments[segments.length - 1];
  if (last && last.lines[last.lines.length - 1] === "") last.lines.pop();
  return segments;
}

// "List the buses: aws events list-event-buses --region x" reads as prose with a command
// at its end; the command goes on a line of its own so that wrapping never breaks it.
const INLINE_COMMAND = /:\s+(?=(?:aws|course-doctor|npx|sam|cdk|terraform)\s+[a-z][\w-]*)/;

function splitInlineCommand(line: string): string[] {
  if (isCommandLine(line)) return [line];
  const match = INLINE_COMMAND.exec(line);
  if (!match) return [line];
  return [line.slice(0, match.index + 1), `  ${line.slice(match.index + match[0].length)}`];
}

/** True when the whole fix is something to paste into a shell. */
export function fixHasCommand(fix: string): boolean {
  return splitFix(fix).some((segment) => segment.kind === "command");
}

/** The evidence entries worth showing: defined values, in the order the check gave them. */
export function evidenceEntries(evidence: Record<string, unknown> | undefined): Array<[string, unknown]> {
  if (!evidence) return [];
  return Object.entries(evidence).filter(([, value]) => value !== undefined);
}

/**
 * One evidence value as short text: scalars as they are, lists of scalars joined,
 * anything else as compact JSON; cut with "…" past `max` characters.
 */
export function formatEvidenceValue(value: unknown, max: number): string {
  let text: string;
  if (value === null) text = "none";
  else if (typeof value === "string") text = value === "" ? '""' : value;
  else if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") text = String(value);
  else if (Array.isArray(value) && value.every((item) => item === null || typeof item !== "object")) {
    text = value.length === 0 ? "[]" : value.map((item) => (item === null ? "none" : String(item))).join(", ");
  } else if (isFlatRecord(value)) {
    // Metric dimensions and the like read better as Name=value pairs than as JSON.
    text = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => `${key}=${item === null ? "none" : String(item)}`)
      .join(", ");
    if (text === "") text = "{}";
  } else text = safeJson(value);
  text = text.replace(/\s*\r?\n\s*/g, " ");
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

function isFlatRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  return Object.values(value).every((item) => item === null || item === undefined || typeof item !== "object");
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? String(item) : item)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The text of the finding's subject prefix, unless the title already names it. */
export function subjectPrefix(finding: Finding): string | undefined {
  if (finding.subject === undefined || finding.subject === "") return undefined;
  return finding.title.includes(finding.subject) ? undefined : finding.subject;
}

/** The finding the root cause points at (the first failing one with its id). */
export function rootCauseFinding(diagnosis: Diagnosis): Finding | undefined {
  const root = diagnosis.rootCause;
  if (!root) return undefined;
  return (
    diagnosis.findings.find((finding) => finding.id === root.id && finding.status === "fail") ??
    diagnosis.findings.find((finding) => finding.id === root.id)
  );
}

// Quotes a word for a POSIX shell only when it needs it (names and ARNs never do).
/** The commands that check this pipeline again: a re-run of `check`, and a probe. */
export function followUpCommands(diagnosis: Diagnosis, command: string | undefined): { check: string; probe: string } {
  const target = diagnosis.target;
  const flags = [`--bus ${shellWord(target.bus)}`];
  if (target.rule !== null) flags.push(`--rule ${shellWord(target.rule)}`);
  if (target.region !== null) flags.push(`--region ${shellWord(target.region)}`);
  const built = flags.join(" ");
  // Re-running a check that read a snapshot would read the same snapshot again: after a
  // fix the user wants the live pipeline, so such a command line is not reused. The output
  // format and the snapshot file are the last run's business, not the re-run's.
  let given =
    command !== undefined && /^(npx\s+)?\S*course-doctor\s+check\b/.test(command.trim()) && !/\s--from\b/.test(command)
      ? command.trim().replace(/\s--(save-snapshot|format)(=\S+|\s+\S+)/g, "")
      : undefined;
  // A rule of `check --all` is re-checked on its own.
  if (given !== undefined && target.rule !== null) given = given.replace(/\s--all\b/, ` --rule ${shellWord(target.rule)}`);
  const check = given ?? `course-doctor check ${built}`;
  const probe = given
    ? given.replace(/^((npx\s+)?\S*course-doctor\s+)check\b/, "$1probe").replace(/\s--strict\b/g, "")
    : `course-doctor probe ${built}`;
  return { check, probe };
}

/** The command word for the header: `probe` when the diagnosis came from one, else `check`. */
export function commandName(command: string | undefined): string {
  const match = command === undefined ? null : /^(?:npx\s+)?\S*course-doctor\s+(check|probe|smoke)\b/.exec(command.trim());
  return `course-doctor ${match?.[1] ?? "check"}`;
}

// Terminal escape sequences and other control characters that arrive inside the data (a
// log line with colors, a hostile name) would recolor or rewrite the user's terminal.
const ANSI_SEQUENCE = /\u001b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Text with escape sequences and control characters removed (tabs and newlines kept). */
export function plainText(text: string): string {
  return text.replace(ANSI_SEQUENCE, "").replace(CONTROL, "").replace(/\r\n?/g, "\n");
}

function plainDeep(value: unknown): unknown {
  if (typeof value === "string") return plainText(value);
  if (Array.isArray(value)) return value.map(plainDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [plainText(key), plainDeep(item)]));
  }
  return value;
}

/** The diagnosis with every string made safe to print on a terminal or in a document. */
export function plainDiagnosis(diagnosis: Diagnosis): Diagnosis {
  return plainDeep(diagnosis) as Diagnosis;
}
