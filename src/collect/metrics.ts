/**
 * Which metric series a diagnosis reads, and reading them: the rule's metrics with the
 * dimension sets EventBridge really publishes (custom bus: EventBusName + RuleName;
 * default bus: RuleName alone), the RuleName-only set people query by mistake, whatever
 * ListMetrics found for the rule on this bus, and each Lambda target's own metrics.
 */
import type { MetricDataQuery } from "../aws/services/cloudwatch.js";
import { collect } from "../aws/errors.js";
import type { CloudWatchService } from "../aws/services/cloudwatch.js";
import type { Collected, MetricSeries, MetricsState, TargetInfo } from "../model/snapshot.js";

/** Rule metrics read for every rule (AWS/Events). */
export const RULE_METRICS = ["MatchedEvents", "TriggeredRules", "Invocations", "FailedInvocations", "DeadLetterInvocations", "ThrottledRules"] as const;
/** Function metrics read for every Lambda target (AWS/Lambda). */
export const FUNCTION_METRICS = ["Invocations", "Errors", "Throttles"] as const;
/**
 * What Lambda does with an asynchronous event after accepting it (AWS/Lambda): events it
 * dropped, and failures to write them to the function's DLQ or on-failure destination.
 */
export const ASYNC_FUNCTION_METRICS = ["AsyncEventsDropped", "DeadLetterErrors", "DestinationDeliveryFailures"] as const;
/** How long events waited in Lambda's queue (milliseconds): its Maximum, not a sum. */
export const ASYNC_AGE_METRIC = "AsyncEventAge";

/** One series to read. */
export interface WantedMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** Default Sum. */
  stat?: "Sum" | "Maximum";
}

/** A period that gives about 60 points over the window, in whole minutes. */
export function metricPeriodSeconds(sinceMs: number): number {
  return Math.max(60, Math.ceil(sinceMs / 60_000 / 60) * 60);
}

/** The series to read for one rule on `busName` and its Lambda targets; pure. */
export function planMetrics(rule: string, busName: string, discovered: MetricsState["discovered"], lambdaTargets: TargetInfo[]): WantedMetric[] {
  const expected: Record<string, string> = busName === "default" ? { RuleName: rule } : { EventBusName: busName, RuleName: rule };
  const ruleOnly: Record<string, string> = { RuleName: rule };
  const wanted: WantedMetric[] = [];
  const seen = new Set<string>();
  const want = (namespace: string, name: string, dimensions: Record<string, string>, stat?: "Maximum") => {
    const key = `${namespace}|${name}|${JSON.stringify(Object.entries(dimensions).sort())}`;
    if (seen.has(key)) return;
    seen.add(key);
    wanted.push(stat ? { namespace, name, dimensions, stat } : { namespace, name, dimensions });
  };
  for (const name of RULE_METRICS) {
    want("AWS/Events", name, expected);
    want("AWS/Events", name, ruleOnly);
    for (const metric of discovered) {
      if (metric.name !== name) continue;
      // A same-named rule on another bus publishes under its own EventBusName: not ours.
      if (metric.dimensions.EventBusName !== undefined && metric.dimensions.EventBusName !== busName) continue;
      want("AWS/Events", name, metric.dimensions);
    }
  }
  const functions = new Map(lambdaTargets.map((t) => [`${t.function!.name}:${t.function!.qualifier ?? ""}`, t.function!]));
  for (const fn of functions.values()) {
    const dimensions: Record<string, string> = fn.qualifier ? { FunctionName: fn.name, Resource: `${fn.name}:${fn.qualifier}` } : { FunctionName: fn.name };
    for (const name of [...FUNCTION_METRICS, ...ASYNC_FUNCTION_METRICS]) want("AWS/Lambda", name, dimensions);
    want("AWS/Lambda", ASYNC_AGE_METRIC, dimensions, "Maximum");
  }
  return wanted;
}

/** Reads the planned series over [now - sinceMs, now] (Sum per period, or Maximum; no datapoints is 0), in one GetMetricData call. */
export function readMetrics(
  cloudwatch: CloudWatchService,
  wanted: WantedMetric[],
  window: { end: number; sinceMs: number; periodSeconds: number },
  discovered: MetricsState["discovered"],
): Promise<Collected<MetricsState>> {
  const start = window.end - window.sinceMs;
  const period = window.periodSeconds;
  return collect(async () => {
    const queries: MetricDataQuery[] = wanted.map((metric, index) => ({
      Id: `m${index}`,
      MetricStat: {
        Metric: { Namespace: metric.namespace, MetricName: metric.name, Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })) },
        Period: period,
        Stat: metric.stat ?? "Sum",
      },
      ReturnData: true,
    }));
    const points = new Map<string, Map<string, number>>();
    for (const result of await cloudwatch.getMetricData(queries, new Date(start), new Date(window.end))) {
      const byTime = points.get(result.Id ?? "") ?? new Map<string, number>();
      const maximum = wanted[Number((result.Id ?? "").slice(1))]?.stat === "Maximum";
      (result.Timestamps ?? []).forEach((time, i) => {
        const t = new Date(time).toISOString();
        const value = result.Values?.[i] ?? 0;
        byTime.set(t, maximum ? Math.max(byTime.get(t) ?? 0, value) : (byTime.get(t) ?? 0) + value);
      });
      points.set(result.Id ?? "", byTime);
    }
    const series: MetricSeries[] = wanted.map((metric, index) => {
      const byTime = points.get(`m${index}`) ?? new Map<string, number>();
      const sorted = [...byTime.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, v]) => ({ t, v }));
      const stat = metric.stat ?? "Sum";
      const total = stat === "Maximum" ? sorted.reduce((max, p) => Math.max(max, p.v), 0) : sorted.reduce((sum, p) => sum + p.v, 0);
      return { namespace: metric.namespace, name: metric.name, dimensions: metric.dimensions, stat, points: sorted, total };
    });
    return { start: new Date(start).toISOString(), end: new Date(window.end).toISOString(), periodSeconds: period, discovered, series };
  });
}
