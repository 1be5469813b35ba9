/**
 * `metrics`: the rule's and its Lambda targets' CloudWatch metrics over a window, as a
 * table with a sparkline per metric, and one line saying what the numbers mean.
 *
 * The rule's metrics are read with the dimension set EventBridge really publishes
 * (ListMetrics; EventBusName+RuleName on a custom bus, RuleName alone on the default bus),
 * the same way `check` reads them.
 */
import type { ChalkInstance } from "chalk";
import { ASYNC_FUNCTION_METRICS, FUNCTION_METRICS, RULE_METRICS } from "../collect/metrics.js";
import { collectRuleMetrics } from "../collect/snapshot.js";
import { dimensionsLabel, findSeries, MIN_TRUSTED_WINDOW_MS, ruleDimensions } from "../checks/metrics-support.js";
import { formatWindow } from "../util/duration.js";
import type { Host } from "../host/host.js";
import type { PipelineFlags } from "../settings/resolve.js";
import { UsageError } from "../errors.js";
import { requireReachable, withSession } from "../inspect/session.js";
import { busNameOf } from "../model/arn.js";
import type { MetricsState, RuleInfo, TargetInfo } from "../model/snapshot.js";
import { requireDuration } from "../util/duration.js";

export interface MetricsFlags extends PipelineFlags {
  period?: string;
}

/** One metric's row: its series over the window, bucketed by the period. */
export interface MetricRow {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** The function, for AWS/Lambda rows. */
  function: string | null;
  total: number;
  /** One value per period from start to end; periods without datapoints are 0. */
  buckets: number[];
}

export type Verdict = "ok" | "quiet" | "problem" | "unknown";

export interface MetricsView {
  schemaVersion: 1;
  rule: string;
  bus: string;
  region: string | null;
  start: string | null;
  end: string | null;
  periodSeconds: number;
  rows: MetricRow[];
  /** Set when the rule or its metrics could not be read. */
  error: string | null;
  interpretation: { verdict: Verdict; text: string };
}

/** Default period: a whole number of minutes giving about 40 buckets (3h → 5m). */
export function defaultPeriodSeconds(sinceMs: number): number {
  return Math.max(60, Math.ceil(sinceMs / 40 / 60_000) * 60);
}

/** --period: whole minutes (EventBridge publishes per minute), and not more than 1,440 points. */
export function resolvePeriod(text: string | undefined, sinceMs: number): number {
  if (text === undefined) return defaultPeriodSeconds(sinceMs);
  const ms = requireDuration(text, "--period");
  if (ms < 60_000 || ms % 60_000 !== 0) throw new UsageError(`--period: "${text}" must be a whole number of minutes (1m, 5m, 1h): EventBridge publishes its metrics per minute`);
  const points = Math.ceil(sinceMs / ms);
  if (points > 1_440) throw new UsageError(`--period ${text} over --since ${formatWindow(sinceMs)} gives ${points} points; use a longer period (at most 1,440 points)`);
  return ms / 1_000;
}

/** Sums a series' points into one bucket per period from `start` to `end`. */
export function bucketize(points: Array<{ t: string; v: number }>, start: number, end: number, periodSeconds: number): number[] {
  const periodMs = periodSeconds * 1_000;
  const first = Math.floor(start / periodMs) * periodMs;
  const count = Math.max(1, Math.ceil((end - first) / periodMs));
  const buckets = new Array<number>(count).fill(0);
  for (const point of points) {
    const index = Math.floor((Date.parse(point.t) - first) / periodMs);
    if (index >= 0 && index < count) buckets[index]! += point.v;
  }
  return buckets;
}

const BARS = "▁▂▃▄▅▆▇█";

/**
 * A sparkline of `width` characters at most (adjacent buckets are summed to fit). Zero is
 * a low dot so that "nothing" and "a little" differ; the scale is the row's own maximum.
 */
export function sparkline(buckets: number[], width = 48): string {
  const per = Math.max(1, Math.ceil(buckets.length / width));
  const merged: number[] = [];
  for (let i = 0; i < buckets.length; i += per) merged.push(buckets.slice(i, i + per).reduce((a, b) => a + b, 0));
  const max = Math.max(0, ...merged);
  return merged.map((value) => (value <= 0 || max === 0 ? "·" : BARS[Math.min(BARS.length - 1, Math.ceil((value / max) * BARS.length) - 1)]!)).join("");
}

/** Builds the rows: the rule's metrics first (as published), then each Lambda target's. */
export function metricRows(metrics: MetricsState, rule: RuleInfo | null, ruleName: string, busName: string, lambdaTargets: TargetInfo[]): MetricRow[] {
  const start = Date.parse(metrics.start);
  const end = Date.parse(metrics.end);
  const info: RuleInfo = rule ?? ({ name: ruleName, busName, arn: "", state: "ENABLED" } as RuleInfo);
  const rows: MetricRow[] = [];
  for (const name of RULE_METRICS) {
    const { dimensions } = ruleDimensions(metrics, info, name);
    const series = findSeries(metrics, "AWS/Events", name, dimensions);
    rows.push({ namespace: "AWS/Events", name, dimensions, function: null, total: series?.total ?? 0, buckets: bucketize(series?.points ?? [], start, end, metrics.periodSeconds) });
  }
  const seen = new Set<string>();
  for (const target of lambdaTargets) {
    const fn = target.function;
    if (!fn || seen.has(`${fn.name}:${fn.qualifier ?? ""}`)) continue;
    seen.add(`${fn.name}:${fn.qualifier ?? ""}`);
    for (const name of [...FUNCTION_METRICS, ...ASYNC_FUNCTION_METRICS]) {
      const dimensions: Record<string, string> = fn.qualifier ? { FunctionName: fn.name, Resource: `${fn.name}:${fn.qualifier}` } : { FunctionName: fn.name };
      const series = findSeries(metrics, "AWS/Lambda", name, dimensions);
      rows.push({ namespace: "AWS/Lambda", name, dimensions, function: fn.qualifier ? `${fn.name}:${fn.qualifier}` : fn.name, total: series?.total ?? 0, buckets: bucketize(series?.points ?? [], start, end, metrics.periodSeconds) });
    }
  }
  return rows;
}

/** One line on what the numbers say, and where to look next. */
export function interpret(rows: MetricRow[], windowMs: number): MetricsView["interpretation"] {
  const rule = (name: string) => rows.find((row) => row.namespace === "AWS/Events" && row.name === name)?.total ?? 0;
  const fnRows = rows.filter((row) => row.namespace === "AWS/Lambda");
  const fnTotal = (name: string) => fnRows.filter((row) => row.name === name).reduce((sum, row) => sum + row.total, 0);
  const matched = rule("MatchedEvents");
  const invoked = rule("Invocations");
  const failed = rule("FailedInvocations");
  const deadLettered = rule("DeadLetterInvocations");
  const throttledRule = rule("ThrottledRules");
  const head = `matched ${matched}, invoked ${invoked}, failed ${failed}`;
  const window = formatWindow(windowMs);
  if (failed > 0) {
    const dlq = deadLettered > 0 ? `; ${deadLettered} went to the dead-letter queue (course-doctor check --peek-dlq reads why)` : "";
    return { verdict: "problem", text: `${head} → EventBridge could not invoke the target: check the resource policy (course-doctor policy)${dlq}` };
  }
  if (matched === 0) {
    const young = windowMs < MIN_TRUSTED_WINDOW_MS ? ` (a window under ${formatWindow(MIN_TRUSTED_WINDOW_MS)} proves little: datapoints lag by minutes)` : "";
    return {
      verdict: "quiet",
      text: `nothing matched in the last ${window}${young} → either nothing was published to this bus in this shape, or the pattern does not match it: run course-doctor check`,
    };
  }
  if (invoked === 0) {
    return { verdict: "problem", text: `${head} → events match but no target was invoked: check the targets (course-doctor rule), or look again in a few minutes` };
  }
  if (throttledRule > 0) {
    return { verdict: "problem", text: `${head}, throttled ${throttledRule} → EventBridge is throttling invocations of this rule's targets` };
  }
  if (fnRows.length > 0) {
    const errors = fnTotal("Errors");
    const throttles = fnTotal("Throttles");
    const ran = fnTotal("Invocations");
    const dropped = fnTotal("AsyncEventsDropped");
    if (dropped > 0) {
      return { verdict: "problem", text: `${head}; Lambda dropped ${dropped} after accepting them → its retries, maximum event age or concurrency lose events: run course-doctor check (target.async)` };
    }
    if (errors > 0) return { verdict: "problem", text: `${head}; the function ran ${ran}, failed ${errors} → events reach the function and it fails: read its logs (course-doctor logs)` };
    if (throttles > 0) return { verdict: "problem", text: `${head}; the function was throttled ${throttles} → check its reserved concurrency` };
    return { verdict: "ok", text: `${head}; the function ran ${ran} with 0 errors → EventBridge delivers and the handler runs` };
  }
  return { verdict: "ok", text: `${head} → EventBridge delivers to the target` };
}

/** 1 when the numbers show a problem, else 0 (a quiet window is not a failure). */
export function metricsExitCode(view: MetricsView): number {
  return view.error !== null || view.interpretation.verdict === "problem" ? 1 : 0;
}

/** The table: metric, dimensions, total, sparkline; zero totals dimmed, failures red. */
export function renderMetricsPretty(view: MetricsView, chalk: ChalkInstance, columns = 100): string {
  const lines: string[] = [];
  const span = view.start && view.end ? `${view.start.slice(0, 16).replace("T", " ")} → ${view.end.slice(11, 16)} UTC` : "";
  lines.push(`${chalk.bold(`metrics of rule ${view.rule}`)}  on bus ${view.bus}${view.region ? chalk.dim(`  (${view.region})`) : ""}`);
  if (view.error !== null) {
    lines.push("", `  ${chalk.red("✖")} ${view.error}`);
    return lines.join("\n");
  }
  lines.push(chalk.dim(`  ${span}, one bar per ${formatWindow(view.periodSeconds * 1_000)}${view.rows[0] && view.rows[0].buckets.length > sparkWidth(columns) ? " (bars merged to fit)" : ""}`));
  lines.push("");
  const label = (row: MetricRow) => (row.namespace === "AWS/Events" ? row.name : `${row.function} ${row.name}`);
  const labelWidth = Math.max(...view.rows.map((row) => label(row).length));
  const totalWidth = Math.max(5, ...view.rows.map((row) => String(row.total).length));
  let section = "";
  for (const row of view.rows) {
    const heading = row.namespace === "AWS/Events" ? `AWS/Events  ${dimensionsLabel(row.dimensions)}` : `AWS/Lambda  ${dimensionsLabel(row.dimensions)}`;
    if (heading !== section) {
      section = heading;
      lines.push(`  ${chalk.dim(heading)}`);
    }
    const bad = row.total > 0 && /Failed|Failures|DeadLetter|Throttle|Errors|Dropped/.test(row.name);
    const total = String(row.total).padStart(totalWidth);
    const spark = sparkline(row.buckets, sparkWidth(columns));
    const paint = bad ? chalk.red : row.total === 0 ? chalk.dim : (text: string) => text;
    lines.push(`    ${label(row).padEnd(labelWidth)}  ${paint(total)}  ${paint(spark)}`);
  }
  lines.push("");
  const mark = view.interpretation.verdict === "problem" ? chalk.red("✖") : view.interpretation.verdict === "ok" ? chalk.green("✔") : chalk.yellow("•");
  lines.push(`  ${mark} ${view.interpretation.text}`);
  return lines.join("\n");
}

function sparkWidth(columns: number): number {
  return Math.max(12, Math.min(60, columns - 50));
}

/** Runs `metrics`; returns the exit code. */
export async function runMetrics(host: Host, nameArg: string | undefined, flags: MetricsFlags): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json"]);
  const request = await host.settings.pipeline(flags, { sinceMs: 3 * 3_600_000 });
  const name = nameArg ?? request.rule;
  if (name === null || name === "") throw new UsageError('name the rule: course-doctor metrics RULE (or --rule, or "rule" in the config file)');
  if (nameArg !== undefined && flags.rule !== undefined && nameArg !== flags.rule) throw new UsageError(`two rules named: ${nameArg} and --rule ${flags.rule}; give one`);
  const periodSeconds = resolvePeriod(flags.period, request.sinceMs);
  const busName = busNameOf(request.bus);
  host.out.progress(`reading metrics of rule ${name} on bus ${busName} for the last ${formatWindow(request.sinceMs)}…`);
  const view = await withSession(host, async (session): Promise<MetricsView> => {
    const collected = await collectRuleMetrics(session, { bus: request.bus, rule: name, function: request.function, sinceMs: request.sinceMs, periodSeconds });
    requireReachable(collected.identity);
    const base = { schemaVersion: 1 as const, rule: name, bus: busName, region: collected.identity.ok ? collected.identity.value.region : null, periodSeconds };
    const error = !collected.rule.ok
      ? collected.rule.reason === "not-found"
        ? `no rule ${name} on bus ${busName} (course-doctor rule ${name} looks on the other buses)`
        : `the rule could not be read: ${collected.rule.error}`
      : !collected.metrics.ok
        ? `the metrics could not be read: ${collected.metrics.error}`
        : null;
    if (error !== null || !collected.metrics.ok) {
      return { ...base, start: null, end: null, rows: [], error: error ?? "no metrics", interpretation: { verdict: "unknown", text: error ?? "no metrics" } };
    }
    const metrics = collected.metrics.value;
    const rows = metricRows(metrics, collected.rule.ok ? collected.rule.value : null, name, busName, collected.lambdaTargets);
    return { ...base, start: metrics.start, end: metrics.end, rows, error: null, interpretation: interpret(rows, Date.parse(metrics.end) - Date.parse(metrics.start)) };
  });
  host.out.result(format === "json" ? JSON.stringify(view, null, 2) : renderMetricsPretty(view, host.out.chalk, host.out.columns));
  return metricsExitCode(view);
}
