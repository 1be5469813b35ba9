/**
 * The readers `check`, `snapshot` and the focused commands collect with: each reads one
 * piece of the pipeline through the narrow AWS services and records its outcome
 * (`Collected`): the value, or why it could not be read. A session remembers what it
 * read, so the pieces rules share (identity, bus, publisher, functions) are read once;
 * `check --all`'s AccountSession (./account.ts) replaces the per-rule reads of metrics,
 * logs and the bus's records with account-wide ones.
 */
import type { Aws } from "../aws/clients.js";
import { collect } from "../aws/errors.js";
import type { Rule } from "../aws/services/events.js";
import { servicesOf, type Services } from "../aws/services/index.js";
import { ERROR_LINE } from "../model/log-lines.js";
import { busNameOf, queueOf } from "../model/arn.js";
import { parseFunctionArn } from "../model/rule-arn.js";
import { queueUrlOf } from "../aws/services/sqs.js";
import type { BusLogScope } from "../model/bus-log.js";
import { readBusLogRecords, readDeliveryLists, type DeliveryLists } from "./bus-logs.js";
import { collectKey, collectRole, collectTargetResource, otherAccount, readerFor, type Reader } from "./resources.js";
import { discoveredFor, readMetrics, type MetricWindow, type WantedMetric } from "./metrics.js";
import { normalizeEvent } from "../event/index.js";
import { toJsonText } from "../pattern/json.js";
import type {
  AppEvent,
  BusInfo,
  BusLogRecords,
  Collected,
  DlqMessage,
  DlqState,
  EventInvokeConfig,
  FunctionConfiguration,
  Identity,
  KeyFacts,
  LambdaTargetState,
  LogLine,
  MetricsState,
  PolicyStatement,
  PublisherState,
  ReadLocation,
  RemoteMatch,
  RoleFacts,
  TargetInfo,
  TargetResourceState,
} from "../model/snapshot.js";
import { redactEnvironment } from "./redact.js";
import { dropUndefined, targetInfoOf } from "./shape.js";

/** What the reads record besides the pipeline. */
export interface CollectOptions {
  tool: string;
  now?: () => number;
}

/** The CloudWatch Logs filter that narrows a function's log to error lines (re-checked locally: emulators match loosely). */
const ERROR_FILTER = '?ERROR ?Error ?error ?Exception ?Traceback ?FATAL ?"Task timed out" ?"Runtime exited"';
/** A function's error scan reads at most this many lines, in at most this many pages. */
const ERROR_SCAN_LIMIT = 200;
const ERROR_SCAN_PAGES = 5;

/** What one GetFunction answer gives the readers. */
interface FunctionFacts {
  configuration: FunctionConfiguration;
  /** Reserved concurrency: null for none, undefined when the answer did not say. */
  reserved: number | null | undefined;
  variables: Record<string, string>;
  arn: string | undefined;
  role: string | undefined;
  logGroup: string | undefined;
}

/** The state of a log group that does not exist: the function has not logged yet. */
export function noLogsYet(group: string): LambdaTargetState["logs"] {
  return { ok: true, value: { group, groupExists: false, errorLines: [], scannedLines: 0 } };
}

/** The newest 20 error lines among the lines a scan returned (in time order), each line re-checked here. */
function errorLinesOf(events: ReadonlyArray<{ timestamp?: number; logStreamName?: string; message?: string }>): { errorLines: LogLine[]; scannedLines: number } {
  const errorLines: LogLine[] = [...events]
    .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
    .filter((event) => ERROR_LINE.test(event.message ?? ""))
    .slice(-20)
    .map((event) => ({ timestamp: Math.round(event.timestamp ?? 0), stream: event.logStreamName ?? "", message: (event.message ?? "").trimEnd().slice(0, 2_000) }));
  return { errorLines, scannedLines: events.length };
}

export class CollectSession {
  readonly services: Services;
  readonly now: () => number;
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    readonly aws: Aws,
    readonly options: CollectOptions,
  ) {
    this.services = servicesOf(aws);
    this.now = options.now ?? Date.now;
  }

  protected once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = fn();
      this.memo.set(key, value);
    }
    return value;
  }

  /** The caller's account, once its identity is read (null when it could not be). */
  async callerAccount(): Promise<string | null> {
    const identity = await this.identity();
    return identity.ok ? identity.value.account : null;
  }

  /** Who reads a resource in `account`/`region` (see resources.ts). */
  async readerFor(account: string, region: string): Promise<Reader> {
    return readerFor(this.aws, await this.callerAccount(), account, region);
  }

  identity(): Promise<Collected<Identity>> {
    return this.once("identity", () => collect(async () => ({ ...(await this.services.sts.getCallerIdentity()), region: this.aws.region })));
  }

  bus(bus: string): Promise<Collected<BusInfo>> {
    return this.once(`bus:${bus}`, () =>
      collect(async () => {
        const out = await this.services.events.describeEventBus(bus);
        const info: BusInfo = { name: out.Name ?? busNameOf(bus), arn: out.Arn ?? "" };
        if (out.Policy) info.policy = out.Policy;
        // Recorded even when the bus has none (OFF, the default): absent means "not read".
        info.logConfig = { level: out.LogConfig?.Level ?? "OFF", includeDetail: out.LogConfig?.IncludeDetail ?? "NONE" };
        if (out.Description) info.description = out.Description;
        if (out.KmsKeyIdentifier) info.kmsKeyId = out.KmsKeyIdentifier;
        if (out.DeadLetterConfig?.Arn) info.deadLetterArn = out.DeadLetterConfig.Arn;
        return info;
      }),
    );
  }

  /** The account's vended-log delivery sources, deliveries and destinations (where buses log to). */
  deliveryLists(): Promise<Collected<DeliveryLists>> {
    return this.once("deliveries", () => readDeliveryLists(this.aws));
  }

  /** The records of the scope's events in a bus's log groups over the last `sinceMs`. */
  busLogRecords(groupArns: readonly string[], scope: BusLogScope, sinceMs: number): Promise<Collected<BusLogRecords>> {
    return this.once(`buslog:${groupArns.join(",")}:${JSON.stringify(scope)}:${sinceMs}`, async () => {
      const end = this.now();
      return readBusLogRecords(this.aws, await this.callerAccount(), groupArns, scope, { start: end - sinceMs, end });
    });
  }

  busNames(): Promise<Collected<string[]>> {
    return this.once("buses", () => collect(async () => (await this.services.events.listEventBuses()).flatMap((bus) => (bus.Name ? [bus.Name] : []))));
  }

  /**
   * Every function of the region with its environment (for finding the functions whose
   * environment names a bus). Callers keep variable names only, never values.
   */
  functions(): Promise<Collected<Array<{ name: string; environment: Record<string, string> }>>> {
    return this.once("functions", () =>
      collect(async () => (await this.services.lambda.listFunctions()).flatMap((fn) => (fn.FunctionName ? [{ name: fn.FunctionName, environment: fn.Environment?.Variables ?? {} }] : []))),
    );
  }

  /** Every rule on a bus (ListRules returns pattern and state too). */
  rules(bus: string, namePrefix?: string): Promise<Collected<Rule[]>> {
    return this.once(`rules:${bus}:${namePrefix ?? ""}`, () => collect(() => this.services.events.listRules(bus, namePrefix)));
  }

  /** Every target of a rule. */
  targets(rule: string, bus: string): Promise<Collected<TargetInfo[]>> {
    return this.once(`targets:${bus}:${rule}`, () => collect(async () => (await this.services.events.listTargets(rule, bus)).map(targetInfoOf)));
  }

  /**
   * The publisher's environment (redacted at once), its ARN and execution role, from one
   * GetFunction read (shared with the function's read as a target). A publisher named by
   * ARN is read in the account and region the ARN names.
   */
  publisher(name: string, busEnvVar: string, busForHints: string): Promise<PublisherState> {
    return this.once(`publisher:${name}:${busEnvVar}`, async () => {
      const fn = parseFunctionArn(name);
      const reader = fn ? await this.readerFor(fn.account, fn.region) : { aws: this.aws };
      const read = reader.aws ? await this.getFunction(name, undefined, servicesOf(reader.aws)) : otherAccount((reader as Reader).location);
      return {
        name,
        busEnvVar,
        function: read.ok ? { ok: true as const, value: { arn: read.value.arn ?? name, roleArn: read.value.role ?? "" } } : read,
        environment: read.ok ? { ok: true as const, value: redactEnvironment(read.value.variables, busEnvVar, busForHints) } : read,
      };
    });
  }

  /** A role's trust policy and permission policies, read in its account. */
  role(roleArn: string): Promise<Collected<RoleFacts>> {
    return this.once(`role:${roleArn}`, async () => collectRole(this.aws, await this.callerAccount(), roleArn));
  }

  /** A KMS key as a queue or topic names it, read where that queue or topic lives. */
  key(key: string, where: ReadLocation): Promise<Collected<KeyFacts>> {
    return this.once(`key:${where.account}:${where.region}:${key}`, async () => collectKey(this.aws, await this.callerAccount(), key, where));
  }

  /** What a target that is not a Lambda function names; null for a kind not read yet. */
  targetResource(target: TargetInfo): Promise<TargetResourceState | null> {
    return this.once(`resource:${target.arn}`, async () => collectTargetResource(this.aws, await this.callerAccount(), target));
  }

  /**
   * One GetFunction answer, reduced to what course-doctor reads (the environment's values
   * stay in memory: only the publisher's are recorded, redacted).
   */
  private getFunction(name: string, qualifier: string | undefined, at: Services): Promise<Collected<FunctionFacts>> {
    return this.once(`fn:${at.aws.region}:${name}:${qualifier ?? ""}`, () =>
      collect(async () => {
        const { configuration: out, reserved } = await at.lambda.getFunction(name, qualifier);
        const configuration: FunctionConfiguration = {
          ...dropUndefined({
            arn: out.FunctionArn ?? "",
            state: out.State,
            stateReason: out.StateReason,
            lastUpdateStatus: out.LastUpdateStatus,
            version: out.Version,
            runtime: out.Runtime,
            executionRoleArn: out.Role,
          }),
          // Null, not absent: absent means a snapshot that did not record it.
          deadLetterTargetArn: out.DeadLetterConfig?.TargetArn || null,
        };
        return { configuration, reserved, variables: out.Environment?.Variables ?? {}, arn: out.FunctionArn, role: out.Role, logGroup: out.LoggingConfig?.LogGroup };
      }),
    );
  }

  /** A function's configuration (with the qualifier), from GetFunction. */
  async functionConfiguration(name: string, qualifier: string | undefined, at: Services = this.services): Promise<LambdaTargetState["configuration"]> {
    const read = await this.getFunction(name, qualifier, at);
    return read.ok ? { ok: true, value: read.value.configuration } : read;
  }

  /**
   * A Lambda target's configuration and the function's reserved concurrency, and the log
   * group the function writes to (its LoggingConfig; undefined for the default
   * /aws/lambda/NAME or when it could not be read). Reserved concurrency belongs to the
   * function: for a qualified target it comes from the qualified answer when that holds it,
   * else from the function's own (a second GetFunction, in GetFunction's own quota).
   */
  async lambdaFunction(
    name: string,
    qualifier: string | undefined,
    at: Services = this.services,
  ): Promise<{ configuration: LambdaTargetState["configuration"]; concurrency: LambdaTargetState["concurrency"]; logGroup: string | undefined }> {
    const read = await this.getFunction(name, qualifier, at);
    const reservedOf = (facts: Collected<FunctionFacts>): LambdaTargetState["concurrency"] => (facts.ok ? { ok: true, value: { reserved: facts.value.reserved ?? null } } : facts);
    const concurrency = qualifier === undefined || (read.ok && read.value.reserved !== undefined) ? reservedOf(read) : reservedOf(await this.getFunction(name, undefined, at));
    return {
      configuration: read.ok ? { ok: true, value: read.value.configuration } : read,
      concurrency,
      logGroup: read.ok ? read.value.logGroup : undefined,
    };
  }

  policy(name: string, qualifier: string | undefined, at: Services = this.services): Promise<LambdaTargetState["policy"]> {
    return this.once(`policy:${at.aws.region}:${name}:${qualifier ?? ""}`, async () => {
      const result = await collect(async () => {
        const out = await at.lambda.getPolicy(name, qualifier);
        const document = JSON.parse(out.policy) as { Statement?: PolicyStatement | PolicyStatement[] };
        const statements = Array.isArray(document.Statement) ? document.Statement : document.Statement ? [document.Statement] : [];
        return out.revisionId ? { statements, revisionId: out.revisionId } : { statements };
      });
      // GetPolicy answers ResourceNotFoundException both for a missing function and for a
      // function without any policy; target.exists tells the two apart.
      if (!result.ok && result.reason === "not-found") return { ok: true as const, value: { statements: [] } };
      return result;
    });
  }

  /** The asynchronous invocation settings; null when none are configured (Lambda's defaults apply). */
  eventInvokeConfig(name: string, qualifier: string | undefined, at: Services = this.services): Promise<NonNullable<LambdaTargetState["eventInvokeConfig"]>> {
    return this.once(`invoke:${at.aws.region}:${name}:${qualifier ?? ""}`, async () => {
      const result = await collect(async () => {
        const out = await at.lambda.getEventInvokeConfig(name, qualifier);
        return dropUndefined({
          maximumRetryAttempts: out.MaximumRetryAttempts,
          maximumEventAgeInSeconds: out.MaximumEventAgeInSeconds,
          onSuccess: out.DestinationConfig?.OnSuccess?.Destination || undefined,
          onFailure: out.DestinationConfig?.OnFailure?.Destination || undefined,
        }) as EventInvokeConfig;
      });
      // ResourceNotFoundException both for "none configured" and for a missing function;
      // target.exists tells the two apart (as for GetPolicy).
      if (!result.ok && result.reason === "not-found") return { ok: true as const, value: null };
      return result;
    });
  }

  /**
   * Recent error lines in a function's log group (/aws/lambda/NAME unless `group` names its
   * own). At most `ERROR_SCAN_PAGES` pages of at most `ERROR_SCAN_LIMIT` lines, oldest first
   * as FilterLogEvents gives them; the newest 20 error lines are kept.
   */
  functionErrors(name: string, sinceMs: number, at: Services = this.services, group = `/aws/lambda/${name}`): Promise<LambdaTargetState["logs"]> {
    return this.once(`logs:${at.aws.region}:${group}:${sinceMs}`, async () => {
      const result = await collect(async () => {
        const events = await at.logs.filterLogEvents({ group, startTime: this.now() - sinceMs, filterPattern: ERROR_FILTER, limit: ERROR_SCAN_LIMIT, maxPages: ERROR_SCAN_PAGES });
        return { group, groupExists: true, ...errorLinesOf(events) };
      });
      // A Lambda log group appears with the first log line: "not found" means "no logs yet".
      if (!result.ok && result.reason === "not-found") return noLogsYet(group);
      return result;
    });
  }

  /**
   * A dead-letter queue's depth and policy (and with `peek` its newest messages), read in
   * its account and region, its URL built from its ARN (no GetQueueUrl round first).
   */
  deadLetterQueue(arn: string, peek: boolean): Promise<Collected<DlqState>> {
    return this.once(`dlq:${arn}:${peek}`, async () => {
      const queue = queueOf(arn);
      if (!queue) return { ok: false as const, reason: "error" as const, error: `not an SQS queue ARN: ${arn}` };
      const reader = await this.readerFor(queue.account, queue.region);
      if (!reader.aws) return otherAccount(reader.location);
      const { sqs } = servicesOf(reader.aws);
      const url = queueUrlOf(arn, reader.aws.endpoint);
      return collect(async () => {
        const [attributes, messages] = await Promise.all([
          sqs.getQueueAttributes(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "Policy", "KmsMasterKeyId"]),
          peek ? this.peekMessages(sqs, url) : Promise.resolve(undefined),
        ]);
        const state: DlqState = {
          arn,
          url,
          depth: Number(attributes.ApproximateNumberOfMessages ?? 0),
          inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
          policy: attributes.Policy ?? null,
          kmsKeyId: attributes.KmsMasterKeyId ?? null,
        };
        if (messages) state.messages = messages;
        return state;
      });
    });
  }

  private async peekMessages(sqs: Services["sqs"], url: string): Promise<DlqMessage[]> {
    return (await sqs.peekMessages(url))
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
    return this.once(`dims:${rule}`, () => collect(async () => discoveredFor(await this.services.cloudwatch.listMetrics("AWS/Events", [{ Name: "RuleName", Value: rule }]), rule)));
  }

  /** Reads a rule's planned metric series over the last `sinceMs`, ending now. */
  readMetrics(wanted: WantedMetric[], window: Omit<MetricWindow, "end">, discovered: MetricsState["discovered"]): Promise<Collected<MetricsState>> {
    return readMetrics(this.services.cloudwatch, wanted, { ...window, end: this.now() }, discovered);
  }

  /** TestEventPattern's verdict on the application's event (null when not asked). */
  remoteMatch(pattern: string, event: AppEvent, account: string | undefined): Promise<Collected<RemoteMatch> | null> {
    return collect(async () => {
      const { event: full } = normalizeEvent(event.input as object, { account: account ?? "123456789012", region: this.aws.region });
      return { result: await this.services.events.testEventPattern(pattern, toJsonText(full)) };
    });
  }
}
