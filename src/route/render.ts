/** What `route` prints for a person: the matches, the closest misses and their reasons, a verdict. Pure. */
import type { ChalkInstance } from "chalk";
import type { EntryProblem } from "../event/index.js";
import { isEnabled, type Route } from "./route.js";

/** One event's route, as `route` prints it. */
export interface RoutedEvent extends Route {
  bus: string;
  event: Record<string, unknown>;
  /** 1-based position of the event in EVENT. */
  index: number;
  /** For a PutEvents entry: what PutEvents would reject it for (then no rule ever sees it). */
  entryProblems: EntryProblem[];
}

function label(event: Record<string, unknown>): string {
  const text = (value: unknown, none: string) => (typeof value === "string" ? value : none);
  return `${text(event.source, "(no source)")} / ${text(event["detail-type"], "(no detail-type)")}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function renderRoute(r: RoutedEvent, options: { chalk: ChalkInstance; numbered: boolean }): string {
  const c = options.chalk;
  const out: string[] = [`${options.numbered ? `#${r.index} ` : ""}${c.bold(label(r.event))} on bus ${r.bus}`];
  const width = Math.max(8, ...[...r.matches, ...r.misses].map((x) => x.rule.length));
  if (r.matches.length > 0) out.push("", "  matches");
  for (const m of r.matches) {
    if (isEnabled(m.state)) out.push(`  ${c.green("✔")} ${m.rule.padEnd(width)}  ${c.dim(m.state)}`);
    else out.push(`  ${c.yellow("⚠")} ${m.rule.padEnd(width)}  ${c.yellow(m.state)}: it matches, but a disabled rule delivers nothing`);
  }
  if (r.misses.length > 0) out.push("", `  ${r.matches.length > 0 ? "closest misses" : "closest rules (none matches)"}`);
  for (const m of r.misses) {
    const more = m.otherFields.length > 0 ? c.dim(` (+${plural(m.otherFields.length, "more field")}: ${m.otherFields.join(", ")})`) : "";
    out.push(`  ${c.red("✖")} ${m.rule.padEnd(width)}  ${c.bold(m.field)}: ${m.reason}${more}`);
  }
  if (r.skipped.length > 0) out.push("", `  ${c.dim(`not compared: ${r.skipped.map((s) => `${s.rule} (${s.reason})`).join("; ")}`)}`);
  for (const p of r.entryProblems) out.push("", `  ${c.yellow("PutEvents would reject this entry")} (${p.code}) ${p.field}: ${p.message}`);
  out.push("", verdict(r, c));
  return out.join("\n");
}

function verdict(r: RoutedEvent, c: ChalkInstance): string {
  const enabled = r.matches.filter((m) => isEnabled(m.state)).map((m) => m.rule);
  const disabled = r.matches.filter((m) => !isEnabled(m.state)).map((m) => m.rule);
  if (r.entryProblems.length > 0) return c.red("PutEvents would reject the entry: no rule ever sees it.");
  if (enabled.length > 0) {
    const also = disabled.length > 0 ? ` (${plural(disabled.length, "DISABLED rule")} would too: ${disabled.join(", ")})` : "";
    return `${c.green("Taken by")} ${plural(enabled.length, "enabled rule")}: ${enabled.join(", ")}${also}.`;
  }
  if (disabled.length > 0) return `${c.red("No enabled rule matches:")} only DISABLED ${disabled.length === 1 ? "rule" : "rules"} ${disabled.join(", ")} would take it; enable ${disabled.length === 1 ? "it" : "one"} (aws events enable-rule).`;
  const closest = r.misses[0];
  return `${c.red("No rule on bus")} ${r.bus} ${c.red("matches:")} the bus drops this event.${closest ? ` Closest: ${closest.rule} (${closest.field}).` : ""}`;
}
