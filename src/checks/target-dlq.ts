import type { Finding } from "../model/finding.js";
import type { DlqMessage, RuleInfo, Snapshot, TargetInfo } from "../model/snapshot.js";
import { queueUrlOf } from "../model/arn.js";
import { eventBridgeVerdict, sidFor, withStatement } from "./policy-support.js";
import { awsCommand, beforeDeploy, beforeDeploySkip, finding, flagsText, plural, regionOf, sh, skipped, subjectOf, unreadable, unresolvedFinding, perTarget, type Check } from "./support.js";
import { templateFixes, type TemplateFixes } from "./template-fixes.js";

/** What each dead-letter ERROR_CODE points at (eb-rule-dlq). */
const CODE_ADVICE: Record<string, string> = {
  NO_PERMISSIONS: "EventBridge was refused: fix the target's resource policy (see target.permission for the exact add-permission command).",
  NO_RESOURCE: "The target does not exist (see target.exists).",
  THROTTLING: "The target throttled every retry: check its reserved concurrency (see target.exists) and the Throttles metric.",
  TIMEOUT: "The target did not answer in time.",
  RESOURCE_ALREADY_EXISTS: "The target answered with a conflict.",
  SDK_CLIENT_ERROR: "The target rejected the request (a client error): check the target's input (Input, InputPath, InputTransformer).",
};

function queueName(arn: string): string {
  return arn.split(":").pop() ?? arn;
}

function describeMessage(m: DlqMessage): string {
  return [m.errorCode, m.errorMessage].filter(Boolean).join(": ") || "no ERROR_CODE attribute";
}

function checkTarget(snapshot: Snapshot, target: TargetInfo): Finding {
  const subject = subjectOf(target);
  if (!target.deadLetterArn) return skipped("target.dlq", "no dead-letter queue (see target.retry)", undefined, subject);
  const name = queueName(target.deadLetterArn);
  const collected = snapshot.deadLetterQueues[target.deadLetterArn];
  if (!collected) return skipped("target.dlq", `${name}: not collected`, undefined, subject);
  const region = regionOf(snapshot);
  if (!collected.ok) {
    if (collected.reason === "not-found") {
      return finding("target.dlq", "warn", `dead-letter queue ${name} does not exist: failed deliveries are lost`, {
        subject,
        evidence: { deadLetterArn: target.deadLetterArn, error: collected.error },
        fix: `Create it (and its policy letting events.amazonaws.com send to it): ${awsCommand(["sqs", "create-queue"], [["--queue-name", name], ["--region", region]])}`,
      });
    }
    return unreadable(snapshot, "target.dlq", `dead-letter queue ${name}`, collected, subject);
  }
  const dlq = collected.value;
  const evidence: Record<string, unknown> = { deadLetterArn: dlq.arn, depth: dlq.depth, ...(dlq.inFlight !== undefined ? { inFlight: dlq.inFlight } : {}) };
  if (dlq.messages) evidence.messages = dlq.messages;
  const refusal = snapshot.rule.ok && dlq.policy !== undefined ? dlqPolicyFinding(snapshot.rule.value, dlq.arn, dlq.policy, dlq.url ?? queueUrlOf(dlq.arn), subject, evidence, templateFixes(snapshot)) : null;
  if (refusal?.status === "fail") {
    const unknown = unresolvedFinding(snapshot, "target.dlq", `deadLetterQueues.${dlq.arn}.policy`, `a statement of the queue policy of ${name}`, subject);
    if (unknown) return unknown;
  }
  if (refusal) return refusal;
  // Before deploy the queue policy is all there is: its depth needs the running queue.
  if (beforeDeploy(snapshot)) {
    const skip = beforeDeploySkip(snapshot, "target.dlq", subject);
    return { ...skip, title: `${name} admits events.amazonaws.com; its depth: ${skip.title}` };
  }
  if (dlq.depth <= 0) {
    const inFlight = dlq.inFlight ? ` (${dlq.inFlight} in flight)` : "";
    return finding("target.dlq", "pass", `${name} is empty${inFlight}`, { subject, evidence });
  }

  const messages = dlq.messages ?? [];
  const codes = [...new Set(messages.map((m) => m.errorCode).filter((c): c is string => Boolean(c)))];
  const title = `${plural(dlq.depth, "message")} in ${name}: deliveries failed${codes.length > 0 ? ` (${codes.join(", ")})` : ""}`;
  const urlArg = dlq.url ? sh(dlq.url) : `"$(${awsCommand(["sqs", "get-queue-url"], [["--queue-name", name], ["--region", region], ["--query", "QueueUrl"], ["--output", "text"]])})"`;
  const read = `aws sqs receive-message --queue-url ${urlArg} ${flagsText([["--attribute-names", "All"], ["--message-attribute-names", "All"], ["--max-number-of-messages", "10"], ["--visibility-timeout", "0"], ["--region", region]])}`;
  const advice = codes.map((c) => `${c}: ${CODE_ADVICE[c] ?? newestMessageFor(messages, c)}`);
  const fix = [
    ...(advice.length > 0 ? advice : [`Read the newest messages' ERROR_CODE and ERROR_MESSAGE without deleting them: course-doctor check --peek-dlq, or`, `  ${read}`]),
    `Once fixed, replay the events (each message body is one), then empty the queue: aws sqs purge-queue --queue-url ${urlArg}${region ? ` --region ${region}` : ""}`,
  ];
  return finding("target.dlq", "fail", title, {
    subject,
    detail: [
      "Each message is an event EventBridge gave up delivering to the target; its attributes say why.",
      ...messages.slice(0, 5).map((m) => `${m.sentAt ?? "?"}  ${describeMessage(m)}${m.retryAttempts !== undefined ? ` (after ${m.retryAttempts} retries)` : ""}`),
    ].join("\n"),
    evidence,
    fix: fix.join("\n"),
  });
}

/** A dead-letter queue whose policy does not admit EventBridge loses what it should keep (InvocationsFailedToBeSentToDlq). */
function dlqPolicyFinding(rule: RuleInfo, arn: string, policy: string | null, url: string, subject: string, evidence: Record<string, unknown>, template: TemplateFixes | null): Finding | null {
  const verdict = eventBridgeVerdict(policy, rule, ["sqs:SendMessage"], arn);
  if (verdict.decision !== "denied") return null;
  const name = queueName(arn);
  const statement = { Sid: sidFor("EventBridgeDlq", rule), Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: arn, Condition: { ArnEquals: { "aws:SourceArn": rule.arn } } };
  return finding("target.dlq", "fail", `dead-letter queue ${name} does not admit events.amazonaws.com: failed deliveries are lost, not kept`, {
    subject,
    detail: ["EventBridge writes to the dead-letter queue as events.amazonaws.com; without a queue policy allowing sqs:SendMessage from this rule, the write fails (InvocationsFailedToBeSentToDlq) and the event is gone.", verdict.text].join("\n"),
    evidence: { ...evidence, policy: verdict.text },
    fix: template ? template.resourcePolicy({ kind: "sqs", arn, statement, rule }) : [
      "Add the statement to the queue policy (the statements already there are kept):",
      `  ${awsCommand(["sqs", "set-queue-attributes"], [["--queue-url", url], ["--attributes", JSON.stringify({ Policy: withStatement(policy, statement) })], ["--region", arn.split(":")[3] ?? null]])}`,
    ].join("\n"),
  });
}

function newestMessageFor(messages: DlqMessage[], code: string): string {
  return messages.find((m) => m.errorCode === code)?.errorMessage ?? "see the message's ERROR_MESSAGE";
}

/** The target's dead-letter queue admits EventBridge (its queue policy) and is empty. */
export const targetDlqCheck: Check = {
  id: "target.dlq",
  title: "the target's dead-letter queue admits EventBridge and is empty",
  run(snapshot) {
    return perTarget(snapshot, "target.dlq", (t) => checkTarget(snapshot, t));
  },
};
