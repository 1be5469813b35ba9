/**
 * `target.encryption`: an SQS queue or SNS topic encrypted with KMS (and the target's
 * dead-letter queue) uses a customer managed key whose key policy lets events.amazonaws.com
 * call kms:GenerateDataKey and kms:Decrypt. An AWS managed key (alias/aws/sqs,
 * alias/aws/sns) cannot be granted to EventBridge: every delivery fails.
 */
import type { Finding } from "../model/finding.js";
import type { Collected, KeyFacts, RuleInfo, Snapshot, TargetInfo } from "../model/snapshot.js";
import { queueUrlOf } from "../model/arn.js";
import { eventBridgeVerdict, sidFor, withStatement } from "./policy-support.js";
import { awsCommand, describeTarget, finding, skipped, subjectOf, unreadable, perTarget, type Check } from "./support.js";
import { templateFixes } from "./template-fixes.js";

const ID = "target.encryption";
const KMS_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"];

/** The key EventBridge needs, named as the queue or topic names it. */
interface Encrypted {
  what: string;
  kind: "sqs" | "sns";
  arn: string;
  keyId: string;
  key: Collected<KeyFacts> | undefined;
  region: string;
}

function isAwsManagedAlias(key: string): boolean {
  return /(^|:)alias\/aws\//.test(key);
}

function switchKeyCommand(item: Encrypted, key: string): string {
  return item.kind === "sqs"
    ? awsCommand(["sqs", "set-queue-attributes"], [["--queue-url", queueUrlOf(item.arn)], ["--attributes", JSON.stringify({ KmsMasterKeyId: key })], ["--region", item.region]])
    : awsCommand(["sns", "set-topic-attributes"], [["--topic-arn", item.arn], ["--attribute-name", "KmsMasterKeyId"], ["--attribute-value", key], ["--region", item.region]]);
}

function judgeKey(snapshot: Snapshot, rule: RuleInfo, item: Encrypted, subject: string, viaRole: boolean): Finding {
  const evidence: Record<string, unknown> = { resource: item.arn, kmsKeyId: item.keyId };
  const grant = {
    Sid: sidFor("EventBridgeUse", rule),
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: KMS_ACTIONS,
    Resource: "*",
  };
  const keyPolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "KeyAdministration", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${rule.arn.split(":")[4]}:root` }, Action: "kms:*", Resource: "*" }, grant] });
  const managed = item.key?.ok ? item.key.value.manager === "AWS" : isAwsManagedAlias(item.keyId);
  const template = templateFixes(snapshot);
  if (managed && template) {
    return finding(ID, "fail", `${item.what} is encrypted with the AWS managed key ${item.keyId}: EventBridge cannot be allowed to use it`, {
      subject,
      detail: "An AWS managed key's policy cannot be changed to admit events.amazonaws.com, so EventBridge cannot encrypt messages for this queue or topic: every delivery fails (KMS access denied).",
      evidence,
      fix: template.change(item.arn, `set ${template.terraform ? "kms_master_key_id" : "KmsMasterKeyId"} to a customer managed key (${template.terraform ? "an aws_kms_key" : "an AWS::KMS::Key"}) whose key policy allows events.amazonaws.com ${KMS_ACTIONS.join(" and ")}: ${JSON.stringify(grant)}`),
    });
  }
  if (managed) {
    return finding(ID, "fail", `${item.what} is encrypted with the AWS managed key ${item.keyId}: EventBridge cannot be allowed to use it`, {
      subject,
      detail: "An AWS managed key's policy cannot be changed to admit events.amazonaws.com, so EventBridge cannot encrypt messages for this queue or topic: every delivery fails (KMS access denied).",
      evidence,
      fix: [
        "Create a customer managed key whose policy admits EventBridge, and encrypt with it instead:",
        `  KEY=$(${awsCommand(["kms", "create-key"], [["--description", `${item.kind} ${item.arn.split(":").pop()} (EventBridge)`], ["--policy", keyPolicy], ["--query", "KeyMetadata.KeyId"], ["--output", "text"], ["--region", item.region]])})`,
        `  ${switchKeyCommand(item, "$KEY").replace("'$KEY'", '"$KEY"')}`,
      ].join("\n"),
    });
  }
  if (!item.key) return skipped(ID, `${item.what}: its key ${item.keyId} was not collected`, undefined, subject);
  if (!item.key.ok) return unreadable(snapshot, ID, `key ${item.keyId} of ${item.what}`, item.key, subject);
  const key = item.key.value;
  evidence.keyArn = key.arn;
  if (key.policy === undefined) {
    return finding(ID, "error", `could not read the policy of key ${item.keyId}: ${key.policyError ?? "not read"}`, {
      subject,
      evidence,
      fix: "Allow kms:GetKeyPolicy on the key for the identity you run as (course-doctor iam-policy prints all it needs), then run again.",
    });
  }
  const verdict = eventBridgeVerdict(key.policy, rule, KMS_ACTIONS, key.arn);
  evidence.verdict = verdict.text;
  evidence.statements = verdict.statements;
  const roleNote = viaRole ? "The target delivers through a role: AWS documents that a role on a KMS-encrypted SQS or SNS target can break delivery; if it does, the role needs kms:GenerateDataKey and kms:Decrypt on the key too." : null;
  if (verdict.decision === "allowed") return finding(ID, "pass", `${item.what}: key ${item.keyId} lets events.amazonaws.com use it`, { subject, evidence, ...(roleNote ? { detail: roleNote } : {}) });
  if (verdict.decision === "allowed-unless") {
    return finding(ID, "warn", `${item.what}: key ${item.keyId} lets events.amazonaws.com use it, unless what could not be evaluated refuses it`, { subject, detail: [verdict.text, roleNote].filter(Boolean).join("\n"), evidence });
  }
  return finding(ID, "fail", `${item.what}: the policy of key ${item.keyId} does not let events.amazonaws.com use it (${KMS_ACTIONS.join(", ")})`, {
    subject,
    detail: [`EventBridge cannot encrypt messages for this ${item.kind === "sqs" ? "queue" : "topic"} without the key: every delivery fails.`, verdict.text, roleNote].filter(Boolean).join("\n"),
    evidence,
    fix: template ? template.policyStatement({ owner: item.keyId, policy: "key", statement: grant }) : [
      "Add the statement to the key policy (the statements already there are kept):",
      `  ${awsCommand(["kms", "put-key-policy"], [["--key-id", key.keyId], ["--policy-name", "default"], ["--policy", withStatement(key.policy, grant)], ["--region", item.region]])}`,
    ].join("\n"),
  });
}

function checkTarget(snapshot: Snapshot, rule: RuleInfo, target: TargetInfo): Finding[] {
  const subject = subjectOf(target);
  const findings: Finding[] = [];
  if (target.kind === "sqs" || target.kind === "sns") {
    const state = snapshot.targetResources?.[target.id];
    if (!state) findings.push(skipped(ID, `${describeTarget(target)}: not collected`, undefined, subject));
    else if (!state.resource.ok) findings.push(skipped(ID, `${describeTarget(target)} could not be read (see target.exists)`, undefined, subject));
    else if (state.resource.value.kmsKeyId) {
      const keyId = state.resource.value.kmsKeyId;
      findings.push(judgeKey(snapshot, rule, { what: describeTarget(target), kind: target.kind, arn: target.arn, keyId, key: snapshot.keys?.[keyId], region: state.location.region }, subject, target.roleArn !== undefined));
    } else {
      findings.push(finding(ID, "pass", `${describeTarget(target)} is not encrypted with a KMS key${state.resource.value.sqsManagedSse ? " (SSE-SQS: nothing to grant)" : ""}`, { subject }));
    }
  }
  const dlq = target.deadLetterArn ? snapshot.deadLetterQueues[target.deadLetterArn] : undefined;
  if (dlq?.ok && dlq.value.kmsKeyId) {
    const keyId = dlq.value.kmsKeyId;
    const name = `dead-letter queue ${target.deadLetterArn!.split(":").pop()}`;
    findings.push(judgeKey(snapshot, rule, { what: name, kind: "sqs", arn: target.deadLetterArn!, keyId, key: snapshot.keys?.[keyId], region: target.deadLetterArn!.split(":")[3] ?? "" }, subject, false));
  }
  if (findings.length === 0) findings.push(skipped(ID, `${describeTarget(target)}: not a queue or topic, and no encrypted dead-letter queue`, undefined, subject));
  return findings;
}

export const targetEncryptionCheck: Check = {
  id: ID,
  title: "an encrypted SQS/SNS target (and the DLQ) uses a customer managed key that admits events.amazonaws.com",
  run(snapshot) {
    return perTarget(snapshot, ID, (t, rule) => checkTarget(snapshot, rule, t));
  },
};
