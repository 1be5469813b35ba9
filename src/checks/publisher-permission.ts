/**
 * `publisher.permission`: the publisher function's execution role may call events:PutEvents
 * on the rule's bus — its inline and attached policies evaluated within its permissions
 * boundary, and the bus's own policy counted where it grants the role.
 */
import type { Finding } from "../model/finding.js";
import type { Snapshot } from "../model/snapshot.js";
import { roleVerdict } from "./policy-support.js";
import { accountOf, awsCommand, busNameOf, finding, regionOf, skipped, unreadable, type Check } from "./support.js";
import { templateFixes } from "./template-fixes.js";

const ID = "publisher.permission";

/** The rule's bus ARN, from DescribeEventBus, or built from its name where the snapshot has no ARN. */
export function busArnOf(snapshot: Snapshot): string {
  if (snapshot.bus.ok && snapshot.bus.value.arn) return snapshot.bus.value.arn;
  const ruleArn = snapshot.rule.ok ? snapshot.rule.value.arn : "";
  const [, partition = "aws", , region = regionOf(snapshot) ?? "REGION", account = accountOf(snapshot) ?? "ACCOUNT"] = ruleArn.split(":");
  return `arn:${partition}:events:${region}:${account}:event-bus/${busNameOf(snapshot)}`;
}

function run(snapshot: Snapshot): Finding[] {
  const publisher = snapshot.publisher;
  if (!publisher) return [skipped(ID, "no publisher given (--publisher FUNCTION)")];
  const subject = publisher.name;
  const fn = publisher.function;
  if (!fn) return [skipped(ID, `${publisher.name}: its role was not collected (a snapshot from before course-doctor read it)`, undefined, subject)];
  if (!fn.ok) {
    if (fn.reason === "not-found") return [skipped(ID, `function ${publisher.name} not found (see publisher.bus)`, undefined, subject)];
    return [unreadable(snapshot, ID, `function ${publisher.name}`, fn, subject)];
  }
  const roleArn = fn.value.roleArn;
  const roleName = roleArn.split("/").pop() ?? roleArn;
  const role = snapshot.roles?.[roleArn];
  if (!role) return [skipped(ID, `role ${roleName}: not collected`, undefined, subject)];
  if (!role.ok) return [unreadable(snapshot, ID, `${publisher.name}'s execution role ${roleName}`, role, subject)];
  const busArn = busArnOf(snapshot);
  // Same account, the bus policy may grant it too; cross account, its side is bus.policy's.
  const sameAccount = roleArn.split(":")[4] === busArn.split(":")[4];
  const busPolicy = snapshot.bus.ok ? (snapshot.bus.value.policy ?? null) : null;
  const verdict = sameAccount ? roleVerdict(role.value, ["events:PutEvents"], busArn, busPolicy) : roleVerdict(role.value, ["events:PutEvents"], busArn);
  const evidence: Record<string, unknown> = { publisher: publisher.name, roleArn, busArn, verdict: verdict.text, statements: verdict.statements };
  if (verdict.unread.length > 0) evidence.unread = verdict.unread;
  if (verdict.decision === "allowed") return [finding(ID, "pass", `${publisher.name}'s role ${roleName} may events:PutEvents on ${busNameOf(snapshot)}`, { subject, evidence })];
  if (verdict.decision === "allowed-unless") {
    return [finding(ID, "warn", `${publisher.name}'s role ${roleName} may events:PutEvents on ${busNameOf(snapshot)}, unless what could not be evaluated refuses it`, { subject, detail: verdict.text, evidence })];
  }
  const statement = { Effect: "Allow", Action: "events:PutEvents", Resource: busArn };
  return [
    finding(ID, "fail", `${publisher.name}'s role ${roleName} may not events:PutEvents on ${busNameOf(snapshot)}`, {
      subject,
      detail: [
        "PutEvents is refused with AccessDeniedException: the events never reach the bus. (An SDK that retries or swallows the error shows nothing; the function's logs do.)",
        verdict.text,
      ].join("\n"),
      evidence,
      fix: templateFixes(snapshot)?.putEventsPermission(roleArn, busArn, busNameOf(snapshot), statement) ?? [
        `Allow it in an inline policy of the role${role.value.boundary ? " (and in its permissions boundary)" : ""}:`,
        `  ${awsCommand(["iam", "put-role-policy"], [["--role-name", roleName], ["--policy-name", "eventbridge-put-events"], ["--policy-document", JSON.stringify({ Version: "2012-10-17", Statement: [statement] })]])}`,
        "and in the function's definition (SAM: EventBridgePutEventsPolicy; CDK: bus.grantPutEventsTo(fn)), or the next deploy undoes it.",
      ].join("\n"),
    }),
  ];
}

export const publisherPermissionCheck: Check = {
  id: ID,
  title: "the publisher's execution role may events:PutEvents on the rule's bus",
  run,
};
