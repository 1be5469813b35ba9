/**
 * target.async: what Lambda does with an event after it accepted it. EventBridge invokes
 * a function asynchronously; from then on a function error or a throttle is Lambda's
 * business, not an EventBridge failure (FailedInvocations stays 0), and the rule target's
 * dead-letter queue never sees it. Lambda retries (2 by default), keeps events up to a
 * maximum age (6 hours by default), then drops them — into an on-failure destination or
 * the function's own dead-letter queue when one is set, else without a trace
 * (invocation-async-configuring; AsyncEventsDropped in monitoring-metrics-types).
 */
import type { Finding } from "../model/finding.js";
import type { EventInvokeConfig, LambdaTargetState, MetricsState, Snapshot, TargetInfo } from "../model/snapshot.js";
import { lambdaTotal, windowLabel } from "./metrics-support.js";
import { accountOf, awsCommand, describeTarget, finding, formatWindow, plural, regionOf, skipped, subjectOf, unreadable, perTarget, type Check } from "./support.js";
import { templateFixes } from "./template-fixes.js";

/** Lambda's defaults when no asynchronous invocation settings are configured. */
export const DEFAULT_ASYNC_RETRIES = 2;
export const DEFAULT_MAX_EVENT_AGE_SECONDS = 21_600;
/**
 * A maximum age this short, with this little reserved concurrency, lets a burst expire
 * while it waits for a free instance: events queue when every reserved instance is busy.
 */
export const SHORT_MAX_AGE_SECONDS = 300;
export const LOW_RESERVED_CONCURRENCY = 10;

/** "queue orders-failures", "topic alerts", "function replay", "bus audit", "bucket b". */
export function describeDestination(arn: string): string {
  const parts = arn.split(":");
  const service = parts[2];
  const last = parts.slice(5).join(":");
  switch (service) {
    case "sqs":
      return `queue ${last}`;
    case "sns":
      return `topic ${last}`;
    case "lambda":
      return `function ${last.replace(/^function:/, "")}`;
    case "events":
      return `bus ${last.replace(/^event-bus\//, "")}`;
    case "s3":
      return `bucket ${last}`;
    default:
      return arn;
  }
}

/** The action the function's execution role needs to write to a destination or DLQ. */
function writeActionFor(arn: string): string {
  switch (arn.split(":")[2]) {
    case "sns":
      return "sns:Publish";
    case "lambda":
      return "lambda:InvokeFunction";
    case "events":
      return "events:PutEvents";
    case "s3":
      return "s3:PutObject";
    default:
      return "sqs:SendMessage";
  }
}

/** What the asynchronous settings amount to: configured values, else Lambda's defaults. */
interface Effective {
  retries: number;
  maxAgeSeconds: number;
  configured: EventInvokeConfig | null;
  onFailure: string | undefined;
  /** The function's own DLQ; undefined when not known. */
  functionDlq: string | null | undefined;
}

function retriesText(retries: number): string {
  return `${retries} ${retries === 1 ? "retry" : "retries"}`;
}

function settingsText(e: Effective): string {
  const age = `events kept up to ${formatWindow(e.maxAgeSeconds * 1000)}`;
  const defaults = e.configured === null ? "Lambda's defaults: " : "";
  return `${defaults}${retriesText(e.retries)}, ${age}`;
}

/** The asynchronous metrics of the function over the window; null for a metric that was not read. */
function asyncMetrics(metrics: MetricsState | null, name: string, qualifier: string | undefined) {
  const read = (metric: string) => (metrics ? lambdaTotal(metrics, name, qualifier, metric) : null);
  return {
    asyncEventsDropped: read("AsyncEventsDropped"),
    asyncEventAgeMaxMs: read("AsyncEventAge"),
    deadLetterErrors: read("DeadLetterErrors"),
    destinationDeliveryFailures: read("DestinationDeliveryFailures"),
    throttles: read("Throttles"),
    errors: read("Errors"),
  };
}

/** The asynchronous metrics as evidence: a series the snapshot does not hold was not read (an older snapshot), which is not 0. */
function asyncEvidence(metrics: MetricsState | null, m: ReturnType<typeof asyncMetrics>): Record<string, unknown> {
  if (!metrics) return { asyncMetrics: "not read (see metrics.matched)" };
  const shown = (value: number | null) => (value === null ? "not read" : value);
  return {
    asyncEventsDropped: shown(m.asyncEventsDropped),
    asyncEventAgeMaxMs: shown(m.asyncEventAgeMaxMs),
    deadLetterErrors: shown(m.deadLetterErrors),
    destinationDeliveryFailures: shown(m.destinationDeliveryFailures),
  };
}

function roleNameOf(roleArn: string | undefined): string | undefined {
  if (!roleArn) return undefined;
  const resource = roleArn.split(":").slice(5).join(":");
  return resource.startsWith("role/") ? resource.split("/").pop() : undefined;
}

/**
 * The role policy that lets the execution role write to `destination`, as fix lines (IAM is
 * global: no --region). A role the snapshot does not name is ROLE, with how to find it.
 */
function rolePolicyLines(state: LambdaTargetState, destination: string, region: string | null): string[] {
  const role = roleNameOf(state.configuration.ok ? state.configuration.value.executionRoleArn : undefined);
  const document = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: writeActionFor(destination), Resource: destination }] });
  const command = awsCommand(["iam", "put-role-policy"], [["--role-name", role ?? "ROLE"], ["--policy-name", "course-doctor-async-on-failure"], ["--policy-document", document]]);
  if (role) return [`  ${command}`];
  const find = awsCommand(["lambda", "get-function-configuration"], [["--function-name", state.functionName], ["--query", "Role"], ["--output", "text"], ["--region", region]]);
  return [`  ${command}`, "where ROLE is the function's execution role, the last part of:", `  ${find}`];
}

/** The commands that give the function an on-failure destination, keeping its other asynchronous settings. */
function destinationFix(snapshot: Snapshot, state: LambdaTargetState, e: Effective): string[] {
  const template = templateFixes(snapshot);
  if (template) return [template.asyncDestination(state.functionName, state.qualifier, e.retries === 0)];
  const region = regionOf(snapshot);
  const account = accountOf(snapshot) ?? "ACCOUNT";
  const queue = `${state.functionName}${state.qualifier ? `-${state.qualifier}` : ""}-async-failures`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 80);
  const queueArn = `arn:aws:sqs:${region ?? "REGION"}:${account}:${queue}`;
  const retries = e.retries === 0 ? DEFAULT_ASYNC_RETRIES : e.retries;
  const keepAge = e.configured?.maximumEventAgeInSeconds;
  const destinations: Record<string, { Destination: string }> = { OnFailure: { Destination: queueArn } };
  if (e.configured?.onSuccess) destinations.OnSuccess = { Destination: e.configured.onSuccess };
  const put = awsCommand(
    ["lambda", "put-function-event-invoke-config"],
    [
      ["--function-name", state.functionName],
      ["--qualifier", state.qualifier],
      ["--maximum-retry-attempts", String(retries)],
      ["--maximum-event-age-in-seconds", keepAge === undefined ? undefined : String(keepAge)],
      ["--destination-config", JSON.stringify(destinations)],
      ["--region", region],
    ],
  );
  const lines = [
    `Keep what Lambda gives up on in an on-failure destination: a queue for it (or name any queue, topic, function or bus of yours instead of ${queue}):`,
    `  ${awsCommand(["sqs", "create-queue"], [["--queue-name", queue], ["--region", region]])}`,
    `  ${put}`,
    `put-function-event-invoke-config replaces every asynchronous setting${state.qualifier ? ` of ${state.functionName}:${state.qualifier}` : ""}: the command keeps the ones set today${e.retries === 0 ? " and sets 2 retries (0 today: keep 0 if the handler must not run twice)" : ""}.`,
    "Lambda writes there with the function's execution role, so the role needs sqs:SendMessage on the queue:",
    ...rolePolicyLines(state, queueArn, region),
  ];
  if (!state.qualifier) {
    lines.push(
      "Or give the function its own dead-letter queue (same permission needed):",
      `  ${awsCommand(["lambda", "update-function-configuration"], [["--function-name", state.functionName], ["--dead-letter-config", `TargetArn=${queueArn}`], ["--region", region]])}`,
    );
  }
  return lines;
}

function checkTarget(snapshot: Snapshot, target: TargetInfo): Finding {
  const subject = subjectOf(target);
  if (target.kind !== "lambda" || !target.function) {
    return skipped("target.async", `${describeTarget(target)}: not a function; EventBridge's own retries and dead-letter queue apply (see target.retry)`, undefined, subject);
  }
  const state = snapshot.lambdaTargets[target.id];
  if (!state) return skipped("target.async", `${subject}: not collected`, undefined, subject);
  if (!state.configuration.ok && state.configuration.reason === "not-found") {
    return skipped("target.async", `${subject} does not exist (see target.exists)`, undefined, subject);
  }
  const invoke = state.eventInvokeConfig;
  if (invoke === undefined) {
    return skipped("target.async", `${subject}: this snapshot does not record its asynchronous invocation settings (written by an older course-doctor: collect it again)`, undefined, subject);
  }
  if (!invoke.ok) return unreadable(snapshot, "target.async", `${subject}'s asynchronous invocation settings`, invoke, subject);
  if (!state.configuration.ok) return unreadable(snapshot, "target.async", `${subject}'s configuration (its dead-letter queue)`, state.configuration, subject);

  const configured = invoke.value;
  const e: Effective = {
    retries: configured?.maximumRetryAttempts ?? DEFAULT_ASYNC_RETRIES,
    maxAgeSeconds: configured?.maximumEventAgeInSeconds ?? DEFAULT_MAX_EVENT_AGE_SECONDS,
    configured,
    onFailure: configured?.onFailure,
    functionDlq: state.configuration.value.deadLetterTargetArn,
  };
  const reserved = state.concurrency.ok ? state.concurrency.value.reserved : undefined;
  const metrics = snapshot.metrics.ok ? snapshot.metrics.value : null;
  const m = asyncMetrics(metrics, state.functionName, state.qualifier);
  const window = metrics ? windowLabel(snapshot, metrics) : "";
  const region = regionOf(snapshot);
  const evidence: Record<string, unknown> = {
    maximumRetryAttempts: e.retries,
    maximumEventAgeInSeconds: e.maxAgeSeconds,
    onFailure: e.onFailure ?? null,
    functionDeadLetter: e.functionDlq ?? null,
    reservedConcurrency: reserved === undefined ? "not read" : reserved,
    ...asyncEvidence(metrics, m),
    ...(configured?.onSuccess ? { onSuccess: configured.onSuccess } : {}),
    configured: configured ?? "none: Lambda's defaults apply",
    targetId: target.id,
  };
  // Where Lambda puts what it gives up on, when anywhere.
  const caughtBy = [e.onFailure ? `on-failure destination ${describeDestination(e.onFailure)}` : null, e.functionDlq ? `the function's dead-letter ${describeDestination(e.functionDlq)}` : null].filter(
    (x): x is string => x !== null,
  );
  const caught = caughtBy.length > 0;
  const noTrace = "no on-failure destination or function dead-letter queue";

  const dropped = m.asyncEventsDropped ?? 0;
  if (dropped > 0) {
    const age = m.asyncEventAgeMaxMs ? `; the oldest waited ${formatWindow(m.asyncEventAgeMaxMs)} of the ${formatWindow(e.maxAgeSeconds * 1000)} allowed` : "";
    const why = [
      m.throttles ? `${plural(m.throttles, "throttle")}` : null,
      m.errors ? `${plural(m.errors, "function error")}` : null,
    ].filter(Boolean);
    const fix = caught
      ? [
          `The dropped events are in ${caughtBy.join(" and ")}: read them there (each record holds the event and why it failed), fix the cause${why.length > 0 ? ` (${why.join(", ")} ${window}: see metrics.errors and logs.errors)` : ""}, then replay them.`,
          ...((m.deadLetterErrors ?? 0) + (m.destinationDeliveryFailures ?? 0) > 0 ? ["Some could not be written there either: the execution role needs the permission to write to it:", ...rolePolicyLines(state, (e.onFailure ?? e.functionDlq)!, region)] : []),
        ]
      : [
          `Find why they failed${why.length > 0 ? ` (${why.join(", ")} ${window}: see metrics.errors and logs.errors)` : " (the function's Throttles and Errors, and its logs)"}, and keep the next ones:`,
          ...destinationFix(snapshot, state, e),
        ];
    return finding("target.async", "fail", `${plural(dropped, "event")} dropped by Lambda after it accepted them ${window} (AsyncEventsDropped)${caught ? `; sent to ${caughtBy.join(" and ")}` : `: ${noTrace}, so they left no trace`}`, {
      subject,
      detail: [
        "EventBridge delivered these events: Lambda accepted them for asynchronous invocation, then dropped them (retries exhausted, too old, or throttled by reserved concurrency). FailedInvocations stays 0 and the rule's dead-letter queue never sees them.",
        `${settingsText(e)}${age}.`,
      ].join("\n"),
      evidence,
      fix: fix.join("\n"),
    });
  }

  const writeFailures = (m.deadLetterErrors ?? 0) + (m.destinationDeliveryFailures ?? 0);
  if (writeFailures > 0) {
    const where = e.onFailure ?? e.functionDlq ?? undefined;
    return finding("target.async", "warn", `Lambda could not write ${plural(writeFailures, "failed event")} to ${caught ? caughtBy.join(" or ") : "its destination"} ${window} (DeadLetterErrors, DestinationDeliveryFailures)`, {
      subject,
      detail: "Lambda writes an event it gave up on with the function's execution role; a role without the permission (or a destination that is gone, or a KMS key the role may not use) loses the event.",
      evidence,
      fix: where ? [`Let the execution role write to ${describeDestination(where)}:`, ...rolePolicyLines(state, where, region)].join("\n") : destinationFix(snapshot, state, e).join("\n"),
    });
  }

  if (caught) {
    return finding("target.async", "pass", `failed or expired events go to ${caughtBy.join(" and ")} (${settingsText(e)})`, { subject, evidence });
  }

  const problems: string[] = [];
  if (e.retries === 0) problems.push(`0 retries and ${noTrace}: an event whose invocation fails once, or is throttled until it expires, is discarded without a trace`);
  if (e.maxAgeSeconds <= SHORT_MAX_AGE_SECONDS && typeof reserved === "number" && reserved <= LOW_RESERVED_CONCURRENCY) {
    problems.push(
      `events expire after ${formatWindow(e.maxAgeSeconds * 1000)} with reserved concurrency ${reserved} and ${noTrace}: a burst that waits longer for a free instance is discarded without a trace`,
    );
  }
  if (problems.length > 0) {
    return finding("target.async", "warn", problems[0]!, {
      subject,
      detail: [
        ...problems.slice(1),
        `${settingsText(e)}. EventBridge invokes the function asynchronously: once Lambda accepted an event, its failures are not EventBridge failures (FailedInvocations stays 0) and the rule target's dead-letter queue never sees them.`,
      ].join("\n"),
      evidence,
      fix: destinationFix(snapshot, state, e).join("\n"),
    });
  }
  return finding("target.async", "pass", `${settingsText(e)}; ${noTrace}`, { subject, evidence });
}

/** A Lambda target's asynchronous invocation settings do not discard failed or throttled events silently. */
export const targetAsyncCheck: Check = {
  id: "target.async",
  title: "a Lambda target's asynchronous invocation settings do not discard failed or throttled events silently",
  run(snapshot) {
    return perTarget(snapshot, "target.async", (t) => checkTarget(snapshot, t));
  },
};
