/**
 * `check --all`: every rule on a bus collected as one account-wide pass, then sliced into
 * the per-rule snapshots a one-rule collection makes (the checks see no difference).
 *
 * What one rule's collection would read per rule is read once for all of them here:
 * - the bus, identity, publisher, log deliveries: once (as the session always did);
 * - the rules page by page, each page's rules going straight on to ListTargetsByRule;
 * - each function once, however many rules target it (GetFunction, GetPolicy, ...);
 * - the metric dimension sets in one ListMetrics pass over AWS/Events, the series in
 *   GetMetricData calls of up to 500 queries shared by every rule (`MetricBatch`);
 * - the Lambda log groups that exist, listed first: a function that has never logged needs
 *   no FilterLogEvents call; the others get the same bounded scan a single rule makes;
 * - a bus's own log records once for all its rules, sliced per rule;
 * - the pattern against the application's event with the local engine only: no
 *   TestEventPattern call per rule (`remoteMatch` is null: not asked).
 * Every rule runs at once; the token buckets behind `Aws.call` keep each AWS quota's pace, so
 * the phases of different rules overlap instead of adding up.
 */
import type { Aws } from "../aws/clients.js";
import { collect, failed } from "../aws/errors.js";
import type { Rule } from "../aws/services/events.js";
import type { Services } from "../aws/services/index.js";
import { InterruptedError } from "../errors.js";
import type { BusLogScope } from "../model/bus-log.js";
import type { AppEvent, BusLogRecords, Collected, LambdaTargetState, MetricsState, RemoteMatch, Snapshot } from "../model/snapshot.js";
import { readLogGroups, recordsInScope, type GroupRead } from "./bus-logs.js";
import { discoveredFor, MetricBatch, metricPeriodSeconds, type MetricWindow, type WantedMetric } from "./metrics.js";
import { CollectSession, noLogsYet, type CollectOptions } from "./readers.js";
import { collectSnapshot, type CollectRequest } from "./snapshot.js";

/** Pages of Lambda log groups listed before the functions' logs are read (50 a page). */
const LOG_GROUP_PAGES = 10;
const LAMBDA_GROUP_PREFIX = "/aws/lambda/";

/** A CollectSession whose reads serve every rule of a bus at once. */
export class AccountSession extends CollectSession {
  private readonly metrics: MetricBatch;
  private readonly window: MetricWindow;
  private readonly logGroupLists = new Map<Aws, Promise<{ names: Set<string>; complete: boolean } | null>>();

  constructor(aws: Aws, options: CollectOptions, request: { sinceMs: number; periodSeconds?: number }) {
    super(aws, options);
    this.window = { end: this.now(), sinceMs: request.sinceMs, periodSeconds: request.periodSeconds ?? metricPeriodSeconds(request.sinceMs) };
    this.metrics = new MetricBatch(this.services.cloudwatch, this.window);
  }

  /** Starts the account-wide reads that need no rule, so they are done when the rules need them. */
  prefetch(): void {
    void this.eventsMetrics();
    void this.lambdaLogGroups(this.services);
  }

  /** One ListMetrics pass: every AWS/Events metric with a RuleName dimension. */
  private eventsMetrics(): Promise<Collected<Awaited<ReturnType<Services["cloudwatch"]["listMetrics"]>>>> {
    return this.once("dims:*", () => collect(() => this.services.cloudwatch.listMetrics("AWS/Events", [{ Name: "RuleName" }])));
  }

  override async metricDimensions(rule: string): Promise<Collected<MetricsState["discovered"]>> {
    const listed = await this.eventsMetrics();
    return listed.ok ? { ok: true, value: discoveredFor(listed.value, rule) } : listed;
  }

  override readMetrics(wanted: WantedMetric[], window: Omit<MetricWindow, "end">, discovered: MetricsState["discovered"]): Promise<Collected<MetricsState>> {
    if (window.sinceMs !== this.window.sinceMs || window.periodSeconds !== this.window.periodSeconds) return super.readMetrics(wanted, window, discovered);
    return this.metrics.read(wanted, discovered);
  }

  /** The local engine decides; TestEventPattern is not asked once per rule. */
  override remoteMatch(_pattern: string, _event: AppEvent, _account: string | undefined): Promise<Collected<RemoteMatch> | null> {
    return Promise.resolve(null);
  }

  /** The Lambda log groups of the account and region `at` reads (null when they could not be listed). */
  private lambdaLogGroups(at: Services): Promise<{ names: Set<string>; complete: boolean } | null> {
    let listed = this.logGroupLists.get(at.aws);
    if (!listed) {
      listed = collect(() => at.logs.listLogGroupNames(LAMBDA_GROUP_PREFIX, LOG_GROUP_PAGES)).then((result) => (result.ok ? { names: new Set(result.value.names), complete: result.value.complete } : null));
      this.logGroupLists.set(at.aws, listed);
    }
    return listed;
  }

  /** A group the listing shows does not exist has no logs yet: no call needed. */
  override async functionErrors(name: string, sinceMs: number, at: Services = this.services, group = `${LAMBDA_GROUP_PREFIX}${name}`): Promise<LambdaTargetState["logs"]> {
    if (group.startsWith(LAMBDA_GROUP_PREFIX)) {
      const listed = await this.lambdaLogGroups(at);
      if (listed?.complete && !listed.names.has(group)) return noLogsYet(group);
    }
    return super.functionErrors(name, sinceMs, at, group);
  }

  /**
   * A bus's records read once (every record of the window) and sliced per rule; when the
   * read hit its limit, a slice could miss records, so that rule's own read is made instead.
   */
  override async busLogRecords(groupArns: readonly string[], scope: BusLogScope, sinceMs: number): Promise<Collected<BusLogRecords>> {
    const window = { start: this.window.end - sinceMs, end: this.window.end };
    const reads = await this.once(`buslog:*:${groupArns.join(",")}:${sinceMs}`, async (): Promise<GroupRead[]> => readLogGroups(this.aws, await this.callerAccount(), groupArns, undefined, window));
    if (reads.some((r) => r.result.ok && r.result.value.truncated)) return super.busLogRecords(groupArns, scope, sinceMs);
    return recordsInScope(reads, scope, window);
  }
}

/** How far `collectAllRules` has come: rules checked, rules listed, and whether the listing is complete. */
export type AllRulesProgress = (checked: number, listed: number, listingComplete: boolean) => void;

/**
 * The snapshots of every rule on `base.bus`, in ListRules order. Fails only when the rules
 * cannot be listed (the caller says why: no bus, no access, no endpoint).
 */
export async function collectAllRules(session: AccountSession, base: Omit<CollectRequest, "rule">, onProgress: AllRulesProgress = () => undefined): Promise<Collected<Snapshot[]>> {
  session.prefetch();
  const started: Array<Promise<Snapshot>> = [];
  let checked = 0;
  let complete = false;
  const start = (rule: Rule) => {
    started.push(
      collectSnapshot(session, { ...base, rule: rule.Name ?? "" }, rule).then((snapshot) => {
        checked++;
        onProgress(checked, started.length, complete);
        return snapshot;
      }),
    );
  };
  try {
    type Page = { rules: Rule[]; next: string | undefined };
    let page: Promise<Page> | undefined = session.services.events.listRulesPage(base.bus);
    while (page) {
      const { rules, next }: Page = await page;
      // The next page is asked for before this one's rules queue their reads behind it.
      page = next ? session.services.events.listRulesPage(base.bus, next) : undefined;
      complete = page === undefined;
      for (const rule of rules) if (rule.Name) start(rule);
      onProgress(checked, started.length, complete);
    }
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    // Rules already started finish (their reads were sent); the listing's failure is the answer.
    await Promise.allSettled(started);
    return failed(error);
  }
  return { ok: true, value: await Promise.all(started) };
}
