/**
 * `target.role`: a target EventBridge reaches through a role (Step Functions, Kinesis,
 * Firehose, ECS, Batch, API destinations, any target in another account, and any target
 * with RoleArn set) has one that events.amazonaws.com may assume, and that allows the
 * target's action on its ARN.
 */
import type { Finding } from "../model/finding.js";
import type { RoleFacts, RuleInfo, Snapshot, TargetInfo } from "../model/snapshot.js";
import { DELIVERY_ACTIONS, deliveryResource, roleVerdict, ROLE_KINDS, trustVerdict, withStatement } from "./policy-support.js";
import { awsCommand, describeTarget, finding, isCrossAccount, KIND_NOUN, sh, skipped, subjectOf, unreadable, unresolvedFinding, whereOf, perTarget, type Check } from "./support.js";
import { templateFixes } from "./template-fixes.js";

const ID = "target.role";

function roleName(arn: string): string {
  return arn.split("/").pop() ?? arn;
}

/** put-targets replaces the whole target: read it back and change only its RoleArn. */
function setRoleCommand(rule: RuleInfo, target: TargetInfo, roleArn: string, snapshot?: Snapshot): string {
  const template = snapshot ? templateFixes(snapshot) : null;
  if (template) return template.targetChange({ rule, targetId: target.id, set: { RoleArn: roleArn }, note: "(a role that events.amazonaws.com may assume, allowing the target's action)" });
  const where: Array<[string, string | null]> = [["--rule", rule.name], ["--event-bus-name", rule.busName], ["--region", rule.arn.split(":")[3] ?? null]];
  const current = awsCommand(["events", "list-targets-by-rule"], [...where, ["--query", `Targets[?Id=='${target.id}']`], ["--output", "json"]]);
  return `${awsCommand(["events", "put-targets"], where)} --targets "$(${current} | jq -c ${sh(`map(.RoleArn = ${JSON.stringify(roleArn)})`)})"`;
}

function missingRole(snapshot: Snapshot, rule: RuleInfo, target: TargetInfo, why: string): Finding {
  const subject = subjectOf(target);
  const what = describeTarget(target);
  const account = rule.arn.split(":")[4] ?? "ACCOUNT";
  const role = `arn:aws:iam::${account}:role/eventbridge-${rule.name}`.slice(0, 120);
  if (target.kind === "events" && isCrossAccount(snapshot, target)) {
    return finding(ID, "warn", `${what} in another account has no role: it relies on the receiving bus's policy alone`, {
      subject,
      detail: "Since February 2023, a new bus target in another account needs a role with events:PutEvents on that bus; older ones still deliver without one, admitted by the receiving bus's policy (see target.permission).",
      evidence: { targetArn: target.arn },
      fix: `Give the target a role that events.amazonaws.com may assume and that allows events:PutEvents on ${target.arn}:\n  ${setRoleCommand(rule, target, role, snapshot)}`,
    });
  }
  return finding(ID, "fail", `${what} has no role: ${why}`, {
    subject,
    detail: "EventBridge can reach this target only by assuming a role named on the target (RoleArn).",
    evidence: { targetArn: target.arn, kind: target.kind },
    fix: [
      `Create a role that events.amazonaws.com may assume, allowing ${(DELIVERY_ACTIONS[target.kind] ?? ["the target's action"]).join(" and ")} on ${target.arn}, then name it on the target:`,
      `  ${setRoleCommand(rule, target, role, snapshot)}`,
    ].join("\n"),
  });
}

function checkRole(snapshot: Snapshot, rule: RuleInfo, target: TargetInfo, role: RoleFacts): Finding {
  const subject = subjectOf(target);
  const what = describeTarget(target);
  const name = roleName(role.arn);
  const trust = trustVerdict(role, rule);
  const actions = DELIVERY_ACTIONS[target.kind];
  const evidence: Record<string, unknown> = { roleArn: role.arn, trust: trust.text, trustStatements: trust.statements };
  if (trust.decision === "denied") {
    const trustStatement = { Sid: "EventBridgeAssumeRole", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" };
    return finding(ID, "fail", `role ${name} does not let events.amazonaws.com assume it`, {
      subject,
      detail: [`EventBridge cannot use the role to reach ${what}: deliveries fail (FAILED_TO_ASSUME_ROLE).`, trust.text].join("\n"),
      evidence,
      fix: templateFixes(snapshot)?.policyStatement({ owner: role.arn, policy: "trust", statement: trustStatement }) ?? [
        "Let EventBridge assume the role (the trust statements already there are kept):",
        `  ${awsCommand(["iam", "update-assume-role-policy"], [["--role-name", name], ["--policy-document", withStatement(role.trustPolicy, trustStatement)]])}`,
      ].join("\n"),
    });
  }
  if (!actions) {
    return finding(ID, trust.decision === "allowed" ? "pass" : "warn", `role ${name} is trusted by events.amazonaws.com; its permissions on ${target.service ?? "this"} targets are not checked yet`, { subject, evidence });
  }
  const resource = deliveryResource(target);
  const permission = roleVerdict(role, actions, resource);
  evidence.actions = actions;
  evidence.permission = permission.text;
  evidence.statements = permission.statements;
  if (permission.unread.length > 0) evidence.unread = permission.unread;
  if (permission.decision === "denied") {
    const statement = { Effect: "Allow", Action: actions.length === 1 ? actions[0] : actions, Resource: resource };
    return finding(ID, "fail", `role ${name} may not ${actions.join(" / ")} on ${what}`, {
      subject,
      detail: [`EventBridge assumes the role and is then refused: deliveries fail (NO_PERMISSIONS).`, permission.text].join("\n"),
      evidence,
      fix: templateFixes(snapshot)?.policyStatement({ owner: role.arn, policy: "permissions", statement }) ?? [
        `Allow it in an inline policy of the role${role.boundary ? " (and in its permissions boundary)" : ""}:`,
        `  ${awsCommand(["iam", "put-role-policy"], [["--role-name", name], ["--policy-name", `eventbridge-${target.kind}`], ["--policy-document", JSON.stringify({ Version: "2012-10-17", Statement: [statement] })]])}`,
      ].join("\n"),
    });
  }
  const notes = [...trust.notes, ...permission.notes, ...(target.kind === "ecs" ? ["An ECS target also needs iam:PassRole on the task definition's roles, which course-doctor does not read."] : [])];
  if (trust.decision === "allowed-unless" || permission.decision === "allowed-unless") {
    return finding(ID, "warn", `role ${name}: trusted and allowed ${actions.join(" / ")} on ${what}, unless what could not be evaluated refuses it`, {
      subject,
      detail: [trust.decision === "allowed-unless" ? trust.text : null, permission.decision === "allowed-unless" ? permission.text : null, ...notes].filter(Boolean).join("\n"),
      evidence,
    });
  }
  return finding(ID, "pass", `role ${name}: events.amazonaws.com may assume it, and it allows ${actions.join(" and ")} on ${what}`, {
    subject,
    evidence,
    ...(notes.length > 0 ? { detail: notes.join("\n") } : {}),
  });
}

function checkTarget(snapshot: Snapshot, rule: RuleInfo, target: TargetInfo): Finding {
  const subject = subjectOf(target);
  const what = describeTarget(target);
  const needs = ROLE_KINDS.has(target.kind) ? `EventBridge reaches ${KIND_NOUN[target.kind] === "API destination" ? "an" : "a"} ${KIND_NOUN[target.kind]} only through one` : isCrossAccount(snapshot, target) ? `it is in account ${whereOf(target).account}, and a target in another account is reached through a role` : null;
  const unknownRole = unresolvedFinding(snapshot, ID, `targets.${target.id}.roleArn`, `the RoleArn of target ${target.id}`, subject);
  if (unknownRole) return unknownRole;
  if (!target.roleArn) {
    if (needs) return missingRole(snapshot, rule, target, needs);
    return skipped(ID, `${what}: no role; EventBridge delivers as events.amazonaws.com (see target.permission)`, undefined, subject);
  }
  if (snapshot.roles === undefined) return skipped(ID, `role ${roleName(target.roleArn)}: not collected (a snapshot from before course-doctor read roles)`, undefined, subject);
  const role = snapshot.roles[target.roleArn];
  if (!role) return finding(ID, "error", `role ${roleName(target.roleArn)} was not read`, { subject, evidence: { roleArn: target.roleArn }, fix: "Collect again (course-doctor check, or snapshot --out): the role's policies decide whether EventBridge can deliver." });
  if (!role.ok) {
    if (role.reason === "not-found") {
      return finding(ID, "fail", `role ${roleName(target.roleArn)} does not exist`, {
        subject,
        detail: `EventBridge cannot assume a missing role to reach ${what}: deliveries fail (FAILED_TO_ASSUME_ROLE).`,
        evidence: { roleArn: target.roleArn, error: role.error },
        fix: `Create the role (trusted by events.amazonaws.com, allowing ${(DELIVERY_ACTIONS[target.kind] ?? ["the target's action"]).join(" and ")} on ${target.arn}), or name an existing one:\n  ${setRoleCommand(rule, target, target.roleArn)}`,
      });
    }
    return unreadable(snapshot, ID, `role ${roleName(target.roleArn)}`, role, subject);
  }
  return checkRole(snapshot, rule, target, role.value);
}

export const targetRoleCheck: Check = {
  id: ID,
  title: "a target reached through a role has one events.amazonaws.com may assume, allowing the target's action on its ARN",
  run(snapshot) {
    return perTarget(snapshot, ID, (t, rule) => checkTarget(snapshot, rule, t));
  },
};
