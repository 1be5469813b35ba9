/**
 * Which metric series a diagnosis reads, and reading them: the rule's metrics with the
 * dimension sets EventBridge really publishes (custom bus: EventBusName + RuleName;
 * default bus: RuleName alone), the RuleName-only set people query by mistake, whatever
 * ListMetrics found for the rule on this bus, and each Lambda target's own metrics.
 */
import { collect } from "../aws/errors.js";
import { QUERIES_PER_CALL, type CloudWatchService, type Metric, type MetricDataQuery, type MetricDataResult } from "../aws/services/cloudwatch.js";
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

/** One key per series: namespace, name, dimensions and statistic. */
export function metricKey(metric: WantedMetric): string {
  return `${metric.namespace}|${metric.name}|${metric.stat ?? "Sum"}|${JSON.stringify(Object.entries(metric.dimensions).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/** The series to read for one rule on `busName` and its Lambda targets; pure. */
export function planMetrics(rule: string, busName: string, discovered: MetricsState["discovered"], lambdaTargets: TargetInfo[]): WantedMetric[] {
  const expected: Record<string, string> = busName === "default" ? { RuleName: rule } : { EventBusName: busName, RuleName: rule };
  const ruleOnly: Record<string, string> = { RuleName: rule };
  const wanted: WantedMetric[] = [];
  const seen = new Set<string>();
  const want = (namespace: string, name: string, dimensions: Record<string, string>, stat?: "Maximum") => {
    const metric: WantedMetric = stat ? { namespace, name, dimensions, stat } : { namespace, name, dimensions };
    const key = metricKey(metric);
    if (seen.has(key)) return;
    seen.add(key);
    wanted.push(metric);
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

/**
 * The dimension sets ListMetrics reported for `rule` (among `metrics`, which may hold other
 * rules' too), in a stable order: the service's own order is not part of the answer.
 */
export function discoveredFor(metrics: readonly Metric[], rule: string): MetricsState["discovered"] {
  return metrics
    .filter((metric) => (metric.Dimensions ?? []).some((d) => d.Name === "RuleName" && d.Value === rule))
    .map((metric) => ({ name: metric.MetricName ?? "", dimensions: Object.fromEntries((metric.Dimensions ?? []).map((d) => [d.Name ?? "", d.Value ?? ""])) }))
    .sort((a, b) => a.name.localeCompare(b.name) || JSON.stringify(Object.entries(a.dimensions).sort()).localeCompare(JSON.stringify(Object.entries(b.dimensions).sort())));
}

/** The window one reading covers: [end - sinceMs, end], in periods of `periodSeconds`. */
export interface MetricWindow {
  end: number;
  sinceMs: number;
  periodSeconds: number;
}

/** The GetMetricData queries of `metrics`, with ids `m0`, `m1`, ... (offset by `firstIndex`). */
function metricQueries(metrics: readonly WantedMetric[], periodSeconds: number, firstIndex = 0): MetricDataQuery[] {
  return metrics.map((metric, index) => ({
    Id: `m${firstIndex + index}`,
    MetricStat: {
      Metric: { Namespace: metric.namespace, MetricName: metric.name, Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })) },
      Period: periodSeconds,
      Stat: metric.stat ?? "Sum",
    },
    ReturnData: true,
  }));
}

/** Adds GetMetricData's results to `points` (by query id, then by time); a series may come back in several pages. */
function addPoints(points: Map<string, Map<string, number>>, results: readonly MetricDataResult[], statOf: (id: string) => WantedMetric["stat"]): void {
  for (const result of results) {
    const id = result.Id ?? "";
    const byTime = points.get(id) ?? new Map<string, number>();
    const maximum = statOf(id) === "Maximum";
    (result.Timestamps ?? []).forEach((time, i) => {
      const t = new Date(time).toISOString();
      const value = result.Values?.[i] ?? 0;
      byTime.set(t, maximum ? Math.max(byTime.get(t) ?? 0, value) : (byTime.get(t) ?? 0) + value);
    });
    points.set(id, byTime);
  }
}

/** The metrics state of `wanted`, each series' points given by `pointsOf(index)` (no datapoints is 0). */
function metricsStateOf(wanted: readonly WantedMetric[], pointsOf: (index: number) => Map<string, number> | undefined, window: MetricWindow, discovered: MetricsState["discovered"]): MetricsState {
  const series: MetricSeries[] = wanted.map((metric, index) => {
    const sorted = [...(pointsOf(index) ?? new Map<string, number>()).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, v]) => ({ t, v }));
    const stat = metric.stat ?? "Sum";
    const total = stat === "Maximum" ? sorted.reduce((max, p) => Math.max(max, p.v), 0) : sorted.reduce((sum, p) => sum + p.v, 0);
    return { namespace: metric.namespace, name: metric.name, dimensions: metric.dimensions, stat, points: sorted, total };
  });
  return { start: new Date(window.end - window.sinceMs).toISOString(), end: new Date(window.end).toISOString(), periodSeconds: window.periodSeconds, discovered, series };
}

/** Reads the planned series over the window (Sum per period, or Maximum; no datapoints is 0), in GetMetricData calls of up to 500 queries. */
export function readMetrics(cloudwatch: CloudWatchService, wanted: WantedMetric[], window: MetricWindow, discovered: MetricsState["discovered"]): Promise<Collected<MetricsState>> {
  return collect(async () => {
    const points = new Map<string, Map<string, number>>();
    const results = await cloudwatch.getMetricData(metricQueries(wanted, window.periodSeconds), new Date(window.end - window.sinceMs), new Date(window.end));
    addPoints(points, results, (id) => wanted[Number(id.slice(1))]?.stat);
    return metricsStateOf(wanted, (index) => points.get(`m${index}`), window, discovered);
  });
}

/** How long a series waits for others to share its GetMetricData call. */
const BATCH_LINGER_MS = 500;

/**
 * GetMetricData for many rules at once (check --all): every rule's series over one window,
 * each series read once however many rules ask for it (a function several rules target),
 * in calls of up to 500 queries. A call goes out when 500 series are waiting, or when the
 * oldest has waited `BATCH_LINGER_MS`; each rule gets its metrics, exactly as reading them
 * alone would record them, once the calls holding its series have answered.
 */
export class MetricBatch {
  private readonly all: WantedMetric[] = [];
  private readonly byKey = new Map<string, { index: number; read: Promise<Collected<void>> }>();
  private pending: Array<{ index: number; done: (outcome: Collected<void>) => void }> = [];
  private readonly points = new Map<string, Map<string, number>>();
  private linger: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly cloudwatch: CloudWatchService,
    readonly window: MetricWindow,
  ) {}

  /** A rule's metrics, read with every other rule's. */
  async read(wanted: readonly WantedMetric[], discovered: MetricsState["discovered"]): Promise<Collected<MetricsState>> {
    const indices = wanted.map((metric) => this.seriesOf(metric));
    if (this.pending.length >= QUERIES_PER_CALL) this.flush();
    else if (this.pending.length > 0 && this.linger === undefined) this.linger = setTimeout(() => this.flush(), BATCH_LINGER_MS);
    const outcomes = await Promise.all(indices.map((index) => this.byKey.get(metricKey(this.all[index]!))!.read));
    const failure = outcomes.find((outcome) => !outcome.ok);
    if (failure && !failure.ok) return failure;
    return { ok: true, value: metricsStateOf(wanted, (i) => this.points.get(`m${indices[i]}`), this.window, discovered) };
  }

  private seriesOf(metric: WantedMetric): number {
    const key = metricKey(metric);
    const known = this.byKey.get(key);
    if (known) return known.index;
    const index = this.all.length;
    this.all.push(metric);
    let done!: (outcome: Collected<void>) => void;
    const read = new Promise<Collected<void>>((resolve) => (done = resolve));
    this.byKey.set(key, { index, read });
    this.pending.push({ index, done });
    return index;
  }

  /** Sends what is waiting, 500 queries a call. */
  private flush(): void {
    if (this.linger !== undefined) clearTimeout(this.linger);
    this.linger = undefined;
    const waiting = this.pending;
    this.pending = [];
    for (let offset = 0; offset < waiting.length; offset += QUERIES_PER_CALL) {
      const batch = waiting.slice(offset, offset + QUERIES_PER_CALL);
      const queries = batch.flatMap(({ index }) => metricQueries([this.all[index]!], this.window.periodSeconds, index));
      void collect(async () => {
        const results = await this.cloudwatch.getMetricData(queries, new Date(this.window.end - this.window.sinceMs), new Date(this.window.end));
        addPoints(this.points, results, (id) => this.all[Number(id.slice(1))]?.stat);
      }).then((outcome) => {
        for (const { done } of batch) done(outcome);
      });
    }
  }
}
