/**
 * `pattern test` and `pattern lint`: read the inputs, run the engine, render results.
 * Loaded only when one of these commands runs; the AWS SDK only with --remote.
 */
import type { Host } from "../host/host.js";
import { ExitCode, InputError, UsageError } from "../errors.js";
import { missingEnvelopeFields, validateEntry, type EntryProblem, type PutEventsEntry } from "../event/index.js";
import { normalizeEventInput, readEvents } from "./event-input.js";
import { readTextInput, type TextInput } from "../util/input.js";
import { InvalidPatternError } from "../pattern/errors.js";
import { compilePattern, lintPattern, type CompiledPattern, type LintIssue, type MatchExplanation } from "../pattern/index.js";
import { toJsonText } from "../pattern/json.js";
import type { RemoteVerdict } from "./remote.js";

export interface PatternTestFlags {
  remote?: boolean;
}

export interface PatternLintFlags {
  event?: string;
  strict?: boolean;
}

/** The outcome for one event. */
export interface EventResult {
  index: number;
  form: "event" | "entry";
  source: unknown;
  detailType: unknown;
  matches: boolean;
  explanation: MatchExplanation;
  entryProblems: EntryProblem[];
  event: Record<string, unknown>;
  remote?: RemoteVerdict;
}

/** Reads PATTERN; an invalid pattern is an input error naming the JSON path. */
function compileInput(input: TextInput): CompiledPattern {
  try {
    return compilePattern(input.text);
  } catch (error) {
    if (error instanceof InvalidPatternError) {
      throw new InputError(`PATTERN (${input.origin}) is not a valid event pattern: ${error.message}`, {
        hint: "run `course-doctor pattern lint` on it for every problem",
      });
    }
    throw error;
  }
}

export async function runPatternTest(host: Host, flags: PatternTestFlags, args: string[]): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json"]);
  const [patternSpec, eventSpec] = args;
  if (patternSpec === undefined || eventSpec === undefined) throw new UsageError("pattern test needs PATTERN and EVENT");
  if (patternSpec === "-" && eventSpec === "-") throw new UsageError("PATTERN and EVENT cannot both be read from standard input");
  const patternInput = await readTextInput(patternSpec, host.io, "PATTERN");
  const compiled = compileInput(patternInput);
  const eventInput = await readTextInput(eventSpec, host.io, "EVENT");
  const { events, lines } = readEvents(eventInput);

  let remote: import("./remote.js").RemoteTester | undefined;
  let context: { account?: string; region?: string } = {};
  if (flags.remote) {
    // TestEventPattern refuses an event without its envelope: that is bad input, said before any call.
    for (const input of events) {
      const missing = missingEnvelopeFields(normalizeEventInput(input, eventInput.origin, {}).event);
      if (missing.length > 0) {
        const where = input.line ? `line ${input.line}` : `event ${input.index}`;
        throw new InputError(`EVENT (${eventInput.origin}), ${where}: TestEventPattern needs every envelope field, and this event has no ${missing.join(" and no ")}`, {
          hint: "give the event its source and detail-type (a PutEvents entry: Source and DetailType); the local engine alone matches events without them",
        });
      }
    }
    const { openRemoteTester } = await import("./remote.js");
    remote = await openRemoteTester(host);
    context = remote.context;
  }

  const results: EventResult[] = [];
  try {
    for (const input of events) {
      const { form, event, entry } = normalizeEventInput(input, eventInput.origin, context);
      const explanation = compiled.explain(event);
      const result: EventResult = {
        index: input.index,
        form,
        source: event.source,
        detailType: event["detail-type"],
        matches: explanation.matches,
        explanation,
        entryProblems: form === "entry" ? validateEntry(entry as PutEventsEntry) : [],
        event,
      };
      if (remote) result.remote = await remote.test(patternInput.text.trim(), toJsonText(event), explanation.matches);
      results.push(result);
      if (format === "json" && lines) host.out.result(JSON.stringify(jsonResult(result)));
    }
  } finally {
    remote?.close();
  }

  if (format === "json") {
    if (!lines) host.out.result(JSON.stringify(jsonResult(results[0]!), null, 2));
  } else {
    host.out.result(renderPretty(results, host, lines));
  }
  for (const r of results) {
    if (r.remote?.status === "error") host.out.warn(`TestEventPattern could not run: ${r.remote.message}`);
  }
  if (results.some((r) => r.remote?.status === "error")) return ExitCode.CannotRun;
  const ok = results.every((r) => r.matches && r.entryProblems.length === 0 && r.remote?.status !== "disagrees");
  return ok ? ExitCode.Ok : ExitCode.Problems;
}

function jsonResult(r: EventResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    index: r.index,
    form: r.form,
    source: r.source ?? null,
    detailType: r.detailType ?? null,
    matches: r.matches,
    mismatches: r.explanation.mismatches,
  };
  if (r.explanation.closestAlternative) out.closestAlternative = r.explanation.closestAlternative;
  if (r.form === "entry") out.entryProblems = r.entryProblems;
  if (r.remote) out.remote = r.remote;
  return out;
}

function label(r: EventResult): string {
  const s = typeof r.source === "string" ? r.source : "(no source)";
  const t = typeof r.detailType === "string" ? r.detailType : "(no detail-type)";
  return `${s} / ${t}${r.form === "entry" ? " (PutEvents entry)" : ""}`;
}

function renderPretty(results: EventResult[], host: Host, many: boolean): string {
  const c = host.out.chalk;
  const out: string[] = [];
  for (const r of results) {
    const number = many ? `#${r.index} ` : "";
    const verdict = r.matches ? c.green("✔ match   ") : c.red("✖ no match");
    out.push(`${verdict}  ${number}${label(r)}`);
    if (!r.matches && r.explanation.closestAlternative) {
      const { index, of } = r.explanation.closestAlternative;
      out.push(`    ${c.dim(`closest of the ${of} $or alternatives: #${index + 1}`)}`);
    }
    for (const m of r.explanation.mismatches) {
      const [path, ...rest] = m.message.split(": ");
      out.push(`    ${c.bold(path!)}: ${rest.join(": ")}`);
    }
    for (const p of r.entryProblems) {
      out.push(`    ${c.yellow("PutEvents would reject this entry")} (${p.code}) ${p.field}: ${p.message}`);
    }
    if (r.remote) {
      const text = r.remote.message;
      if (r.remote.status === "agrees") out.push(`    ${c.dim(text)}`);
      else if (r.remote.status === "disagrees") out.push(`    ${c.red(text)}`);
      else if (r.remote.status === "no-result") out.push(`    ${c.yellow(text)}`);
    }
  }
  if (many) {
    const matched = results.filter((r) => r.matches).length;
    out.push("", `${matched} of ${results.length} events match`);
  }
  return out.join("\n");
}

export async function runPatternLint(host: Host, flags: PatternLintFlags, args: string[]): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json"]);
  const [patternSpec] = args;
  if (patternSpec === undefined) throw new UsageError("pattern lint needs PATTERN");
  if (patternSpec === "-" && flags.event === "-") throw new UsageError("PATTERN and --event cannot both be read from standard input");
  const patternInput = await readTextInput(patternSpec, host.io, "PATTERN");
  let sampleEvent: unknown;
  if (flags.event !== undefined) {
    const eventInput = await readTextInput(flags.event, host.io, "--event");
    const { events } = readEvents(eventInput);
    if (events.length !== 1) throw new InputError(`--event (${eventInput.origin}) holds ${events.length} events; give one sample event`);
    sampleEvent = normalizeEventInput(events[0]!, eventInput.origin, {}).event;
  }
  const issues = lintPattern(patternInput.text, sampleEvent === undefined ? {} : { sampleEvent });
  const errors = issues.filter((i) => i.severity === "error").length;
  const warnings = issues.length - errors;
  if (format === "json") {
    host.out.result(JSON.stringify({ pattern: patternInput.origin, errors, warnings, issues }, null, 2));
  } else {
    host.out.result(renderLint(issues, patternInput.origin, host));
  }
  if (errors > 0) return ExitCode.Problems;
  if (warnings > 0 && flags.strict) return ExitCode.Problems;
  return ExitCode.Ok;
}

function renderLint(issues: LintIssue[], origin: string, host: Host): string {
  const c = host.out.chalk;
  if (issues.length === 0) return `${c.green("✔")} ${origin}: valid, no known mistakes`;
  const out = issues.map((i) => {
    const tag = i.severity === "error" ? c.red("error  ") : c.yellow("warning");
    return `${tag}  ${c.bold(i.path)}  ${i.message}  ${c.dim(`[${i.code}]`)}`;
  });
  const errors = issues.filter((i) => i.severity === "error").length;
  out.push("", `${origin}: ${errors} error${errors === 1 ? "" : "s"}, ${issues.length - errors} warning${issues.length - errors === 1 ? "" : "s"}`);
  return out.join("\n");
}
