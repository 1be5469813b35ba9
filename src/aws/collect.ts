/**
 * Collection for `check` and `snapshot`: the only code that reads AWS for a diagnosis.
 * Calls that do not depend on each other run concurrently, in at most three dependent
 * rounds for one rule:
 *   1. identity, bus, rule, targets, publisher, metric dimension sets (names are known);
 *   2. per target: function, concurrency, policy, logs; metric data; TestEventPattern;
 *      dead-letter queue URLs; same-name rules on other buses (only when the rule is missing);
 *   3. dead-letter queue depth (and, with --peek-dlq, its newest messages).
 * Every step records its outcome in the snapshot; collection never throws half-way.
 */
import { ListEventBusesCommand, ListRulesCommand, ListTargetsByRuleCommand, DescribeEventBusCommand, DescribeRuleCommand, TestEventPatternCommand, type Rule, type Target } from "@aws-sdk/client-eventbridge";
import { GetFunctionConcurrencyCommand, GetFunctionConfigurationCommand, GetPolicyCommand } from "@aws-sdk/client-lambda";
import { GetMetricDataCommand, ListMetricsCommand, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { normalizeEvent } from "../event/index.js";
import { busNameOf, lambdaFunctionOf, queueOf, targetKindOf } from "../model/arn.js";
import type {
  AppEvent,
  BusInfo,
  Collected,
  DlqMessage,
  DlqState,
  Identity,
  LambdaTargetState,
  LogLine,
  MetricSeries,
  MetricsState,
  PolicyStatement,
  PublisherState,
  RemoteMatch,
  RuleElsewhere,
  RuleInfo,
  Snapshot,
  TargetInfo,
} from "../model/snapshot.js";
import type { Aws } from "./clients.js";
import { collect, isFatalFailure } from "./errors.js";

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

/** Options that are not part of the pipeline. */
export interface CollectOptions {
  tool: string;
  now?: () => number;
}

/** Rule metrics read for every rule (AWS/Events). */
export const RULE_METRICS = ["MatchedEvents", "TriggeredRules", "Invocations", "FailedInvocations", "DeadLetterInvocations", "ThrottledRules"] as const;
/** Function metrics read for every Lambda target (AWS/Lambda). */
export const FUNCTION_METRICS = ["Invocations", "Errors", "Throttles"] as const;

export { ERROR_LINE } from "../model/log-lines.js";
import { ERROR_LINE } from "../model/log-lines.js";
const ERROR_FILTER = '?ERROR ?Error ?error ?Exception ?Traceback ?FATAL ?"Task timed out" ?"Runtime exited"';

const REDACTED = "<redacted>";

/**
 * Pieces shared by every rule of one run (identity, the bus, the publisher, the bus
 * list): `check --all` collects them once.
 */
export class CollectSession {
  private readonly memo = new Map<string, Promise<unknown>>();
  readonly now: () => number;

  constructor(
    readonly aws: Aws,
    readonly options: CollectOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  private once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = fn();
      this.memo.set(key, value);
    }
    return value;
  }

  identity(): Promise<Collected<Identity>> {
    return this.once("identity", () =>
      collect("sts:GetCallerIdentity", async () => {
        const [who, region] = await Promise.all([this.aws.send("sts", new GetCallerIdentityCommand({})), this.aws.region()]);
        return { account: who.Account ?? "unknown", arn: who.Arn ?? "unknown", region };
      }),
    );
  }

  bus(bus: string): Promise<Collected<BusInfo>> {
    return this.once(`bus:${bus}`, () =>
      collect("events:DescribeEventBus", async () => {
        const out = await this.aws.send("events", new DescribeEventBusCommand({ Name: bus }));
        const info: BusInfo = { name: out.Name ?? busNameOf(bus), arn: out.Arn ?? "" };
        if (out.Policy) info.policy = out.Policy;
        return info;
      }),
    );
  }

  busNames(): Promise<Collected<string[]>> {
    return this.once("buses", () =>
      collect("events:ListEventBuses", async () => {
        const names: string[] = [];
        let next: string | undefined;
        do {
          const page = await this.aws.send("events", new ListEventBusesCommand({ NextToken: next, Limit: 100 }));
          for (const bus of page.EventBuses ?? []) if (bus.Name) names.push(bus.Name);
          next = page.NextToken;
        } while (next);
        return names;
      }),
    );
  }

  /** Every rule on a bus (ListRules returns pattern and state too). */
  rules(bus: string, namePrefix?: string): Promise<Collected<Rule[]>> {
    return this.once(`rules:${bus}:${namePrefix ?? ""}`, () =>
      collect("events:ListRules", async () => {
        const rules: Rule[] = [];
        let next: string | undefined;
        do {
          const page = await this.aws.send("events", new ListRulesCommand({ EventBusName: bus, NamePrefix: namePrefix, NextToken: next, Limit: 100 }));
          rules.push(...(page.Rules ?? []));
          next = page.NextToken;
        } while (next);
        return rules;
      }),
    );
  }

  publisher(name: string, busEnvVar: string, busForHints: string): Promise<PublisherState> {
    return this.once(`publisher:${name}:${busEnvVar}`, async () => ({
      name,
      busEnvVar,
      environment: await collect("lambda:GetFunctionConfiguration", async () => {
        const out = await this.aws.send("lambda", new GetFunctionConfigurationCommand({ FunctionName: name }));
        return redactEnvironment(out.Environment?.Variables ?? {}, busEnvVar, busForHints);
      }),
    }));
  }

  functionConfiguration(name: string, qualifier: string | undefined): Promise<LambdaTargetState["configuration"]> {
    return this.once(`fn:${name}:${qualifier ?? ""}`, () =>
      collect("lambda:GetFunctionConfiguration", async () => {
        const out = await this.aws.send("lambda", new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: qualifier }));
        return dropUndefined({
          arn: out.FunctionArn ?? "",
          state: out.State,
          stateReason: out.StateReason,
          lastUpdateStatus: out.LastUpdateStatus,
          version: out.Version,
          runtime: out.Runtime,
        });
      }),
    );
  }

  concurrency(name: string): Promise<LambdaTargetState["concurrency"]> {
    return this.once(`conc:${name}`, () =>
      collect("lambda:GetFunctionConcurrency", async () => {
        const out = await this.aws.send("lambda", new GetFunctionConcurrencyCommand({ FunctionName: name }));
        return { reserved: out.ReservedConcurrentExecutions ?? null };
      }),
    );
  }

  policy(name: string, qualifier: string | undefined): Promise<LambdaTargetState["policy"]> {
    return this.once(`policy:${name}:${qualifier ?? ""}`, async () => {
      const result = await collect("lambda:GetPolicy", async () => {
        const out = await this.aws.send("lambda", new GetPolicyCommand({ FunctionName: name, Qualifier: qualifier }));
        const document = JSON.parse(out.Policy ?? "{}") as { Statement?: PolicyStatement | PolicyStatement[] };
        const statements = Array.isArray(document.Statement) ? document.Statement : document.Statement ? [document.Statement] : [];
        return out.RevisionId ? { statements, revisionId: out.RevisionId } : { statements };
      });
      // GetPolicy answers ResourceNotFoundException both for a missing function and for a
      // function without any policy; target.exists tells the two apart.
      if (!result.ok && result.reason === "not-found") return { ok: true as const, value: { statements: [] } };
      return result;
    });
  }

  functionErrors(name: string, sinceMs: number): Promise<LambdaTargetState["logs"]> {
    const group = `/aws/lambda/${name}`;
    return this.once(`logs:${name}:${sinceMs}`, async () => {
      const result = await collect("logs:FilterLogEvents", async () => {
        const out = await this.aws.send(
          "logs",
          new FilterLogEventsCommand({ logGroupName: group, startTime: this.now() - sinceMs, filterPattern: ERROR_FILTER, limit: 200 }),
        );
        const events = out.events ?? [];
        // The filter only narrows: emulators match loosely, so every line is checked again.
        const errorLines: LogLine[] = events
          .filter((event) => ERROR_LINE.test(event.message ?? ""))
          .slice(-20)
          .map((event) => ({ timestamp: Math.round(event.timestamp ?? 0), stream: event.logStreamName ?? "", message: (event.message ?? "").trimEnd().slice(0, 2_000) }));
        return { group, groupExists: true, errorLines, scannedLines: events.length };
      });
      // A Lambda log group appears with the first log line: "not found" means "no logs yet".
      if (!result.ok && result.reason === "not-found") return { ok: true as const, value: { group, groupExists: false, errorLines: [], scannedLines: 0 } };
      return result;
    });
  }

  deadLetterQueue(arn: string, peek: boolean): Promise<Collected<DlqState>> {
    return this.once(`dlq:${arn}:${peek}`, async () => {
      const queue = queueOf(arn);
      if (!queue) return { ok: false as const, reason: "error" as const, error: `not an SQS queue ARN: ${arn}` };
      const url = await collect("sqs:GetQueueUrl", async () => {
        const out = await this.aws.send("sqs", new GetQueueUrlCommand({ QueueName: queue.name, QueueOwnerAWSAccountId: queue.account }));
        return out.QueueUrl ?? "";
      });
      if (!url.ok) return url;
      return collect("sqs:GetQueueAttributes", async () => {
        const [attributes, messages] = await Promise.all([
          this.aws.send(
            "sqs",
            new GetQueueAttributesCommand({ QueueUrl: url.value, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
          ),
          peek ? this.peekMessages(url.value) : Promise.resolve(undefined),
        ]);
        const state: DlqState = {
          arn,
          url: url.value,
          depth: Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0),
          inFlight: Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
        };
        if (messages) state.messages = messages;
        return state;
      });
    });
  }

  /**
   * Reads up to 10 messages with a zero visibility timeout, so they stay on the queue
   * for its real consumer (their receive count does go up).
   */
  private async peekMessages(url: string): Promise<DlqMessage[]> {
    const out = await this.aws.send(
      "sqs",
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["SentTimestamp"] }),
    );
    return (out.Messages ?? [])
      .map((message) => {
        const attr = (name: string) => message.MessageAttributes?.[name]?.StringValue;
        const sent = message.Attributes?.SentTimestamp;
        return dropUndefined({
          sentAt: sent ? new Date(Number(sent)).toISOString() : undefined,
          errorCode: attr("ERROR_CODE"),
          errorMessage: attr("ERROR_MESSAGE"),
          ruleArn: attr("RULE_ARN"),
          targetArn: attr("TARGET_ARN"),
          retryAttempts: attr("RETRY_ATTEMPTS") === undefined ? undefined : Number(attr("RETRY_ATTEMPTS")),
        }) as DlqMessage;
      })
      .sort((a, b) => (b.sentAt ?? "").localeCompare(a.sentAt ?? ""));
  }

  /** The dimension sets EventBridge published for a rule name (any bus). */
  metricDimensions(rule: string): Promise<Collected<MetricsState["discovered"]>> {
    return this.once(`dims:${rule}`, () =>
      collect("cloudwatch:ListMetrics", async () => {
        const found: MetricsState["discovered"] = [];
        let next: string | undefined;
        do {
          const page = await this.aws.send("cloudwatch", new ListMetricsCommand({ Namespace: "AWS/Events", Dimensions: [{ Name: "RuleName", Value: rule }], NextToken: next }));
          for (const metric of page.Metrics ?? []) {
            found.push({
              name: metric.MetricName ?? "",
              dimensions: Object.fromEntries((metric.Dimensions ?? []).map((d) => [d.Name ?? "", d.Value ?? ""])),
            });
          }
          next = page.NextToken;
        } while (next);
        return found;
      }),
    );
  }
}

/** Collects the snapshot of one rule's pipeline. */
export async function collectSnapshot(session: CollectSession, request: CollectRequest, preloaded?: Rule): Promise<Snapshot> {
  const { aws } = session;
  const busName = busNameOf(request.bus);

  // Round 1: everything that needs only names.
  const [identity, bus, rule, targets, publisher, discovered] = await Promise.all([
    session.identity(),
    session.bus(request.bus),
    preloaded ? Promise.resolve({ ok: true as const, value: ruleInfoOf(preloaded, busName) }) : describeRule(aws, request),
    listTargets(aws, request),
    request.publisher ? session.publisher(request.publisher, request.busEnvVar, busName) : Promise.resolve(null),
    request.activity === false ? Promise.resolve(NOT_READ) : session.metricDimensions(request.rule),
  ]);

  if (!identity.ok && isFatalFailure(identity)) {
    // No AWS call can succeed (no credentials, endpoint unreachable): stop after round 1.
    return unreachableSnapshot(session, request, { identity, bus, rule, targets, publisher, discovered });
  }

  const allTargets = targets.ok ? targets.value : [];
  const lambdaTargets = lambdaTargetsOf(allTargets, request.function);
  const region = identity.ok ? identity.value.region : await aws.region().catch(() => "us-east-1");
  const account = identity.ok ? identity.value.account : undefined;

  // Round 2: per target, metric data, the remote pattern test, queue URLs.
  const [lambdaStates, metrics, remoteMatch, ruleElsewhere, dlqs] = await Promise.all([
    Promise.all(lambdaTargets.map((target) => collectLambdaTarget(session, target, request.activity === false ? null : request.sinceMs))),
    request.activity === false ? Promise.resolve(NOT_READ) : collectMetrics(session, request, busName, discovered, lambdaTargets),
    rule.ok && rule.value.eventPattern && request.event ? testPatternRemotely(aws, rule.value.eventPattern, request.event, { account, region }) : Promise.resolve(null),
    rule.ok ? Promise.resolve({ ok: true as const, value: [] as RuleElsewhere[] }) : findRuleElsewhere(session, request.rule, busName),
    // (round 2 + 3) dead-letter queues
    Promise.all(
      [...new Set(allTargets.flatMap((target) => (target.deadLetterArn ? [target.deadLetterArn] : [])))].map(
        async (arn) => [arn, await session.deadLetterQueue(arn, request.peekDlq)] as const,
      ),
    ),
  ]);

  return {
    schemaVersion: 1,
    collectedAt: new Date(session.now()).toISOString(),
    tool: session.options.tool,
    request: {
      region: identity.ok ? identity.value.region : region,
      bus: request.bus,
      rule: request.rule,
      function: request.function,
      publisher: request.publisher,
      busEnvVar: request.busEnvVar,
      sinceMs: request.sinceMs,
      endpoint: aws.endpoint,
    },
    identity,
    bus,
    rule,
    ruleElsewhere,
    targets,
    lambdaTargets: Object.fromEntries(lambdaStates.map((state) => [state.targetId, state])),
    deadLetterQueues: Object.fromEntries(dlqs),
    publisher,
    metrics,
    event: request.event,
    remoteMatch,
  };
}

function unreachableSnapshot(
  session: CollectSession,
  request: CollectRequest,
  round1: { identity: Collected<Identity>; bus: Collected<BusInfo>; rule: Collected<RuleInfo>; targets: Collected<TargetInfo[]>; publisher: PublisherState | null; discovered: Collected<MetricsState["discovered"]> },
): Snapshot {
  const failure = round1.identity as Extract<Collected<Identity>, { ok: false }>;
  const notCollected = { ok: false as const, reason: failure.reason, error: failure.error };
  return {
    schemaVersion: 1,
    collectedAt: new Date(session.now()).toISOString(),
    tool: session.options.tool,
    request: {
      region: null,
      bus: request.bus,
      rule: request.rule,
      function: request.function,
      publisher: request.publisher,
      busEnvVar: request.busEnvVar,
      sinceMs: request.sinceMs,
      endpoint: session.aws.endpoint,
    },
    identity: round1.identity,
    bus: round1.bus,
    rule: round1.rule,
    ruleElsewhere: notCollected,
    targets: round1.targets,
    lambdaTargets: {},
    deadLetterQueues: {},
    publisher: round1.publisher,
    metrics: notCollected,
    event: request.event,
    remoteMatch: null,
  };
}

async function describeRule(aws: Aws, request: CollectRequest): Promise<Collected<RuleInfo>> {
  return collect("events:DescribeRule", async () => {
    const out = await aws.send("events", new DescribeRuleCommand({ Name: request.rule, EventBusName: request.bus }));
    return ruleInfoOf(out, busNameOf(request.bus));
  });
}

function ruleInfoOf(rule: Rule, busName: string): RuleInfo {
  return dropUndefined({
    name: rule.Name ?? "",
    arn: rule.Arn ?? "",
    busName: rule.EventBusName ?? busName,
    state: rule.State ?? "ENABLED",
    eventPattern: rule.EventPattern,
    scheduleExpression: rule.ScheduleExpression,
    description: rule.Description,
    managedBy: rule.ManagedBy,
    roleArn: rule.RoleArn,
  }) as RuleInfo;
}

/** Every target of a rule (all pages). */
export async function listTargets(aws: Aws, request: Pick<CollectRequest, "rule" | "bus">): Promise<Collected<TargetInfo[]>> {
  return collect("events:ListTargetsByRule", async () => {
    const targets: Target[] = [];
    let next: string | undefined;
    do {
      const page = await aws.send("events", new ListTargetsByRuleCommand({ Rule: request.rule, EventBusName: request.bus, NextToken: next, Limit: 100 }));
      targets.push(...(page.Targets ?? []));
      next = page.NextToken;
    } while (next);
    return targets.map(targetInfoOf);
  });
}

/** The Lambda targets among `targets`: all of them, or only `fn` (a name or ARN) when given. */
function lambdaTargetsOf(targets: TargetInfo[], fn: string | null): TargetInfo[] {
  return targets.filter((target) => target.kind === "lambda" && target.function && (fn === null || target.function.name === fn || target.arn === fn));
}

/** A target as the snapshot records it. */
export function targetInfoOf(target: Target): TargetInfo {
  const arn = target.Arn ?? "";
  const kind = targetKindOf(arn);
  const info: TargetInfo = { id: target.Id ?? "", arn, kind };
  if (target.RoleArn) info.roleArn = target.RoleArn;
  if (target.RetryPolicy) {
    info.retryPolicy = dropUndefined({
      maximumRetryAttempts: target.RetryPolicy.MaximumRetryAttempts,
      maximumEventAgeInSeconds: target.RetryPolicy.MaximumEventAgeInSeconds,
    });
  }
  if (target.DeadLetterConfig?.Arn) info.deadLetterArn = target.DeadLetterConfig.Arn;
  if (target.Input !== undefined || target.InputPath !== undefined || target.InputTransformer !== undefined) info.transformsInput = true;
  const fn = kind === "lambda" ? lambdaFunctionOf(arn) : undefined;
  if (fn) info.function = fn;
  return info;
}

/** One Lambda target's state; `sinceMs` null skips its logs. */
async function collectLambdaTarget(session: CollectSession, target: TargetInfo, sinceMs: number | null): Promise<LambdaTargetState> {
  const fn = target.function!;
  const [configuration, concurrency, policy, logs] = await Promise.all([
    session.functionConfiguration(fn.name, fn.qualifier),
    session.concurrency(fn.name),
    session.policy(fn.name, fn.qualifier),
    sinceMs === null ? Promise.resolve(NOT_READ) : session.functionErrors(fn.name, sinceMs),
  ]);
  const state: LambdaTargetState = { targetId: target.id, functionName: fn.name, configuration, concurrency, policy, logs };
  if (fn.qualifier) state.qualifier = fn.qualifier;
  return state;
}

/** What `metrics` reads: the rule, its targets and the metrics of both. */
export interface RuleMetrics {
  identity: Collected<Identity>;
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
  const full: CollectRequest = { busEnvVar: "EVENT_BUS_NAME", publisher: null, event: null, peekDlq: false, ...request };
  const [identity, rule, targets, discovered] = await Promise.all([
    session.identity(),
    describeRule(session.aws, full),
    listTargets(session.aws, full),
    session.metricDimensions(request.rule),
  ]);
  if (!identity.ok && isFatalFailure(identity)) {
    return { identity, rule, targets, lambdaTargets: [], metrics: { ok: false, reason: identity.reason, error: identity.error } };
  }
  const lambdaTargets = lambdaTargetsOf(targets.ok ? targets.value : [], request.function);
  const busName = rule.ok ? rule.value.busName : busNameOf(request.bus);
  return { identity, rule, targets, lambdaTargets, metrics: await collectMetrics(session, full, busName, discovered, lambdaTargets) };
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

async function testPatternRemotely(
  aws: Aws,
  pattern: string,
  event: AppEvent,
  context: { account: string | undefined; region: string },
): Promise<Collected<RemoteMatch>> {
  return collect("events:TestEventPattern", async () => {
    const { event: full } = normalizeEvent(event.input as object, { account: context.account ?? "123456789012", region: context.region });
    const out = await aws.send("events", new TestEventPatternCommand({ EventPattern: pattern, Event: JSON.stringify(full) }));
    return { result: typeof out.Result === "boolean" ? out.Result : null };
  });
}

/** A period that gives about 60 points over the window, in whole minutes. */
export function metricPeriodSeconds(sinceMs: number): number {
  return Math.max(60, Math.ceil(sinceMs / 60_000 / 60) * 60);
}

async function collectMetrics(
  session: CollectSession,
  request: CollectRequest,
  busName: string,
  discovered: Collected<MetricsState["discovered"]>,
  lambdaTargets: TargetInfo[],
): Promise<Collected<MetricsState>> {
  const end = session.now();
  const start = end - request.sinceMs;
  const period = request.periodSeconds ?? metricPeriodSeconds(request.sinceMs);
  // What EventBridge publishes (custom bus: EventBusName + RuleName; default bus: RuleName
  // alone), the RuleName-only set people query by mistake, and whatever ListMetrics found.
  const expected: Record<string, string> = busName === "default" ? { RuleName: request.rule } : { EventBusName: busName, RuleName: request.rule };
  const ruleOnly: Record<string, string> = { RuleName: request.rule };
  const wanted: Array<{ namespace: string; name: string; dimensions: Record<string, string> }> = [];
  const seen = new Set<string>();
  const want = (namespace: string, name: string, dimensions: Record<string, string>) => {
    const key = `${namespace}|${name}|${JSON.stringify(Object.entries(dimensions).sort())}`;
    if (seen.has(key)) return;
    seen.add(key);
    wanted.push({ namespace, name, dimensions });
  };
  const found = discovered.ok ? discovered.value : [];
  for (const name of RULE_METRICS) {
    want("AWS/Events", name, expected);
    want("AWS/Events", name, ruleOnly);
    for (const metric of found) {
      if (metric.name !== name) continue;
      // A same-named rule on another bus publishes under its own EventBusName: not ours.
      if (metric.dimensions.EventBusName !== undefined && metric.dimensions.EventBusName !== busName) continue;
      want("AWS/Events", name, metric.dimensions);
    }
  }
  for (const fn of new Set(lambdaTargets.map((target) => target.function!))) {
    for (const name of FUNCTION_METRICS) {
      want("AWS/Lambda", name, fn.qualifier ? { FunctionName: fn.name, Resource: `${fn.name}:${fn.qualifier}` } : { FunctionName: fn.name });
    }
  }
  return collect("cloudwatch:GetMetricData", async () => {
    const queries: MetricDataQuery[] = wanted.map((metric, index) => ({
      Id: `m${index}`,
      MetricStat: {
        Metric: { Namespace: metric.namespace, MetricName: metric.name, Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })) },
        Period: period,
        Stat: "Sum",
      },
      ReturnData: true,
    }));
    const points = new Map<string, Map<string, number>>();
    for (let offset = 0; offset < queries.length; offset += 500) {
      let next: string | undefined;
      do {
        const out = await session.aws.send(
          "cloudwatch",
          new GetMetricDataCommand({ MetricDataQueries: queries.slice(offset, offset + 500), StartTime: new Date(start), EndTime: new Date(end), NextToken: next, ScanBy: "TimestampAscending" }),
        );
        for (const series of out.MetricDataResults ?? []) {
          const byTime = points.get(series.Id ?? "") ?? new Map<string, number>();
          (series.Timestamps ?? []).forEach((time, i) => byTime.set(new Date(time).toISOString(), (byTime.get(new Date(time).toISOString()) ?? 0) + (series.Values?.[i] ?? 0)));
          points.set(series.Id ?? "", byTime);
        }
        next = out.NextToken;
      } while (next);
    }
    const series: MetricSeries[] = wanted.map((metric, index) => {
      const byTime = points.get(`m${index}`) ?? new Map<string, number>();
      const sorted = [...byTime.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, v]) => ({ t, v }));
      return { namespace: metric.namespace, name: metric.name, dimensions: metric.dimensions, stat: "Sum" as const, points: sorted, total: sorted.reduce((sum, p) => sum + p.v, 0) };
    });
    return { start: new Date(start).toISOString(), end: new Date(end).toISOString(), periodSeconds: period, discovered: found, series };
  });
}

/**
 * Keeps the bus variable's value and replaces every other value with "<redacted>", before
 * anything reaches the snapshot. The names of variables whose value names the bus are kept
 * as a hint (a publisher may read its bus from a differently named variable).
 */
export function redactEnvironment(variables: Record<string, string>, busEnvVar: string, busName: string): NonNullable<Extract<PublisherState["environment"], { ok: true }>["value"]> {
  const redacted: Record<string, string> = {};
  const busLike: string[] = [];
  for (const [name, value] of Object.entries(variables)) {
    redacted[name] = name === busEnvVar ? value : REDACTED;
    if (name !== busEnvVar && (value === busName || busNameOf(value) === busName && value.includes(":event-bus/"))) busLike.push(name);
  }
  const busValue = Object.prototype.hasOwnProperty.call(variables, busEnvVar) ? variables[busEnvVar]! : null;
  return busLike.length > 0 ? { busValue, variables: redacted, busLikeVariables: busLike } : { busValue, variables: redacted };
}

function dropUndefined<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}
