/**
 * Every AWS call course-doctor makes, as IAM actions, with why and with which command.
 * `iam-policy` prints its policy from this list, and the tests hold the code to it: every
 * SDK command the sources import must be listed here, and the actions a real `check`,
 * `probe` or `logs` run records (`Aws.actionsUsed`) must be inside the printed policy.
 */

/** Read-only actions: the diagnosis and the focused commands. */
export interface ActionUse {
  action: string;
  /** Why course-doctor calls it, shown with --explain. */
  why: string;
  /** The commands (and flags) that call it. */
  by: string;
  /** What it is granted on: everything (default), the bus, the rule, the trace's own log groups, or tail's own rules and log groups. */
  on?: "bus" | "rule" | "trace-group" | "tail-rule" | "tail-group" | "buslog-group" | "buslog-delivery";
}

/** Actions that need no IAM permission (kept so the drift test knows them). */
export const UNRESTRICTED_ACTIONS: readonly string[] = ["sts:GetCallerIdentity"];

/** What `check`, `snapshot`, `rule`, `policy`, `metrics`, `logs`, `route`, `map`, `pattern test --remote` and `init` call (and `tail` reads). */
export const READ_ACTIONS: readonly ActionUse[] = [
  { action: "events:DescribeEventBus", why: "the bus exists; its resource policy", by: "check, snapshot, init" },
  { action: "events:ListEventBuses", why: "same-name rules on other buses; bus suggestions; the buses a function publishes to", by: "check, rule, init, map, tail --cleanup" },
  { action: "events:DescribeRule", why: "the rule's state and pattern", by: "check, rule, metrics, probe" },
  { action: "events:ListRules", why: "check --all; same-name rules on other buses; every rule an event is matched against", by: "check --all, rule, init, route, tail, map" },
  { action: "events:ListTargetsByRule", why: "the rule's targets, retry policy and dead-letter queue", by: "check, rule, policy, metrics, logs, init, probe, map" },
  { action: "events:TestEventPattern", why: "the pattern against the application's event, by EventBridge itself", by: "check --event, pattern test --remote" },
  { action: "lambda:GetFunction", why: "the target exists, its reserved concurrency (0 throttles every invocation) and log group; the publisher's bus setting (values other than the bus are never shown)", by: "check, policy" },
  { action: "lambda:GetPolicy", why: "the target's resource policy admits the rule", by: "check, policy" },
  { action: "lambda:GetFunctionEventInvokeConfig", why: "the target's asynchronous invocation settings: retries, maximum event age, on-failure destination", by: "check" },
  { action: "lambda:ListFunctions", why: "the publishers: functions whose environment names a bus (only variable names are kept)", by: "init, map" },
  { action: "cloudwatch:ListMetrics", why: "the dimension sets the rule's metrics are really published with", by: "check, metrics" },
  { action: "cloudwatch:GetMetricData", why: "MatchedEvents, Invocations, FailedInvocations, the function's Errors and AsyncEventsDropped", by: "check, metrics" },
  { action: "logs:FilterLogEvents", why: "recent error lines; logs; the probe's marker; the events tail reads", by: "check, logs, probe, tail" },
  { action: "logs:DescribeLogGroups", why: "the log group exists; its ARN for Live Tail; which functions have logged at all (check --all)", by: "check --all, logs, probe, tail" },
  { action: "logs:StartLiveTail", why: "live log lines (falls back to polling FilterLogEvents without it)", by: "logs --follow, probe, tail" },
  { action: "sqs:GetQueueAttributes", why: "a queue target's policy and encryption key; the dead-letter queue's depth and policy", by: "check, rule" },
  { action: "sns:GetTopicAttributes", why: "a topic target's policy and encryption key", by: "check, rule" },
  { action: "kms:DescribeKey", why: "whether an encrypted queue or topic uses an AWS managed key", by: "check" },
  { action: "kms:GetKeyPolicy", why: "a customer managed key's policy admits events.amazonaws.com", by: "check" },
  { action: "logs:DescribeResourcePolicies", why: "a log group target's resource policy admits EventBridge", by: "check, probe --cleanup" },
  { action: "logs:DescribeDeliverySources", why: "whether the bus logs, and where (bus.logs)", by: "check, probe --bus-logs" },
  { action: "logs:DescribeDeliveries", why: "the deliveries of the bus's log records", by: "check, probe --bus-logs" },
  { action: "logs:DescribeDeliveryDestinations", why: "the log group the bus's records go to", by: "check, probe --bus-logs" },
  { action: "events:DescribeApiDestination", why: "an API destination target exists", by: "check" },
  { action: "states:DescribeStateMachine", why: "a Step Functions target exists", by: "check" },
  { action: "firehose:DescribeDeliveryStream", why: "a Firehose target exists", by: "check" },
  { action: "iam:GetRole", why: "a target's role, or the publisher's execution role: its trust policy and boundary", by: "check" },
  { action: "iam:ListRolePolicies", why: "the role's inline policies", by: "check" },
  { action: "iam:GetRolePolicy", why: "an inline policy's document", by: "check" },
  { action: "iam:ListAttachedRolePolicies", why: "the role's managed policies", by: "check" },
  { action: "iam:GetPolicy", why: "a managed policy's default version", by: "check" },
  { action: "iam:GetPolicyVersion", why: "a managed policy's document", by: "check" },
  { action: "sts:AssumeRole", why: "reading another account's resources with the role accounts.ID names in the config file", by: "check (cross-account)" },
];

/** Only with `check --peek-dlq`: reading messages makes them invisible for a short while (they are not deleted). */
export const PEEK_ACTIONS: readonly ActionUse[] = [
  { action: "sqs:ReceiveMessage", why: "the newest dead-letter messages and their ERROR_CODE (never deleted)", by: "check --peek-dlq" },
];

/** The writes of `probe` and `check --probe`; the trace's are on its own temporary resources. */
export const PROBE_ACTIONS: readonly ActionUse[] = [
  { action: "events:PutEvents", why: "send the marked probe event to the bus", by: "probe, check --probe", on: "bus" },
];

/** `probe --trace` and `probe --cleanup`: a temporary log group target, removed afterwards. */
export const TRACE_ACTIONS: readonly ActionUse[] = [
  { action: "events:PutTargets", why: "add the temporary log group target to the rule", by: "probe --trace", on: "rule" },
  { action: "events:RemoveTargets", why: "remove the temporary target", by: "probe --trace, probe --cleanup", on: "rule" },
  { action: "logs:CreateLogGroup", why: "the temporary log group /aws/events/course-doctor-trace-*", by: "probe --trace", on: "trace-group" },
  { action: "logs:TagResource", why: "tag the temporary log group (course-doctor=probe-trace) as it is created", by: "probe --trace", on: "trace-group" },
  { action: "logs:DeleteLogGroup", why: "remove the temporary log group", by: "probe --trace, probe --cleanup", on: "trace-group" },
  { action: "logs:PutResourcePolicy", why: "let EventBridge write to the temporary log group", by: "probe --trace" },
  { action: "logs:DeleteResourcePolicy", why: "remove the temporary policy", by: "probe --trace, probe --cleanup" },
];

/**
 * `probe --bus-logs` where the bus does not log to CloudWatch Logs yet: TRACE logging for
 * the probe alone, to a log group of its own; put back and removed afterwards.
 */
export const BUS_LOGS_ACTIONS: readonly ActionUse[] = [
  { action: "events:UpdateEventBus", why: "set the bus's LogConfig to TRACE for the probe, and put the previous one back", by: "probe --bus-logs, probe --cleanup", on: "bus" },
  { action: "events:AllowVendedLogDeliveryForResource", why: "let the bus be the source of a log delivery", by: "probe --bus-logs", on: "bus" },
  { action: "logs:CreateLogGroup", why: "the temporary log group /aws/vendedlogs/course-doctor-buslogs-*", by: "probe --bus-logs", on: "buslog-group" },
  { action: "logs:TagResource", why: "tag what it creates (course-doctor=probe-bus-logs)", by: "probe --bus-logs", on: "buslog-group" },
  { action: "logs:DeleteLogGroup", why: "remove the temporary log group", by: "probe --bus-logs, probe --cleanup", on: "buslog-group" },
  { action: "logs:PutDeliverySource", why: "the bus as a source of TRACE records", by: "probe --bus-logs", on: "buslog-delivery" },
  { action: "logs:PutDeliveryDestination", why: "the temporary log group as their destination", by: "probe --bus-logs", on: "buslog-delivery" },
  { action: "logs:CreateDelivery", why: "link the two", by: "probe --bus-logs", on: "buslog-delivery" },
  { action: "logs:DeleteDelivery", why: "remove the delivery", by: "probe --bus-logs, probe --cleanup", on: "buslog-delivery" },
  { action: "logs:DeleteDeliverySource", why: "remove the delivery source", by: "probe --bus-logs, probe --cleanup", on: "buslog-delivery" },
  { action: "logs:DeleteDeliveryDestination", why: "remove the delivery destination", by: "probe --bus-logs, probe --cleanup", on: "buslog-delivery" },
  { action: "logs:PutResourcePolicy", why: "let log delivery write to the temporary log group", by: "probe --bus-logs" },
  { action: "logs:DeleteResourcePolicy", why: "remove the temporary policy", by: "probe --bus-logs, probe --cleanup" },
];

/** `tail` and `tail --cleanup`: a temporary rule of its own with a log group target, removed afterwards; no existing rule is touched. */
export const TAIL_ACTIONS: readonly ActionUse[] = [
  { action: "events:PutRule", why: "the temporary rule course-doctor-tail-* on the bus", by: "tail", on: "tail-rule" },
  { action: "events:TagResource", why: "tag the temporary rule (course-doctor=tail) as it is created", by: "tail", on: "tail-rule" },
  { action: "events:PutTargets", why: "the temporary rule's log group target", by: "tail", on: "tail-rule" },
  { action: "events:RemoveTargets", why: "remove that target", by: "tail, tail --cleanup", on: "tail-rule" },
  { action: "events:DeleteRule", why: "remove the temporary rule", by: "tail, tail --cleanup", on: "tail-rule" },
  { action: "logs:CreateLogGroup", why: "the temporary log group /aws/events/course-doctor-tail-*", by: "tail", on: "tail-group" },
  { action: "logs:TagResource", why: "tag the temporary log group (course-doctor=tail) as it is created", by: "tail", on: "tail-group" },
  { action: "logs:DeleteLogGroup", why: "remove the temporary log group", by: "tail, tail --cleanup", on: "tail-group" },
  { action: "logs:PutResourcePolicy", why: "let EventBridge write to the temporary log group", by: "tail" },
  { action: "logs:DescribeResourcePolicies", why: "find leftover tail policies", by: "tail --cleanup" },
  { action: "logs:DeleteResourcePolicy", why: "remove the temporary policy", by: "tail, tail --cleanup" },
];

/** What the policy may be narrowed to. */
export interface PolicyScope {
  bus?: string | undefined;
  rule?: string | undefined;
  region?: string | undefined;
  account?: string | undefined;
}

interface Statement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

const TRACE_GROUP = "/aws/events/course-doctor-trace-";
const TAIL_PREFIX = "course-doctor-tail-";
const BUS_LOGS = "course-doctor-buslogs-";
const SID_SUFFIX = { all: "Account", bus: "Bus", rule: "Rule", "trace-group": "LogGroup", "tail-rule": "Rule", "tail-group": "LogGroup", "buslog-group": "LogGroup", "buslog-delivery": "Delivery" } as const;

/**
 * The least-privilege policy: reads on "*" (most of them support no narrower resource, and
 * the rule and function can change); the probe's writes on the bus and rule when known,
 * the trace's on its own log groups only.
 */
export function iamPolicy(options: { probe: boolean; peekDlq: boolean; tail?: boolean; scope?: PolicyScope }): PolicyDocument {
  const scope = options.scope ?? {};
  const region = scope.region ?? "*";
  const account = scope.account ?? "*";
  const bus = scope.bus ? busName(scope.bus) : undefined;
  const resources: Record<NonNullable<ActionUse["on"]> | "all", string | string[]> = {
    all: "*",
    bus: `arn:aws:events:${region}:${account}:event-bus/${bus ?? "*"}`,
    rule: ruleResource(`arn:aws:events:${region}:${account}:rule/`, bus, scope.rule),
    "trace-group": [`arn:aws:logs:${region}:${account}:log-group:${TRACE_GROUP}*`, `arn:aws:logs:${region}:${account}:log-group:${TRACE_GROUP}*:*`],
    "tail-rule": ruleResource(`arn:aws:events:${region}:${account}:rule/`, bus, `${TAIL_PREFIX}*`),
    "tail-group": [`arn:aws:logs:${region}:${account}:log-group:/aws/events/${TAIL_PREFIX}*`, `arn:aws:logs:${region}:${account}:log-group:/aws/events/${TAIL_PREFIX}*:*`],
    "buslog-group": [`arn:aws:logs:${region}:${account}:log-group:/aws/vendedlogs/${BUS_LOGS}*`, `arn:aws:logs:${region}:${account}:log-group:/aws/vendedlogs/${BUS_LOGS}*:*`],
    // A delivery's id is the service's: its ARN cannot be narrowed by name.
    "buslog-delivery": [`arn:aws:logs:${region}:${account}:delivery-source:${BUS_LOGS}*`, `arn:aws:logs:${region}:${account}:delivery-destination:${BUS_LOGS}*`, `arn:aws:logs:${region}:${account}:delivery:*`],
  };
  const statements: Statement[] = [];
  const add = (sid: string, list: readonly ActionUse[]) => {
    const groups = new Map<NonNullable<ActionUse["on"]> | "all", ActionUse[]>();
    for (const use of list) groups.set(use.on ?? "all", [...(groups.get(use.on ?? "all") ?? []), use]);
    for (const [on, uses] of groups) {
      statements.push({ Sid: groups.size === 1 ? sid : `${sid}${SID_SUFFIX[on]}`, Effect: "Allow", Action: actions(uses), Resource: resources[on] });
    }
  };
  add("CourseDoctorRead", READ_ACTIONS);
  if (options.peekDlq) add("CourseDoctorPeekDeadLetterQueue", PEEK_ACTIONS);
  if (options.probe) {
    add("CourseDoctorProbe", PROBE_ACTIONS);
    // CloudWatch Logs resource policies are account-wide: they take no narrower resource.
    add("CourseDoctorTrace", TRACE_ACTIONS);
    add("CourseDoctorBusLogs", BUS_LOGS_ACTIONS);
  }
  // tail writes only resources it names itself; its reads are in READ_ACTIONS.
  if (options.tail) add("CourseDoctorTail", TAIL_ACTIONS);
  return { Version: "2012-10-17", Statement: statements };
}

/** Every action the policy grants (for the drift tests). */
export function grantedActions(policy: PolicyDocument): Set<string> {
  return new Set(policy.Statement.flatMap((statement) => statement.Action));
}

function actions(list: readonly ActionUse[]): string[] {
  return [...new Set(list.map((use) => use.action))].sort();
}

/**
 * Rules on the default bus have no bus in their ARN (rule/NAME); rules on a custom bus do
 * (rule/BUS/NAME). A rule named without its bus may be either.
 */
function ruleResource(prefix: string, bus: string | undefined, rule: string | undefined): string | string[] {
  if (rule === undefined) return bus === undefined || bus === "default" ? `${prefix}*` : `${prefix}${bus}/*`;
  if (bus === undefined) return [`${prefix}${rule}`, `${prefix}*/${rule}`];
  return bus === "default" ? `${prefix}${rule}` : `${prefix}${bus}/${rule}`;
}

function busName(bus: string): string {
  return bus.startsWith("arn:") ? bus.slice(bus.lastIndexOf("/") + 1) : bus;
}
