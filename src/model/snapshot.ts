/**
 * The snapshot: everything `check` collected about one pipeline, as plain JSON. Checks
 * read only this; `snapshot --out` writes it and `check --from` reads it back, so it is
 * also what users attach to bug reports. Secrets never enter it: function environment
 * values other than the bus variable are redacted by the collector.
 */

/** Why a piece could not be collected. */
export type CollectFailureReason =
  | "not-found"
  /** In another account that the run has no credentials for: not read (never "not found"). */
  | "other-account"
  | "access-denied"
  | "throttled"
  | "timeout"
  | "unreachable"
  | "no-credentials"
  /** Before deploy: the template leaves this value to deploy time (an `!ImportValue`, a parameter without a value), or defines it nowhere. */
  | "unresolved"
  | "error";

/**
 * The outcome of one collection step. A failure keeps the service's message and, for a
 * denial, the IAM action that was refused (e.g. "lambda:GetPolicy").
 */
export type Collected<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      reason: CollectFailureReason;
      /** One line for people: the service, its HTTP status, error code and message. */
      error: string;
      /** The IAM action of the read (for a denial: the one refused). */
      action?: string;
      /** The HTTP status the service answered with. */
      status?: number;
      /** The service's error code. */
      code?: string;
    };

/** What the user asked about (flags and config, normalised). */
export interface SnapshotRequest {
  region: string | null;
  /** The bus as given: a name or an ARN. */
  bus: string;
  rule: string | null;
  /** --function: limit the target checks to this function. */
  function: string | null;
  /** --publisher: the function that calls PutEvents. */
  publisher: string | null;
  /** The environment variable the publisher reads its bus from. */
  busEnvVar: string;
  /** Metrics and logs window. */
  sinceMs: number;
  /** The endpoint when not AWS itself (an emulator), else null. */
  endpoint: string | null;
  /** The AWS profile the run used (fixes name it, so they run against the same account). */
  profile?: string;
}

export interface Identity {
  account: string;
  /** The caller's ARN (a role session, a user). */
  arn: string;
  region: string;
}

export interface BusInfo {
  name: string;
  arn: string;
  /** The bus's resource policy, when it has one (cross-account publishing). */
  policy?: string;
  /**
   * The bus's own logging (LogConfig): level OFF — the default — when it has none. Absent
   * in snapshots written before course-doctor recorded it (not read, never "off").
   */
  logConfig?: BusLogConfig;
  /** What UpdateEventBus must be given again to leave unchanged (a log fix passes them along). */
  description?: string;
  kmsKeyId?: string;
  deadLetterArn?: string;
}

/** An event bus's LogConfig (DescribeEventBus). */
export interface BusLogConfig {
  level: "OFF" | "ERROR" | "INFO" | "TRACE" | (string & {});
  includeDetail: "NONE" | "FULL" | (string & {});
}

/** A CloudWatch Logs vended-log delivery whose source is the bus: where its records go. */
export interface BusLogDelivery {
  /** The delivery source's name and log type (ERROR_LOGS, INFO_LOGS, TRACE_LOGS). */
  source: string;
  logType?: string;
  destinationArn: string;
  /** CWL (a log group), S3, FH (Firehose). */
  destinationType?: string;
  /** What the destination writes to: the log group, bucket or delivery stream ARN. */
  resourceArn?: string;
}

/**
 * One record of the bus's own log (the documented schema), reduced to what the checks
 * read. Times are epoch milliseconds.
 */
export interface BusLogRecord {
  timestamp: number;
  messageType: string;
  eventId?: string;
  invocationId?: string;
  logLevel?: string;
  /** details.rule_arn / target_arn (invocation and rule-match records). */
  ruleArn?: string;
  targetArn?: string;
  /** RULE_MATCH: details.target_arns. */
  targetArns?: string[];
  /** Receipt records: the event's source, detail-type and (IncludeDetail FULL) its detail text. */
  source?: string;
  detailType?: string;
  eventDetail?: string;
  /** Attempt records: details.attempt_count / total_attempts. */
  attempts?: number;
  error?: { message?: string; service?: string; status?: number; requestId?: string };
}

/** What the bus's CloudWatch Logs destinations hold for the window, narrowed to one rule's events. */
export interface BusLogRecords {
  groups: string[];
  start: string;
  end: string;
  /** The records read, after narrowing; the newest `limit` when `truncated`. */
  records: BusLogRecord[];
  truncated: boolean;
  /** Log groups that could not be read (denied, in an account with no credentials), with why. */
  unread?: Array<{ group: string; error: string }>;
}

/** The bus's logging: the deliveries whose source is the bus, and their records. */
export interface BusLogsState {
  deliveries: Collected<BusLogDelivery[]>;
  /** Null when there is nothing to read: logging off, or no CloudWatch Logs destination. */
  records: Collected<BusLogRecords> | null;
}

export type RuleState = "ENABLED" | "DISABLED" | "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" | (string & {});

export interface RuleInfo {
  name: string;
  /** The ARN exactly as DescribeRule reported it: never rebuilt. */
  arn: string;
  busName: string;
  state: RuleState;
  /** The pattern text as stored, when the rule has one. */
  eventPattern?: string;
  scheduleExpression?: string;
  description?: string;
  /** Set when a service manages the rule (e.g. a partner or AWS service). */
  managedBy?: string;
  roleArn?: string;
}

/** A rule with the same name on another bus, in another region, or differing only in case. */
export interface RuleElsewhere {
  bus: string;
  arn: string;
  state: RuleState;
  /** The rule's name when it differs from the one asked for (only in case). */
  name?: string;
  /** The region, when it is not the one asked about. */
  region?: string;
}

/** What a target ARN names. "other": a kind course-doctor does not read yet (checks skip it, naming it). */
export type TargetKind =
  | "lambda"
  | "sqs"
  | "sns"
  | "logs"
  | "events"
  | "api-destination"
  | "stepfunctions"
  | "kinesis"
  | "firehose"
  | "ecs"
  | "batch"
  | "other";

/**
 * A target's input settings exactly as ListTargetsByRule returns them (the API's field
 * names, so the input engine and `put-targets` take them as they are). At most one is set;
 * none means the target receives the event unchanged.
 */
export interface TargetInputSettings {
  /** Constant JSON text sent instead of the event. */
  Input?: string;
  /** A JSONPath into the event; its value is sent instead of the event. */
  InputPath?: string;
  /** Variables read from the event, substituted into a template. */
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
}

export interface TargetInfo {
  id: string;
  arn: string;
  kind: TargetKind;
  /** An IAM role EventBridge assumes to reach the target, when set. */
  roleArn?: string;
  retryPolicy?: { maximumRetryAttempts?: number; maximumEventAgeInSeconds?: number };
  deadLetterArn?: string;
  /** The target rewrites the event (Input, InputPath or InputTransformer). Kept for snapshots written before `input`. */
  transformsInput?: boolean;
  /** For a kind course-doctor does not read yet: the AWS service its ARN names. */
  service?: string;
  /**
   * The target's input settings; `{}` when it receives the event unchanged. Absent in
   * snapshots written before course-doctor recorded them: not collected, never "none".
   */
  input?: TargetInputSettings;
  /** For a Lambda target: the function name and the qualifier (alias or version) from its ARN. */
  function?: { name: string; qualifier?: string };
}

export interface FunctionConfiguration {
  /** The resolved ARN (qualified when the target is). */
  arn: string;
  state?: string;
  stateReason?: string;
  lastUpdateStatus?: string;
  version?: string;
  runtime?: string;
  /**
   * The function's own dead-letter queue or topic (DeadLetterConfig.TargetArn): where Lambda
   * sends an asynchronous event it gave up on. Null when none is set; absent in snapshots
   * written before course-doctor recorded it (not collected).
   */
  deadLetterTargetArn?: string | null;
  /** The function's execution role (what an on-failure destination or DLQ must admit). */
  executionRoleArn?: string;
}

/**
 * A function's (or alias's, or version's) asynchronous invocation settings, as
 * GetFunctionEventInvokeConfig returns them. A setting left out means Lambda's default:
 * 2 retries, events kept up to 6 hours, no destination.
 */
export interface EventInvokeConfig {
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  /** DestinationConfig.OnSuccess.Destination. */
  onSuccess?: string;
  /** DestinationConfig.OnFailure.Destination: where Lambda sends an event it gave up on. */
  onFailure?: string;
}

/** One statement of a Lambda resource policy, as returned by GetPolicy (parsed). */
export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface LogLine {
  timestamp: number;
  stream: string;
  message: string;
}

/**
 * Where a resource was read: the account and region its ARN names, and with whose
 * credentials ("caller", "profile NAME", "role ARN"); null when it could not be (another
 * account with no credentials configured for it).
 */
export interface ReadLocation {
  account: string;
  region: string;
  via: string | null;
}

/** What `check` learned about one Lambda target. */
export interface LambdaTargetState {
  targetId: string;
  functionName: string;
  qualifier?: string;
  /** Where the function was read (absent in snapshots older than this field: the caller's account and region). */
  location?: ReadLocation;
  configuration: Collected<FunctionConfiguration>;
  /** Reserved concurrency; null when none is reserved. */
  concurrency: Collected<{ reserved: number | null }>;
  /** The resource policy's statements; an empty list when the function has no policy at all. */
  policy: Collected<{ statements: PolicyStatement[]; revisionId?: string }>;
  /** Recent error lines from /aws/lambda/NAME; `groupExists: false` means no logs yet. */
  logs: Collected<{ group: string; groupExists: boolean; errorLines: LogLine[]; scannedLines: number }>;
  /**
   * The asynchronous invocation settings of the function (with the target's qualifier): null
   * when none are configured (GetFunctionEventInvokeConfig answers ResourceNotFoundException),
   * so Lambda's defaults apply. Absent in snapshots written before course-doctor read them.
   */
  eventInvokeConfig?: Collected<EventInvokeConfig | null>;
}

export interface DlqMessage {
  sentAt?: string;
  errorCode?: string;
  errorMessage?: string;
  ruleArn?: string;
  targetArn?: string;
  retryAttempts?: number;
}

export interface DlqState {
  arn: string;
  url?: string;
  /** The queue policy (it must admit events.amazonaws.com); null when the queue has none; absent when not read. */
  policy?: string | null;
  /** The KMS key the queue is encrypted with; null when none; absent when not read. */
  kmsKeyId?: string | null;
  /** ApproximateNumberOfMessages. */
  depth: number;
  inFlight?: number;
  /** The newest messages, only with --peek-dlq. */
  messages?: DlqMessage[];
}

/** The publisher function's environment, with every value but the bus variable's redacted. */
export interface PublisherState {
  name: string;
  busEnvVar: string;
  /** The function's ARN and execution role, from the same read as its environment. */
  function?: Collected<{ arn: string; roleArn: string }>;
  environment: Collected<{
    /** The bus variable's value; null when the variable is unset. */
    busValue: string | null;
    /** Every variable, values replaced by "<redacted>" except the bus variable. */
    variables: Record<string, string>;
    /** Other variables whose value names the rule's bus (the publisher may read one of those). */
    busLikeVariables?: string[];
  }>;
}

export interface MetricPoint {
  t: string;
  v: number;
}

/** One metric series over the window. */
export interface MetricSeries {
  namespace: "AWS/Events" | "AWS/Lambda" | (string & {});
  name: string;
  dimensions: Record<string, string>;
  /** Sum for counts; Maximum for ages (AsyncEventAge). */
  stat: "Sum" | "Maximum";
  points: MetricPoint[];
  /**
   * Over the window: the sum (Sum) or the largest value (Maximum); 0 when there are no
   * datapoints (these metrics are sent only when non-zero).
   */
  total: number;
}

export interface MetricsState {
  start: string;
  end: string;
  periodSeconds: number;
  /** Dimension sets ListMetrics reported for the rule (what EventBridge really publishes). */
  discovered: Array<{ name: string; dimensions: Record<string, string> }>;
  series: MetricSeries[];
}

/** The application's event, as given (a full event or a PutEvents entry), and where from. */
export interface AppEvent {
  origin: "flags" | "config" | "file" | "inline";
  input: unknown;
}

/** TestEventPattern's answer; `result: null` when the service answered without one (emulators). */
export interface RemoteMatch {
  result: boolean | null;
}

/** What a target other than a Lambda function names, read where its ARN says. */
export interface TargetResourceState {
  targetId: string;
  kind: TargetKind;
  location: ReadLocation;
  /** The resource, or why it could not be read; `not-found` means it does not exist there. */
  resource: Collected<ResourceFacts>;
}

/** The facts about a target resource the checks read; each kind fills what it has. */
export interface ResourceFacts {
  /** The resource's own policy (queue, topic, bus): null when it has none; absent for kinds without one. */
  policy?: string | null;
  /** SQS / SNS server-side encryption with KMS: the key as configured (id, ARN or alias); null when none. */
  kmsKeyId?: string | null;
  /** SQS server-side encryption with SQS-owned keys (no KMS key to grant). */
  sqsManagedSse?: boolean;
  fifo?: boolean;
  /** Log group targets: the account's CloudWatch Logs resource policies (they are account-wide). */
  logPolicies?: Array<{ name: string; document: string }>;
  /** A status the service reports (state machine ACTIVE / DELETING, delivery stream ACTIVE, ...). */
  status?: string;
}

/** An IAM role a target delivers through, or the publisher runs as, with its policies. */
export interface RoleFacts {
  arn: string;
  /** The trust policy (who may assume the role). */
  trustPolicy: string;
  /** Inline and attached managed policies; a document that could not be read is null with why. */
  policies: Array<{ name: string; kind: "inline" | "managed"; arn?: string; document: string | null; error?: string }>;
  /** The permissions boundary, when the role has one. */
  boundary: { arn: string; document: string | null; error?: string } | null;
}

/** A KMS key an encrypted queue or topic uses. */
export interface KeyFacts {
  keyId: string;
  arn: string;
  /** AWS: an AWS managed key (alias/aws/sqs, alias/aws/sns), whose policy cannot be changed. */
  manager: "AWS" | "CUSTOMER";
  /** The key policy (absent when it could not be read). */
  policy?: string;
  policyError?: string;
}

/** What defines a resource in a template or plan: the file, and the logical id (or Terraform address). */
export interface ResourceOrigin {
  file: string;
  /** The logical id (CloudFormation) or the resource address (Terraform). */
  id: string;
  /** AWS::Lambda::Permission, aws_lambda_permission, ... */
  type: string;
  /** Generated by SAM from this AWS::Serverless::Function (and its event): the place to change. */
  sam?: { function: string; event?: string };
}

/** A value the template leaves to deploy time, and the snapshot field that needed it. */
export interface UnresolvedValue {
  /** The snapshot field: "rule.eventPattern", "targets.ID.arn", "lambdaTargets.ID.policy", "bus.policy", ... */
  field: string;
  /** The value as the template writes it: "!ImportValue SharedBusName", "parameter Stage". */
  value: string;
  /** Why it has no value before deploy, and how to give it one. */
  why: string;
  /** The resource (logical id or address) that holds it. */
  resource?: string;
}

/**
 * Where a snapshot came from when it was not read from a running account: a template or a
 * Terraform plan, before deploy. Checks that need a running account (metrics, logs, the
 * DLQ's depth) skip when it is set, and fixes are changes to the template.
 */
export interface SnapshotSource {
  kind: "template" | "tf-plan";
  /** The file(s) read. */
  files: string[];
  /** Every physical identifier the snapshot uses (names, ARNs, URLs, statement ids, "target:ID") → what defines it. */
  logicalIds: Record<string, ResourceOrigin>;
  /** Values left to deploy time, per field that needed them. */
  unresolved: UnresolvedValue[];
  /** True when --account was not given: AWS::AccountId stands as ACCOUNT in every ARN. */
  accountPlaceholder?: boolean;
}

export interface Snapshot {
  schemaVersion: 1;
  /** Set when the snapshot was read from a template or plan before deploy (absent: collected from AWS). */
  source?: SnapshotSource;
  /** ISO time the collection finished. */
  collectedAt: string;
  /** "course-doctor 0.1.0". */
  tool: string;
  request: SnapshotRequest;
  identity: Collected<Identity>;
  bus: Collected<BusInfo>;
  rule: Collected<RuleInfo>;
  /** Rules of the same name on other buses. */
  ruleElsewhere: Collected<RuleElsewhere[]>;
  targets: Collected<TargetInfo[]>;
  /** Per Lambda target, keyed by target id. */
  lambdaTargets: Record<string, LambdaTargetState>;
  /** Per target that is not a Lambda function, keyed by target id (absent in older snapshots). */
  targetResources?: Record<string, TargetResourceState>;
  /** Per role ARN: the targets' roles and the publisher's execution role (absent in older snapshots). */
  roles?: Record<string, Collected<RoleFacts>>;
  /** Per key as a queue or topic names it: their KMS keys (absent in older snapshots). */
  keys?: Record<string, Collected<KeyFacts>>;
  /** Buses of the requested name in other regions, when the bus is missing here. */
  busElsewhere?: Collected<Array<{ region: string; arn: string }>>;
  /** Per dead-letter queue ARN. */
  deadLetterQueues: Record<string, Collected<DlqState>>;
  /** The bus's own logging and, from a CloudWatch Logs destination, its records (absent in older snapshots). */
  busLogs?: BusLogsState;
  publisher: PublisherState | null;
  metrics: Collected<MetricsState>;
  event: AppEvent | null;
  remoteMatch: Collected<RemoteMatch> | null;
}
