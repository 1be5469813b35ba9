/**
 * Reading the snapshot's metric series the way EventBridge published them: the rule's
 * series are found by the dimension set ListMetrics reported, not by a guess.
 */
import type { MetricSeries, MetricsState, RuleInfo, Snapshot } from "../model/snapshot.js";
import { formatWindow } from "./support.js";

/** Below this, an empty window proves nothing: datapoints arrive per minute and lag by minutes. */
export const MIN_TRUSTED_WINDOW_MS = 5 * 60_000;

export type Dimensions = Record<string, string>;

function sameDimensions(a: Dimensions, b: Dimensions): boolean {
  const ak = Object.keys(a);
  return ak.length === Object.keys(b).length && ak.every((k) => a[k] === b[k]);
}

/** The dimension set a rule's metrics are published with when ListMetrics says nothing. */
export function expectedRuleDimensions(rule: RuleInfo): Dimensions {
  return rule.busName === "default" ? { RuleName: rule.name } : { EventBusName: rule.busName, RuleName: rule.name };
}

/**
 * The dimension set of one of the rule's metrics: the one ListMetrics discovered
 * (preferring the documented form when it lists several), else the documented form.
 */
export function ruleDimensions(metrics: MetricsState, rule: RuleInfo, metric: string): { dimensions: Dimensions; discovered: boolean } {
  const expected = expectedRuleDimensions(rule);
  const candidates = metrics.discovered.filter(
    (d) =>
      d.name === metric &&
      d.dimensions.RuleName === rule.name &&
      (d.dimensions.EventBusName === undefined ? rule.busName === "default" : d.dimensions.EventBusName === rule.busName),
  );
  const best = candidates.find((d) => sameDimensions(d.dimensions, expected)) ?? candidates[0];
  return best ? { dimensions: best.dimensions, discovered: true } : { dimensions: expected, discovered: false };
}

/** The series of a metric with exactly these dimensions, if it was collected. */
export function findSeries(metrics: MetricsState, namespace: string, name: string, dimensions: Dimensions): MetricSeries | undefined {
  return metrics.series.find((s) => s.namespace === namespace && s.name === name && sameDimensions(s.dimensions, dimensions));
}

/** A metric's total over the window; absent datapoints read as 0 (these metrics are sent only when non-zero). */
export function ruleMetricTotal(metrics: MetricsState, rule: RuleInfo, metric: string): number {
  const { dimensions } = ruleDimensions(metrics, rule, metric);
  return findSeries(metrics, "AWS/Events", metric, dimensions)?.total ?? 0;
}

/** "EventBusName+RuleName". */
export function dimensionsLabel(dimensions: Dimensions): string {
  return Object.keys(dimensions).sort().join("+");
}

/** The window the metrics cover, in milliseconds. */
export function windowMs(snapshot: Snapshot, metrics?: MetricsState): number {
  if (metrics) {
    const span = Date.parse(metrics.end) - Date.parse(metrics.start);
    if (Number.isFinite(span) && span > 0) return span;
  }
  return snapshot.request.sinceMs;
}

/** "in the last 1h". */
export function windowLabel(snapshot: Snapshot, metrics?: MetricsState): string {
  return `in the last ${formatWindow(windowMs(snapshot, metrics))}`;
}

/** The AWS/Lambda series for a function (by FunctionName, plus Resource for an alias or version). */
export function lambdaTotal(metrics: MetricsState, name: string, qualifier: string | undefined, metric: string): number | null {
  const qualified = qualifier ? findSeries(metrics, "AWS/Lambda", metric, { FunctionName: name, Resource: `${name}:${qualifier}` }) : undefined;
  const series = qualified ?? findSeries(metrics, "AWS/Lambda", metric, { FunctionName: name });
  return series ? series.total : null;
}
