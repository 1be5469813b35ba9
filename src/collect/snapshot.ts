/**
 * Collection for `check` and `snapshot`: the rounds of reads that build one rule's
 * snapshot. Calls that do not depend on each other run concurrently, in as few dependent
 * rounds as possible:
 *   1. identity, bus (with its LogConfig), rule, targets, publisher, metric dimension sets,
 *      the account's log deliveries (names are known);
 *   2. per target: the function and its reserved concurrency (GetFunction), policy, logs
 *      (its default log group at once; the one GetFunction names, when another, after),
 *      asynchronous invocation settings; metric data; TestEventPattern; dead-letter
 *      queues; the bus's own log records (when it logs to CloudWatch Logs); same-name rules
 *      on other buses (only when the rule is missing).
 * `check --all` runs this for every rule at once over an AccountSession (./account.ts),
 * whose readers serve all the rules with account-wide reads.
 * Every read records its outcome in the snapshot; collection never throws half-way
 * (Ctrl-C excepted: it ends the command).
 */
import { collect, isFatalFailure } from "../aws/errors.js";
import { busNameOf } from "../model/arn.js";
import { applicationSources, type BusLogScope } from "../model/bus-log.js";
import { deliveriesOfBus, logGroupDestinations } from "./bus-logs.js";
import type { AppEvent, BusLogsState, Collected, LambdaTargetState, MetricsState, RuleElsewhere, RuleInfo, Snapshot, SnapshotRequest, TargetInfo, TargetResourceState } from "../model/snapshot.js";
import type { CollectSession } from "./readers.js";
import { metricPeriodSeconds, planMetrics } from "./metrics.js";
import { lambdaTargetsOf, ruleInfoOf, targetIsNamed } from "./shape.js";
import { otherAccount } from "./resources.js";
import { servicesOf } from "../aws/services/index.js";
import type { EventBridgeService } from "../aws/services/events.js";
import { DEFAULT_REGIONS } from "../model/regions.js";
import { parseFunctionArn } from "../model/rule-arn.js";
import type { Rule } from "../aws/services/events.js";

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

  // Round 1: everything that needs only names. The account's buses are listed beside it
  // (one call, remembered): a missing rule is then looked for on them in round 2.
  const [identity, bus, rule, targets, publisher, discovered, deliveryLists] = await Promise.all([
    session.identity(),
    session.bus(request.bus),
    preloaded ? Promise.resolve({ ok: true as const, value: ruleInfoOf(preloaded, busName) }) : describeRule(session, request),
    session.targets(request.rule, request.bus),
    request.publisher ? session.publisher(request.publisher, request.busEnvVar, busName) : Promise.resolve(null),
    activity ? session.metricDimensions(request.rule) : Promise.resolve(NOT_READ),
    // Where buses log to: account-wide lists, so they need nothing from this round.
    activity ? session.deliveryLists() : Promise.resolve(null),
    session.busNames(),
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
  const otherTargets = allTargets.filter((target) => target.kind !== "lambda" && (request.function === null || targetIsNamed(target, request.function)));
  const account = identity.ok ? identity.value.account : undefined;
  // The roles deliveries go through, and the role the publisher runs as.
  const roleArns = [
    ...new Set([
      ...allTargets.flatMap((target) => (target.roleArn ? [target.roleArn] : [])),
      ...(publisher?.function?.ok && publisher.function.value.roleArn ? [publisher.function.value.roleArn] : []),
    ]),
  ];

  // Round 2: per target (its function, queue, topic, ... and its key), the roles, metric
  // data, the remote pattern test, dead-letter queues; where the rule or bus is not found,
  // where they are instead.
  const busDeliveries: BusLogsState["deliveries"] | null =
    deliveryLists === null || !bus.ok ? null : deliveryLists.ok ? { ok: true, value: deliveriesOfBus(deliveryLists.value, bus.value.arn) } : deliveryLists;
  const logGroups = bus.ok && bus.value.logConfig?.level !== "OFF" && busDeliveries?.ok ? logGroupDestinations(busDeliveries.value) : [];

  const [lambdaStates, resources, roles, metrics, remoteMatch, ruleElsewhere, busElsewhere, dlqs, busLogRecords] = await Promise.all([
    Promise.all(lambdaTargets.map((target) => collectLambdaTarget(session, target, activity ? request.sinceMs : null))),
    Promise.all(otherTargets.map((target) => session.targetResource(target))),
    Promise.all(roleArns.map(async (arn) => [arn, await session.role(arn)] as const)),
    activity ? collectMetrics(session, request, rule.ok ? rule.value.busName : busName, discovered, lambdaTargets) : Promise.resolve(NOT_READ),
    rule.ok && rule.value.eventPattern && request.event ? session.remoteMatch(rule.value.eventPattern, request.event, account) : Promise.resolve(null),
    rule.ok ? Promise.resolve({ ok: true as const, value: [] as RuleElsewhere[] }) : findRuleElsewhere(session, request.rule, busName),
    !bus.ok && bus.reason === "not-found" ? findBusElsewhere(session, busName) : Promise.resolve(undefined),
    Promise.all(
      [...new Set(allTargets.flatMap((target) => (target.deadLetterArn ? [target.deadLetterArn] : [])))].map(
        async (arn) => [arn, await session.deadLetterQueue(arn, request.peekDlq)] as const,
      ),
    ),
    logGroups.length > 0 ? session.busLogRecords(logGroups, busLogScope(request, rule), request.sinceMs) : Promise.resolve(null),
  ]);
  const targetResources = resources.filter((state): state is TargetResourceState => state !== null);
  // The keys encrypted queues and topics (and dead-letter queues) use, read where they live.
  const encrypted = [
    ...targetResources.flatMap((state) => (state.resource.ok && state.resource.value.kmsKeyId ? [{ key: state.resource.value.kmsKeyId, where: state.location }] : [])),
    ...dlqs.flatMap(([arn, dlq]) => {
      const [, , , region = "", owner = ""] = arn.split(":");
      return dlq.ok && dlq.value.kmsKeyId ? [{ key: dlq.value.kmsKeyId, where: { account: owner, region, via: null } }] : [];
    }),
  ];
  const keys = await Promise.all(encrypted.map(({ key, where }) => session.key(key, where).then((facts) => [key, facts] as const)));

  return {
    ...base,
    collectedAt: new Date(session.now()).toISOString(),
    ruleElsewhere,
    ...(busElsewhere ? { busElsewhere } : {}),
    lambdaTargets: Object.fromEntries(lambdaStates.map((state) => [state.targetId, state])),
    targetResources: Object.fromEntries(targetResources.map((state) => [state.targetId, state])),
    roles: Object.fromEntries(roles),
    keys: Object.fromEntries(keys),
    deadLetterQueues: Object.fromEntries(dlqs),
    ...(busDeliveries ? { busLogs: { deliveries: busDeliveries, records: busLogRecords } } : {}),
    metrics,
    remoteMatch,
  };
}

/**
 * Which of the bus's records concern this rule: its own, events that matched no rule,
 * and the receipts of the application's events — by the event's source when one is given,
 * else by the sources the rule's pattern names.
 */
function busLogScope(request: CollectRequest, rule: Collected<RuleInfo>): BusLogScope {
  return { ruleArn: rule.ok ? rule.value.arn : null, sources: applicationSources(request.event?.input, rule.ok ? rule.value.eventPattern : undefined) };
}

function describeRule(session: CollectSession, request: CollectRequest): Promise<Collected<RuleInfo>> {
  return collect(async () => ruleInfoOf(await session.services.events.describeRule(request.rule, request.bus), busNameOf(request.bus)));
}

/**
 * One Lambda target's state, read in the account and region its ARN names (never by its
 * bare name in the caller's account); `sinceMs` null skips its logs.
 */
async function collectLambdaTarget(session: CollectSession, target: TargetInfo, sinceMs: number | null): Promise<LambdaTargetState> {
  const fn = target.function!;
  const arn = parseFunctionArn(target.arn);
  const reader = await session.readerFor(arn?.account ?? "", arn?.region ?? "");
  const base = { targetId: target.id, functionName: fn.name, location: reader.location, ...(fn.qualifier ? { qualifier: fn.qualifier } : {}) };
  if (!reader.aws) {
    const unread = otherAccount(reader.location);
    return { ...base, configuration: unread, concurrency: unread, policy: unread, logs: unread, eventInvokeConfig: unread };
  }
  // Another account's function is named by its ARN in every call.
  const name = reader.location.via === "caller" ? fn.name : arn ? `arn:${arn.partition}:lambda:${arn.region}:${arn.account}:function:${fn.name}` : fn.name;
  const at = servicesOf(reader.aws);
  const defaultGroup = `/aws/lambda/${fn.name}`;
  const [{ configuration, concurrency, logGroup }, policy, defaultLogs, eventInvokeConfig] = await Promise.all([
    session.lambdaFunction(name, fn.qualifier, at),
    session.policy(name, fn.qualifier, at),
    // Read at once from the default group; GetFunction may name another (LoggingConfig).
    sinceMs === null ? Promise.resolve(NOT_READ) : session.functionErrors(fn.name, sinceMs, at),
    session.eventInvokeConfig(name, fn.qualifier, at),
  ]);
  const logs = sinceMs !== null && logGroup !== undefined && logGroup !== defaultGroup ? await session.functionErrors(fn.name, sinceMs, at, logGroup) : defaultLogs;
  return { ...base, configuration, concurrency, policy, logs, eventInvokeConfig };
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
  return session.readMetrics(wanted, { sinceMs: request.sinceMs, periodSeconds }, found);
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

/**
 * Where a rule of that name is, when it is not on `busName`: a rule whose name differs
 * only in case (on this bus or another), a rule of that name on another bus, and — when
 * this region has none — the same bus and rule in the account's other default regions.
 */
export async function findRuleElsewhere(session: CollectSession, rule: string, busName: string): Promise<Collected<RuleElsewhere[]>> {
  // The other regions are asked at once, beside this region's buses: their answers are
  // used only when this region has no rule of that name anywhere.
  const otherRegions = findInOtherRegions(session, async (events) => {
    const described = await events.describeRule(rule, busName);
    return { bus: busName, arn: described.Arn ?? "", state: described.State ?? "ENABLED" };
  });
  const buses = await session.busNames();
  if (!buses.ok) {
    await otherRegions;
    return buses;
  }
  const lower = rule.toLowerCase();
  const found = await Promise.all(buses.value.map((bus) => session.rules(bus)));
  const elsewhere: RuleElsewhere[] = [];
  for (const [index, result] of found.entries()) {
    if (!result.ok) continue;
    const bus = buses.value[index]!;
    for (const match of result.value) {
      const name = match.Name ?? "";
      if (name.toLowerCase() !== lower || (name === rule && bus === busName)) continue;
      elsewhere.push({ bus, arn: match.Arn ?? "", state: match.State ?? "ENABLED", ...(name !== rule ? { name } : {}) });
    }
  }
  const inOtherRegions = await otherRegions;
  if (elsewhere.length === 0) elsewhere.push(...inOtherRegions);
  const denied = found.find((result) => !result.ok);
  if (denied && !denied.ok && elsewhere.length === 0) return denied;
  return { ok: true, value: elsewhere };
}

/** The bus of that name in the account's other default regions (when it is not in this one). */
async function findBusElsewhere(session: CollectSession, busName: string): Promise<Collected<Array<{ region: string; arn: string }>>> {
  const found = await findInOtherRegions(session, async (events) => ({ bus: busName, arn: (await events.describeEventBus(busName)).Arn ?? "", state: "ENABLED" }));
  return { ok: true, value: found.map((f) => ({ region: f.region!, arn: f.arn })) };
}

/**
 * Asks every other default region at once, under the command's deadline; a region that
 * does not answer (not enabled, denied, not found) simply has nothing.
 */
async function findInOtherRegions(session: CollectSession, ask: (events: EventBridgeService) => Promise<RuleElsewhere>): Promise<RuleElsewhere[]> {
  const regions = DEFAULT_REGIONS.filter((region) => region !== session.aws.region);
  const answers = await Promise.all(
    regions.map(async (region) => {
      const answer = await collect(() => ask(servicesOf(session.aws.inRegion(region)).events));
      return answer.ok ? [{ ...answer.value, region }] : [];
    }),
  );
  return answers.flat();
}

