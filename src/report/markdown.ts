// The incident write-up a team pastes into a ticket or a pull request: what is broken and
// why, the fix, what was verified to work, the evidence, and how to confirm the fix.
// GitHub-flavoured Markdown; every value from the pipeline is escaped or put in code.
import { diagnosisMermaid } from "../map/snapshot.js";
import type { Diagnosis, DiagnosisSet, Finding, FindingStatus } from "../model/finding.js";
import {
  countFindings,
  evidenceEntries,
  followUpCommands,
  formatEvidenceValue,
  plainDiagnosis,
  plainText,
  rootCauseFinding,
  splitFix,
  subjectPrefix,
  summaryParts,
} from "./text.js";

/** What the markdown renderer reads from the options. */
export interface MarkdownOptions {
  command?: string;
}

const ICON: Record<FindingStatus, string> = { pass: "✅", warn: "⚠️", fail: "❌", skip: "⏭️", error: "❓" };
const VERDICT: Record<Diagnosis["status"], string> = { pass: "healthy", warn: "healthy, with warnings", fail: "broken", unknown: "could not be diagnosed" };
const VERDICT_ICON: Record<Diagnosis["status"], string> = { pass: "✅", warn: "⚠️", fail: "❌", unknown: "❓" };
const MAX_EVIDENCE_VALUE = 300;

/** Escapes text for Markdown prose: nothing in it becomes markup, HTML or a link. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*[\]#|~]/g, (char) => `\\${char}`)
    .replace(/&(?=[A-Za-z#0-9]+;)/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    // An underscore inside a word (EVENT_BUS_NAME) never emphasises; only at word edges.
    .replace(/(^|[^A-Za-z0-9])_|_(?=$|[^A-Za-z0-9_])/g, (match) => match.replace("_", "\\_"));
}

/** A code span that holds any text, backticks included. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r?\n/g, " ");
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const padded = flat.startsWith("`") || flat.endsWith("`") || flat === "" ? ` ${flat} ` : flat;
  return `${fence}${padded}${fence}`;
}

/** A table cell: pipes escaped (also inside code spans, as GitHub requires), no line breaks. */
export function tableCell(markdown: string): string {
  return markdown.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function fencedBlock(lines: readonly string[], language: string, indent = ""): string[] {
  const longest = Math.max(0, ...lines.flatMap((line) => line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [`${fence}${language}`, ...lines, fence].map((line) => (line === "" ? "" : `${indent}${line}`));
}

// Fixes indent their commands under the prose; in a code block that indent is noise.
function dedent(lines: readonly string[]): string[] {
  const common = Math.min(...lines.filter((line) => line.trim() !== "").map((line) => /^\s*/.exec(line)![0].length));
  return lines.map((line) => line.slice(Math.min(common, /^\s*/.exec(line)![0].length)));
}

/** A fix as Markdown: prose as paragraphs, commands in ```sh blocks ready to copy. */
function renderFix(fix: string, indent = ""): string[] {
  const out: string[] = [];
  for (const segment of splitFix(fix)) {
    if (out.length > 0) out.push("");
    if (segment.kind === "command") out.push(...fencedBlock(dedent(segment.lines), "sh", indent));
    else out.push(...segment.lines.map((line) => `${indent}${escapeMarkdown(line)}`));
  }
  return out;
}

// The id, and the subject when the text shown with it does not already name it.
function findingLabel(finding: Finding, shownWithTitle = true): string {
  const subject = shownWithTitle ? subjectPrefix(finding) : finding.subject || undefined;
  return subject ? `${codeSpan(finding.id)} (${codeSpan(subject)})` : codeSpan(finding.id);
}

function joinParagraphs(blocks: string[][]): string {
  return blocks
    .filter((block) => block.length > 0)
    .map((block) => block.join("\n"))
    .join("\n\n");
}

// The IAM actions named by findings that could not run ("lambda:GetPolicy").
function deniedActions(findings: readonly Finding[]): string[] {
  const actions = new Set<string>();
  for (const finding of findings) {
    if (finding.status !== "error") continue;
    const text = [finding.title, finding.detail ?? "", ...Object.values(finding.evidence ?? {}).map((value) => (typeof value === "string" ? value : ""))].join(" ");
    for (const match of text.matchAll(/\b([a-z][a-z0-9-]*:[A-Z][A-Za-z0-9]+)\b/g)) if (match[1]) actions.add(match[1]);
  }
  return [...actions];
}

function pipelineName(diagnosis: Diagnosis): string {
  return diagnosis.target.rule !== null
    ? `rule ${codeSpan(diagnosis.target.rule)} on bus ${codeSpan(diagnosis.target.bus)}`
    : `bus ${codeSpan(diagnosis.target.bus)}`;
}

function seconds(durationMs: number): string {
  return `${(durationMs / 1000).toFixed(durationMs < 10_000 ? 1 : 0)} s`;
}

/** The opening paragraph: the verdict and, when something failed, the root cause in a sentence. */
function summaryParagraph(diagnosis: Diagnosis): string {
  const counts = countFindings(diagnosis.findings);
  const total = diagnosis.findings.length;
  const sentences: string[] = [];
  const root = diagnosis.rootCause;
  const blocker = diagnosis.blockedBy;
  if (root !== null) {
    sentences.push(`Events for ${pipelineName(diagnosis)} do not get through.`);
    sentences.push(sentence(`The root cause is ${codeSpan(root.id)}: ${escapeMarkdown(root.title)}`));
  } else if (blocker !== null) {
    sentences.push(`${pipelineName(diagnosis)[0]!.toUpperCase()}${pipelineName(diagnosis).slice(1)} could not be diagnosed: nothing failed, but a check the verdict rests on could not run.`);
    sentences.push(sentence(`${codeSpan(blocker.id)}: ${escapeMarkdown(blocker.title)}`));
  } else if (total === 0) {
    sentences.push(`No check of ${pipelineName(diagnosis)} ran, so nothing is known about it yet.`);
  } else if (counts.fail > 0 || diagnosis.status === "fail") {
    sentences.push(`The check of ${pipelineName(diagnosis)} failed; see what is broken below.`);
  } else if (counts.warn > 0) {
    sentences.push(`No check of ${pipelineName(diagnosis)} failed, but ${counts.warn === 1 ? "one warning needs" : `${counts.warn} warnings need`} a look.`);
  } else {
    sentences.push(`Every check of ${pipelineName(diagnosis)} that could run passed.`);
  }
  const tally = [`${counts.pass} of ${total} checks passed`];
  if (counts.warn > 0) tally.push(`${counts.warn} ${counts.warn === 1 ? "warning" : "warnings"}`);
  if (counts.fail > 0) tally.push(`${counts.fail} failed`);
  if (counts.error > 0) tally.push(`${counts.error} could not be checked`);
  if (counts.skip > 0) tally.push(`${counts.skip} skipped`);
  sentences.push(`${tally.join(", ")}.`);
  return sentences.join(" ");
}

/** Ends text with a full stop unless it already ends a sentence. */
function sentence(text: string): string {
  return /[.!?:]$/.test(text.trimEnd()) ? text.trimEnd() : `${text.trimEnd()}.`;
}

function heading(level: number, text: string): string {
  return `${"#".repeat(Math.min(6, level))} ${text}`;
}

/** The body of one diagnosis below its title; `level` is the level of its section headings. */
function renderBody(diagnosis: Diagnosis, options: MarkdownOptions, level: number): string[][] {
  const blocks: string[][] = [];
  const counts = countFindings(diagnosis.findings);
  const root = diagnosis.rootCause;
  const rootFinding = rootCauseFinding(diagnosis);

  const target = diagnosis.target;
  const meta = [`**Verdict:** ${VERDICT_ICON[diagnosis.status]} ${VERDICT[diagnosis.status]}`];
  if (target.region !== null) meta.push(`**Region:** ${codeSpan(target.region)}`);
  if (target.account !== null) meta.push(`**Account:** ${codeSpan(target.account)}`);
  meta.push(`**Checks:** ${summaryParts(counts).map((part) => part.text).join(" · ")}`);
  meta.push(`**Took:** ${seconds(diagnosis.durationMs)}`);
  blocks.push([meta.join(" · ")]);
  blocks.push([summaryParagraph(diagnosis)]);

  if (root !== null) {
    const section = [heading(level, "Root cause and fix"), "", `**${codeSpan(root.id)}** — ${escapeMarkdown(root.title)}`];
    if (rootFinding?.detail) section.push("", escapeMarkdown(rootFinding.detail));
    section.push("");
    if (root.fix) section.push("**Fix:**", "", ...renderFix(root.fix));
    else section.push("No fix is known for this finding; the evidence below is what to go on.");
    blocks.push(section);
  }
  const blocker = diagnosis.blockedBy;
  if (blocker !== null) {
    const section = [heading(level, "Why it could not be diagnosed"), "", `**${codeSpan(blocker.id)}** — ${escapeMarkdown(blocker.title)}`, ""];
    if (blocker.fix) section.push("**What to do:**", "", ...renderFix(blocker.fix));
    blocks.push(section);
  }

  const diagram = diagnosisMermaid(diagnosis);
  if (diagram !== null) {
    const marked = diagnosis.rootCause ? ` The broken link (${codeSpan(diagnosis.rootCause.id)}) is drawn in red.` : "";
    blocks.push([heading(level, "Pipeline"), "", `What was read, left to right.${marked}`, "", ...fencedBlock(diagram.trimEnd().split("\n"), "mermaid")]);
  }

  const passing = diagnosis.findings.filter((finding) => finding.status === "pass");
  blocks.push([
    heading(level, "What works"),
    "",
    ...(passing.length > 0
      ? passing.map((finding) => `- ${ICON.pass} ${findingLabel(finding)} — ${escapeMarkdown(finding.title)}`)
      : ["Nothing could be verified to work."]),
  ]);

  const broken = diagnosis.findings.filter((finding) => finding.status === "fail" || finding.status === "warn");
  if (broken.length > 0) {
    const items: string[] = [];
    for (const finding of broken) {
      const isRoot = finding === rootFinding;
      const label = finding.status === "fail" ? `**${findingLabel(finding)}**` : findingLabel(finding);
      const tag = isRoot ? " *(root cause, fix above)*" : finding.status === "warn" ? " *(warning)*" : "";
      items.push(`- ${ICON[finding.status]} ${label} — ${escapeMarkdown(finding.title)}${tag}`);
      if (finding.detail && !isRoot) items.push("", `  ${escapeMarkdown(finding.detail).replace(/\n/g, "\n  ")}`);
      if (finding.fix && !isRoot) items.push("", "  Fix:", "", ...renderFix(finding.fix, "  "));
      if ((finding.detail || finding.fix) && !isRoot) items.push("");
    }
    while (items[items.length - 1] === "") items.pop();
    blocks.push([heading(level, counts.fail > 0 ? "What is broken" : "What needs a look"), "", ...items]);
  }

  const unchecked = diagnosis.findings.filter((finding) => finding.status === "error" || finding.status === "skip");
  if (unchecked.length > 0) {
    const items = unchecked.map((finding) => {
      const why = finding.detail ? ` ${escapeMarkdown(finding.detail).replace(/\n/g, " ")}` : "";
      const kind = finding.status === "skip" ? "skipped: " : "";
      return `- ${ICON[finding.status]} ${findingLabel(finding)} — ${kind}${sentence(escapeMarkdown(finding.title))}${why}`;
    });
    blocks.push([heading(level, "Could not be checked"), "", ...items]);
  }

  const withEvidence = diagnosis.findings.filter((finding) => finding.status !== "pass" && evidenceEntries(finding.evidence).length > 0);
  if (withEvidence.length > 0) {
    const section = [heading(level, "Evidence")];
    for (const finding of withEvidence) {
      section.push("", heading(level + 1, `${ICON[finding.status]} ${findingLabel(finding, false)}`), "", "| Fact | Value |", "|---|---|");
      for (const [key, value] of evidenceEntries(finding.evidence)) {
        section.push(`| ${tableCell(escapeMarkdown(key))} | ${tableCell(codeSpan(formatEvidenceValue(value, MAX_EVIDENCE_VALUE)))} |`);
      }
    }
    blocks.push(section);
  }

  if (diagnosis.notes.length > 0) {
    blocks.push([heading(level, "Notes"), "", ...diagnosis.notes.map((note) => `- ${escapeMarkdown(note).replace(/\n/g, " ")}`)]);
  }

  blocks.push([heading(level, "Next steps"), "", ...nextSteps(diagnosis, options)]);
  return blocks;
}

function nextSteps(diagnosis: Diagnosis, options: MarkdownOptions): string[] {
  const steps: string[][] = [];
  const rootFinding = rootCauseFinding(diagnosis);
  const commands = followUpCommands(diagnosis, options.command);
  const indent = "   ";
  if (diagnosis.rootCause !== null) steps.push([`Apply the fix for the root cause, ${codeSpan(diagnosis.rootCause.id)} (above).`]);
  for (const finding of diagnosis.findings) {
    if (finding.status !== "fail" || finding === rootFinding) continue;
    steps.push([`Fix ${findingLabel(finding, false)} too${finding.fix ? " (its fix is under “What is broken”)" : ""}.`]);
  }
  const counts = countFindings(diagnosis.findings);
  if (counts.error > 0) {
    const actions = deniedActions(diagnosis.findings);
    const what = actions.length > 0 ? ` (${actions.map(codeSpan).join(", ")})` : "";
    steps.push([
      `Give the checks the read access they lacked${what} so the ${counts.error === 1 ? "check that could not run runs" : `${counts.error} checks that could not run run`} too; this prints the least-privilege policy:`,
      "",
      ...fencedBlock(["course-doctor iam-policy"], "sh", indent),
    ]);
  }
  const expect = diagnosis.status === "pass" && counts.warn === 0 ? "it should stay healthy" : "every check should pass";
  steps.push([`Check again once that is done; ${expect}:`, "", ...fencedBlock([commands.check], "sh", indent)]);
  steps.push([
    "Prove delivery end to end: this publishes one test event and waits for the target to receive it:",
    "",
    ...fencedBlock([commands.probe], "sh", indent),
  ]);
  if (diagnosis.notes.some((note) => /lag|delay/i.test(note)) || diagnosis.findings.some((finding) => finding.id.startsWith("metrics.") && finding.status !== "pass")) {
    steps.push(["Metrics arrive minutes late: judge the `metrics.*` checks again after a few minutes of real traffic."]);
  }
  return steps.flatMap((step, index) => [
    `${index + 1}. ${step[0]}`,
    ...step.slice(1),
    ...(index < steps.length - 1 && step.length > 1 ? [""] : []),
  ]);
}

/** Renders one diagnosis as a Markdown incident write-up. */
export function renderMarkdown(raw: Diagnosis, options: MarkdownOptions): string {
  const diagnosis = plainDiagnosis(raw);
  const title = heading(1, `EventBridge pipeline: ${pipelineName(diagnosis)} — ${VERDICT[diagnosis.status]}`);
  return `${joinParagraphs([[title], ...renderBody(diagnosis, options, 2)])}\n`;
}

/** Renders `check --all`: a table of every rule, then a write-up of each rule that is not healthy. */
export function renderMarkdownSet(raw: DiagnosisSet, options: MarkdownOptions): string {
  const set = { ...raw, bus: plainText(raw.bus), rules: raw.rules.map(plainDiagnosis) };
  const failing = set.rules.filter((rule) => rule.status === "fail").length;
  const unknown = set.rules.filter((rule) => rule.status === "unknown").length;
  const warning = set.rules.filter((rule) => rule.status === "warn").length;
  const verdict = [
    failing > 0 ? `${failing} of ${set.rules.length} broken` : null,
    unknown > 0 ? `${unknown} of ${set.rules.length} could not be diagnosed` : null,
    failing === 0 && unknown === 0 && warning > 0 ? `${warning} of ${set.rules.length} with warnings` : null,
  ].filter(Boolean).join(", ") || "all healthy";
  const blocks: string[][] = [[heading(1, `EventBridge rules on bus ${codeSpan(set.bus)} — ${verdict}`)]];
  const meta: string[] = [];
  if (set.region !== null) meta.push(`**Region:** ${codeSpan(set.region)}`);
  if (set.account !== null) meta.push(`**Account:** ${codeSpan(set.account)}`);
  meta.push(`**Rules:** ${set.rules.length}`, `**Took:** ${seconds(set.durationMs)}`);
  blocks.push([meta.join(" · ")]);
  if (set.rules.length === 0) {
    blocks.push(["The bus has no rules, so no event sent to it reaches any target."]);
    return `${joinParagraphs(blocks)}\n`;
  }
  blocks.push([
    "| Rule | Verdict | Root cause |",
    "|---|---|---|",
    ...set.rules.map((rule) => {
      const cause = rule.rootCause ?? rule.blockedBy;
      const root = cause ? `${codeSpan(cause.id)}: ${escapeMarkdown(cause.title)}` : "—";
      return `| ${tableCell(codeSpan(rule.target.rule ?? "(no rule)"))} | ${VERDICT_ICON[rule.status]} ${VERDICT[rule.status]} | ${tableCell(root)} |`;
    }),
  ]);
  for (const rule of set.rules) {
    if (rule.status === "pass") continue;
    blocks.push([heading(2, `Rule ${codeSpan(rule.target.rule ?? "(no rule)")} — ${VERDICT[rule.status]}`)]);
    blocks.push(...renderBody(rule, options, 3));
  }
  return `${joinParagraphs(blocks)}\n`;
}
