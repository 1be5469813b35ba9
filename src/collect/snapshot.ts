/**
 * Collection for `check` and `snapshot`: the rounds of reads that build one rule's
 * snapshot. Calls that do not depend on each other run concurrently, in as few dependent
 * rounds as possible:
 *   1. identity, bus, rule, targets, publisher, metric dimension sets (names are known);
 *   2. per target: function, concurrency, policy, logs, asynchronous invocation settings;
 *      metric data; TestEventPattern;
 *      dead-letter queues; same-name rules on other buses (only when the rule is missing).
 * Every read records its outcome in the snapshot; collection never throws half-way
 * (Ctrl-C excepted: it ends the command).
 */
import { collect, isFatalFailure } from "../aws/errors.js";
import { normalizeEvent } from "../event/index.js";
import { busNameOf } from "../model/arn.js";
import type { AppEvent, Collected, LambdaTargetState, MetricsState, RemoteMatch, RuleElsewhere, RuleInfo, Snapshot, SnapshotRequest, TargetInfo } from "../model/snapshot.js";
import type { CollectSession } from "./readers.js";
import { metricPeriodSeconds, planMetrics, readMetrics } from "./metrics.js";
import { lambdaTargetsOf, ruleInfoOf } from "./shape.js";
import type { Rule } from "../aws/services/events.js";
import { toJsonText } from "../pattern/json.js";

/** What to collect: the pipeline, normalised from flags and config. */
export interface CollectRequest {
  bus: string;
  rule: string;
  function: string | null;
  publisher: string | null;
  busEnvVar: string;
  event: AppEvent | null;
  sinceMs: number;
  peekDlq: boolean;
  /** The profile the run used, so fixes can name it (never a secret). */
  profile?: string | undefined;
  /** Metric period; default about 60 points over the window (`metricPeriodSeconds`). */
  periodSeconds?: number;
  /**
   * False for commands that show only configuration (`rule`, `policy`): no metrics and no
   * log reads, which they would not show. Default true.
   */
  activity?: boolean;
}

/** What a snapshot holds for a part that was not read because the command does not show it. */
const NOT_READ = { ok: false as const, reason: "error" as const, error: "not read by this command" };

function snapshotRequest(session: CollectSession, request: CollectRequest): SnapshotRequest {
  return {
    region: session.aws.region,
    bus: request.bus,
    rule: request.rule,
    function: request.function,
    publisher: request.publisher,
    busEnvVar: request.busEnvVar,
    sinceMs: request.sinceMs,
    endpoint: session.aws.endpoint,
    ...(request.profile ? { profile: request.profile } : {}),
  };
}

/** Collects the snapshot of one rule's pipeline (`preloaded`: the rule as ListRules gave it). */
export async function collectSnapshot(session: CollectSession, request: CollectRequest, preloaded?: Rule): Promise<Snapshot> {
  const busName = busNameOf(request.bus);
  const activity = request.activity !== false;

  // Round 1: everything that needs only names.
  const [identity, bus, rule, targets, publisher, discovered] = await Promise.all([
    session.identity(),
    session.bus(request.bus),
    preloaded ? Promise.resolve({ ok: true as const, value: ruleInfoOf(preloaded, busName) }) : describeRule(session, request),
    session.targets(request.rule, request.bus),
    request.publisher ? session.publisher(request.publisher, request.busEnvVar, busName) : Promise.resolve(null),
    activity ? session.metricDimensions(request.rule) : Promise.resolve(NOT_READ),
  ]);
  const base = {
    schemaVersion: 1 as const,
    tool: session.options.tool,
    request: snapshotRequest(session, request),
    identity,
    bus,
    rule,
    targets,
    publisher,
    event: request.event,
  };

  if (!identity.ok && isFatalFailure(identity)) {
    // No AWS call can succeed (no credentials, endpoint unreachable or silent): stop after round 1.
    const notCollected = { ok: false as const, reason: identity.reason, error: identity.error };
    return { ...base, collectedAt: new Date(session.now()).toISOString(), ruleElsewhere: notCollected, lambdaTargets: {}, deadLetterQueues: {}, metrics: notCollected, remoteMatch: null };
  }

  const allTargets = targets.ok ? targets.value : [];
  const lambdaTargets = lambdaTargetsOf(allTargets, request.function);
  const account = identity.ok ? identity.value.account : undefined;

  // Round 2: per target, metric data, the remote pattern test, dead-letter queues.
  const [lambdaStates, metrics, remoteMatch, ruleElsewhere, dlqs] = await Promise.all([
    Promise.all(lambdaTargets.map((target) => collectLambdaTarget(session, target, activity ? request.sinceMs : null))),
    activity ? collectMetrics(session, request, rule.ok ? rule.value.busName : busName, discovered, lambdaTargets) : Promise.resolve(NOT_READ),
    rule.ok && rule.value.eventPattern && request.event ? testPatternRemotely(session, rule.value.eventPattern, request.event, account) : Promise.resolve(null),
    rule.ok ? Promise.resolve({ ok: true as const, value: [] as RuleElsewhere[] }) : findRuleElsewhere(session, request.rule, busName),
    Promise.all(
      [...new Set(allTargets.flatMap((target) => (target.deadLetterArn ? [target.deadLetterArn] : [])))].map(
        async (arn) => [arn, await session.deadLetterQueue(arn, request.peekDlq)] as const,
      ),
    ),
  ]);

  return {
    ...base,
    collectedAt: new Date(session.now()).toISOString(),
    ruleElsewhere,
    lambdaTargets: Object.fromEntries(lambdaStates.map((state) => [state.targetId, state])),
    deadLetterQueues: Object.fromEntries(dlqs),
    metrics,
    remoteMatch,
  };
}

function describeRule(session: CollectSession, request: CollectRequest): Promise<Collected<RuleInfo>> {
  return collect(async () => ruleInfoOf(await session.services.events.describeRule(request.rule, request.bus), busNameOf(request.bus)));
}

/** One Lambda target's state; `sinceMs` null skips its logs. */
async function collectLambdaTarget(session: CollectSession, target: TargetInfo, sinceMs: number | null): Promise<LambdaTargetState> {
  const fn = target.function!;
  const [configuration, concurrency, policy, logs, eventInvokeConfig] = await Promise.all([
    session.functionConfiguration(fn.name, fn.qualifier),
    session.concurrency(fn.name),
    session.policy(fn.name, fn.qualifier),
    sinceMs === null ? Promise.resolve(NOT_READ) : session.functionErrors(fn.name, sinceMs),
    session.eventInvokeConfig(fn.name, fn.qualifier),
  ]);
  const state: LambdaTargetState = { targetId: target.id, functionName: fn.name, configuration, concurrency, policy, logs, eventInvokeConfig };
  if (fn.qualifier) state.qualifier = fn.qualifier;
  return state;
}

function collectMetrics(
  session: CollectSession,
  request: Pick<CollectRequest, "rule" | "sinceMs" | "periodSeconds">,
  busName: string,
  discovered: Collected<MetricsState["discovered"]>,
  lambdaTargets: TargetInfo[],
): Promise<Collected<MetricsState>> {
  const found = discovered.ok ? discovered.value : [];
  const wanted = planMetrics(request.rule, busName, found, lambdaTargets);
  const periodSeconds = request.periodSeconds ?? metricPeriodSeconds(request.sinceMs);
  return readMetrics(session.services.cloudwatch, wanted, { end: session.now(), sinceMs: request.sinceMs, periodSeconds }, found);
}

/** What `metrics` reads: the rule, its targets and the metrics of both. */
export interface RuleMetrics {
  identity: Snapshot["identity"];
  rule: Collected<RuleInfo>;
  targets: Collected<TargetInfo[]>;
  /** The Lambda targets whose metrics were read (only --function's, when given). */
  lambdaTargets: TargetInfo[];
  metrics: Collected<MetricsState>;
}

/**
 * Only the metrics of one rule and its Lambda targets (with the rule and targets needed to
 * query them): two dependent rounds, no policy, log or queue reads.
 */
export async function collectRuleMetrics(session: CollectSession, request: Pick<CollectRequest, "bus" | "rule" | "function" | "sinceMs" | "periodSeconds">): Promise<RuleMetrics> {
  const [identity, rule, targets, discovered] = await Promise.all([
    session.identity(),
    describeRule(session, { ...request, busEnvVar: "EVENT_BUS_NAME", publisher: null, event: null, peekDlq: false }),
    session.targets(request.rule, request.bus),
    session.metricDimensions(request.rule),
  ]);
  if (!identity.ok && isFatalFailure(identity)) {
    return { identity, rule, targets, lambdaTargets: [], metrics: { ok: false, reason: identity.reason, error: identity.error } };
  }
  const lambdaTargets = lambdaTargetsOf(targets.ok ? targets.value : [], request.function);
  const busName = rule.ok ? rule.value.busName : busNameOf(request.bus);
  return { identity, rule, targets, lambdaTargets, metrics: await collectMetrics(session, request, busName, discovered, lambdaTargets) };
}

/** Rules named `rule` on every bus but `busName` (the "rule on another bus" trap). */
export async function findRuleElsewhere(session: CollectSession, rule: string, busName: string): Promise<Collected<RuleElsewhere[]>> {
  const buses = await session.busNames();
  if (!buses.ok) return buses;
  const others = buses.value.filter((name) => name !== busName);
  const found = await Promise.all(others.map((bus) => session.rules(bus, rule)));
  const elsewhere: RuleElsewhere[] = [];
  for (const [index, result] of found.entries()) {
    if (!result.ok) continue;
    for (const match of result.value) {
      if (match.Name === rule) elsewhere.push({ bus: others[index]!, arn: match.Arn ?? "", state: match.State ?? "ENABLED" });
    }
  }
  const denied = found.find((result) => !result.ok);
  if (denied && !denied.ok && elsewhere.length === 0) return denied;
  return { ok: true, value: elsewhere };
}

function testPatternRemotely(session: CollectSession, pattern: string, event: AppEvent, account: string | undefined): Promise<Collected<RemoteMatch>> {
  return collect(async () => {
    const { event: full } = normalizeEvent(event.input as object, { account: account ?? "123456789012", region: session.aws.region });
    return { result: await session.services.events.testEventPattern(pattern, toJsonText(full)) };
  });
}
