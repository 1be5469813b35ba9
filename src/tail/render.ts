/** One tailed event for a person (a line) and for a script (a JSON object). Pure. */
import type { ChalkInstance } from "chalk";
import type { TailedEvent } from "./tail.js";

/** How much of the detail a line shows. */
const PREVIEW_CHARS = 60;

/** The detail as compact JSON, cut to a preview. */
export function detailPreview(detail: unknown, chars = PREVIEW_CHARS): string {
  const text = JSON.stringify(detail ?? {}) ?? "";
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

/** `2026-12-02T01:59:41Z  shop.orders  Order Created  {"id":"1"}  → order-created` */
export function renderTailedEvent(event: TailedEvent, chalk: ChalkInstance): string {
  const rules = event.rules.length > 0 ? chalk.green(`→ ${event.rules.join(", ")}`) : chalk.red("→ no rule");
  const disabled = event.disabledRules.length > 0 ? chalk.yellow(` (DISABLED: ${event.disabledRules.join(", ")})`) : "";
  return `${chalk.dim(event.time || "(no time)")}  ${chalk.cyan(event.source || "(no source)")}  ${chalk.bold(event.detailType || "(no detail-type)")}  ${detailPreview(event.event.detail)}  ${rules}${disabled}`;
}

/** One line of `tail --format json`: {"time", "source", "detail-type", "rules", "disabledRules", "event"}. */
export function tailedEventJson(event: TailedEvent): Record<string, unknown> {
  return { time: event.time, source: event.source, "detail-type": event.detailType, rules: event.rules, disabledRules: event.disabledRules, event: event.event };
}
