import type { Finding } from "../model/finding.js";
import type { RuleInfo, Snapshot, TargetInfo } from "../model/snapshot.js";
import { accountOf, awsCommand, finding, formatWindow, putTargetCommand, regionOf, subjectOf, perTarget, type Check } from "./support.js";
import { templateFixes } from "./template-fixes.js";

/** EventBridge's retry policy when the target sets none (eb-rule-dlq). */
const DEFAULT_RETRY = "24h, 185 attempts";

function describeRetry(target: TargetInfo): string {
  const policy = target.retryPolicy;
  if (!policy || (policy.maximumRetryAttempts === undefined && policy.maximumEventAgeInSeconds === undefined)) return `retry default: ${DEFAULT_RETRY}`;
  const parts: string[] = [];
  if (policy.maximumRetryAttempts !== undefined) parts.push(`${policy.maximumRetryAttempts} ${policy.maximumRetryAttempts === 1 ? "retry" : "retries"}`);
  if (policy.maximumEventAgeInSeconds !== undefined) parts.push(`max age ${formatWindow(policy.maximumEventAgeInSeconds * 1000)}`);
  return parts.join(", ");
}

/** What the rule target's dead-letter queue receives: EventBridge's failures only (eb-rule-dlq). */
const CATCHES = "what EventBridge could not deliver: no permission, a missing target, throttled or failing at invoke";
/** What it never receives from a function target (invocation-async-configuring). */
const NOT_FUNCTION_ERRORS =
  "Never a function error: once Lambda has accepted the event, a failure or throttle is Lambda's to retry and to drop, into the function's own on-failure destination or dead-letter queue if it has one (see target.async).";

function checkTarget(snapshot: Snapshot, rule: RuleInfo, target: TargetInfo): Finding {
  const subject = subjectOf(target);
  const retry = describeRetry(target);
  const lambda = target.kind === "lambda";
  const evidence = { targetId: target.id, retryPolicy: target.retryPolicy ?? null, deadLetterArn: target.deadLetterArn ?? null, catches: CATCHES };
  if (target.deadLetterArn) {
    const queue = target.deadLetterArn.split(":").pop();
    const scope = lambda ? "catches what EventBridge cannot deliver, not function errors (see target.async)" : "catches what EventBridge cannot deliver";
    return finding("target.retry", "pass", `dead-letter queue ${queue} ${scope}; ${retry}`, {
      subject,
      detail: [`The rule target's dead-letter queue receives ${CATCHES}.`, lambda ? NOT_FUNCTION_ERRORS : undefined].filter(Boolean).join("\n"),
      evidence,
    });
  }
  const region = regionOf(snapshot);
  const account = accountOf(snapshot) ?? "ACCOUNT";
  const queue = `${rule.name}-dlq`.slice(0, 80);
  const queueArn = `arn:aws:sqs:${region ?? "REGION"}:${account}:${queue}`;
  // put-targets replaces the whole target: read it back and add only the dead-letter config.
  const merge = `map(.DeadLetterConfig = {Arn: ${JSON.stringify(queueArn)}})`;
  return finding("target.retry", "warn", `no dead-letter queue (${retry}): events EventBridge cannot deliver are dropped`, {
    subject,
    detail: [
      "Without a dead-letter queue, an event EventBridge could not deliver leaves no trace. Permission errors and missing resources are not retried at all; with a queue they land there with ERROR_CODE and ERROR_MESSAGE.",
      lambda ? `Such a queue would receive ${CATCHES}. ${NOT_FUNCTION_ERRORS}` : undefined,
    ]
      .filter(Boolean)
      .join("\n"),
    evidence,
    fix: templateFixes(snapshot)?.deadLetterQueue(rule, target.id) ?? [
      `Create a queue and attach it to the target (the command keeps the target's other settings):`,
      `  ${awsCommand(["sqs", "create-queue"], [["--queue-name", queue], ["--region", region]])}`,
      `  ${putTargetCommand(rule, target.id, region, merge)}`,
      `and give the queue a policy letting events.amazonaws.com call sqs:SendMessage with aws:SourceArn = ${rule.arn}.`,
    ].join("\n"),
  });
}

/** A dead-letter queue (and so a retry trail) is set on each target: a warning only. */
export const targetRetryCheck: Check = {
  id: "target.retry",
  title: "a dead-letter queue / retry policy is set (warn only)",
  run(snapshot) {
    return perTarget(snapshot, "target.retry", (t, rule) => checkTarget(snapshot, rule, t));
  },
};
