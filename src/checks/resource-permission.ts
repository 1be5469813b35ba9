/**
 * `target.permission` for targets that are not a same-account Lambda function: the queue
 * policy (sqs:SendMessage), topic policy (sns:Publish), CloudWatch Logs resource policies
 * (logs:CreateLogStream, logs:PutLogEvents), and the resource policy of a target in another
 * account, which must admit the role EventBridge delivers through. Every verdict comes from
 * the policy evaluator; every fix keeps the statements already there.
 */
import type { Finding } from "../model/finding.js";
import { parseArn } from "../model/arn.js";
import { normalizePrincipal } from "../model/lambda-policy.js";
import type { ReadLocation, RuleInfo, Snapshot, TargetInfo } from "../model/snapshot.js";
import { DELIVERY_ACTIONS, deliveryResource, eventBridgeVerdict, eventBridgeVerdictOfAny, principalVerdict, ROLE_KINDS, sidFor, withStatement, type Verdict } from "./policy-support.js";
import { awsCommand, describeTarget, finding, isCrossAccount, KIND_NOUN, skipped, subjectOf, unreadable, unresolvedFinding, whereOf } from "./support.js";
import { templateFixes } from "./template-fixes.js";
import { queueUrlOf } from "../model/arn.js";

const ID = "target.permission";

/** The flags a fix for a resource in `location` needs: its region, and its account's profile when the run has one. */
function flagsAt(location: ReadLocation): Array<[string, string | null]> {
  const profile = location.via?.startsWith("profile ") ? location.via.slice("profile ".length) : null;
  return [["--region", location.region], ["--profile", profile]];
}

/** Same-account delivery straight from EventBridge: the resource's own policy must admit events.amazonaws.com from this rule. */
function serviceDelivery(snapshot: Snapshot, rule: RuleInfo, target: TargetInfo): Finding {
  const subject = subjectOf(target);
  const what = describeTarget(target);
  const state = snapshot.targetResources?.[target.id];
  if (!state) return skipped(ID, `${what}: not collected`, undefined, subject);
  if (!state.resource.ok) {
    if (state.resource.reason === "not-found") return skipped(ID, `${what} does not exist (see target.exists)`, undefined, subject);
    return unreadable(snapshot, ID, `${what}'s policy`, state.resource, subject);
  }
  const facts = state.resource.value;
  const actions = DELIVERY_ACTIONS[target.kind]!;
  const resource = deliveryResource(target);
  const verdict =
    target.kind === "logs"
      ? eventBridgeVerdictOfAny((facts.logPolicies ?? []).map((p) => p.document), rule, actions, resource)
      : eventBridgeVerdict(facts.policy, rule, actions, resource);
  const evidence: Record<string, unknown> = { targetArn: target.arn, ruleArn: rule.arn, actions, decision: verdict.decision, verdict: verdict.text, statements: verdict.statements };
  if (verdict.problems.length > 0) evidence.invalid = verdict.problems;
  if (verdict.decision === "denied") {
    const unknown = unresolvedFinding(snapshot, ID, `targetResources.${target.id}.policy`, `a statement of the ${policyNoun(target)} of ${what}`, subject);
    if (unknown) return unknown;
  }
  const template = templateFixes(snapshot);
  const statement = {
    Sid: sidFor("EventBridge", rule),
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: actions.length === 1 ? actions[0] : actions,
    Resource: resource,
    Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
  };
  return judge(verdict, {
    subject,
    evidence,
    allowed: `events.amazonaws.com may ${actions.join(" and ")} on it from ${rule.arn.split(":").pop()}`,
    denied: `${KIND_NOUN[target.kind]} ${what.replace(/^[^ ]+ /, "")}: its ${policyNoun(target)} does not let events.amazonaws.com ${actions.join(" / ")}`,
    why:
      target.kind === "logs"
        ? "CloudWatch Logs accepts EventBridge's writes only when one of the account's Logs resource policies allows them; without one, deliveries fail (NO_PERMISSIONS) and are not retried."
        : `EventBridge delivers to a ${KIND_NOUN[target.kind]} only when its policy allows ${actions.join(" / ")} for events.amazonaws.com (with the rule's ARN as aws:SourceArn); otherwise deliveries fail (NO_PERMISSIONS) and are not retried.`,
    fix:
      template && (target.kind === "sqs" || target.kind === "sns" || target.kind === "logs")
        ? template.resourcePolicy({ kind: target.kind, arn: target.kind === "logs" ? target.arn : target.arn, statement, rule })
        : policyFix(target, facts.policy ?? null, statement, state.location),
  });
}

/** What the resource's policy is called. */
function policyNoun(target: TargetInfo): string {
  return target.kind === "sqs" ? "queue policy" : target.kind === "sns" ? "topic policy" : target.kind === "logs" ? "CloudWatch Logs resource policies" : target.kind === "events" ? "bus policy" : "resource policy";
}

/** The paste-ready command that sets the policy to the one given (the statements already there kept, `statement` added). */
function policyFix(target: TargetInfo, current: string | null, statement: Record<string, unknown>, location: ReadLocation): string {
  const at = flagsAt(location);
  switch (target.kind) {
    case "sqs": {
      const policy = withStatement(current, statement);
      return [
        "Add the statement to the queue policy (the statements already there are kept):",
        `  ${awsCommand(["sqs", "set-queue-attributes"], [["--queue-url", queueUrlOf(target.arn)], ["--attributes", JSON.stringify({ Policy: policy })], ...at])}`,
      ].join("\n");
    }
    case "sns": {
      const policy = withStatement(current, statement);
      return [
        "Add the statement to the topic policy (the statements already there are kept):",
        `  ${awsCommand(["sns", "set-topic-attributes"], [["--topic-arn", target.arn], ["--attribute-name", "Policy"], ["--attribute-value", policy], ...at])}`,
      ].join("\n");
    }
    case "logs":
      return [
        "Add a CloudWatch Logs resource policy that admits EventBridge (the account's other policies stay as they are):",
        `  ${awsCommand(["logs", "put-resource-policy"], [["--policy-name", String(statement.Sid)], ["--policy-document", JSON.stringify({ Version: "2012-10-17", Statement: [statement] })], ...at])}`,
      ].join("\n");
    default: {
      const policy = withStatement(current, statement);
      const bus = (parseArn(target.arn)?.resource ?? "").replace(/^event-bus\//, "");
      return [
        `Set the bus policy of ${bus} in account ${location.account} (the statements already there are kept; run it with that account's credentials):`,
        `  ${awsCommand(["events", "put-permission"], [["--event-bus-name", bus], ["--policy", policy], ...at])}`,
      ].join("\n");
    }
  }
}

/**
 * A target in another account: EventBridge delivers through the target's role, and the
 * resource's own policy (read in that account) must admit that role — cross account, both
 * the role's policies (target.role) and the resource policy must allow it.
 */
function crossAccountDelivery(snapshot: Snapshot, rule: RuleInfo, target: TargetInfo): Finding {
  const subject = subjectOf(target);
  const what = describeTarget(target);
  const { account } = whereOf(target);
  const actions = DELIVERY_ACTIONS[target.kind] ?? [];
  if (!target.roleArn) {
    if (target.kind === "events") {
      // Before February 2023 a bus target in another account needed no role: the receiving bus's policy admitted the sending account.
      const state = snapshot.targetResources?.[target.id];
      if (!state) return skipped(ID, `${what}: not collected`, undefined, subject);
      if (!state.resource.ok) return state.resource.reason === "not-found" ? skipped(ID, `${what} does not exist (see target.exists)`, undefined, subject) : unreadable(snapshot, ID, `${what}'s policy`, state.resource, subject);
      const sender = parseArn(rule.arn)?.account ?? "";
      const verdict = principalVerdict(state.resource.value.policy ?? null, `arn:aws:iam::${sender}:root`, ["events:PutEvents"], target.arn);
      return judge(verdict, {
        subject,
        evidence: { targetArn: target.arn, ruleArn: rule.arn, senderAccount: sender, verdict: verdict.text, statements: verdict.statements },
        allowed: `the bus policy of ${what} admits account ${sender}`,
        denied: `the bus policy of ${what} (account ${account}) does not admit account ${sender}: events:PutEvents is refused`,
        why: "A bus in another account accepts events only when its resource policy admits the sender.",
        fix: policyFix(target, state.resource.value.policy ?? null, { Sid: sidFor("From", rule), Effect: "Allow", Principal: { AWS: `arn:aws:iam::${sender}:root` }, Action: "events:PutEvents", Resource: target.arn }, state.location),
      });
    }
    return skipped(ID, `${what} is in account ${account}: EventBridge reaches it only through a role (see target.role)`, undefined, subject);
  }
  const policyText = resourcePolicyOf(snapshot, target);
  if (!policyText.ok) return policyText.finding(snapshot, subject);
  // The resource side only: the role's own policies are target.role's.
  const verdict = principalVerdict(policyText.value, target.roleArn, actions, deliveryResource(target));
  const location = snapshot.targetResources?.[target.id]?.location ?? snapshot.lambdaTargets[target.id]?.location ?? { account, region: whereOf(target).region, via: null };
  return judge(verdict, {
    subject,
    evidence: { targetArn: target.arn, roleArn: target.roleArn, account, verdict: verdict.text, statements: verdict.statements },
    allowed: `its ${policyNoun(target)} (account ${account}) admits role ${target.roleArn}`,
    denied: `its ${policyNoun(target)} (account ${account}) does not admit role ${target.roleArn}`,
    why: "Cross account, the resource's own policy must admit the role EventBridge delivers through, and the role's policies must allow the action (target.role).",
    fix:
      target.kind === "lambda"
        ? [
            `Let the role invoke the function (run with account ${account}'s credentials):`,
            `  ${awsCommand(["lambda", "add-permission"], [["--function-name", target.arn], ["--statement-id", sidFor("EventBridgeRole", rule)], ["--action", "lambda:InvokeFunction"], ["--principal", target.roleArn], ...flagsAt(location)])}`,
          ].join("\n")
        : policyFix(target, policyText.value, { Sid: sidFor("EventBridgeRole", rule), Effect: "Allow", Principal: { AWS: target.roleArn }, Action: actions.length === 1 ? actions[0] : actions, Resource: deliveryResource(target) }, location),
  });
}

/** The resource policy of a cross-account target, as text; or the finding that says why it is not known. */
function resourcePolicyOf(snapshot: Snapshot, target: TargetInfo): { ok: true; value: string | null } | { ok: false; finding: (snapshot: Snapshot, subject: string) => Finding } {
  const what = describeTarget(target);
  if (target.kind === "lambda") {
    const state = snapshot.lambdaTargets[target.id];
    if (!state) return { ok: false, finding: (_, subject) => skipped(ID, `${what}: not collected`, undefined, subject) };
    if (!state.policy.ok) {
      const failure = state.policy;
      return { ok: false, finding: (s, subject) => unreadable(s, ID, `${what}'s resource policy`, failure, subject) };
    }
    return { ok: true, value: JSON.stringify({ Version: "2012-10-17", Statement: state.policy.value.statements.map(normalizePrincipal) }) };
  }
  const state = snapshot.targetResources?.[target.id];
  if (!state) return { ok: false, finding: (_, subject) => skipped(ID, `${what}: not collected`, undefined, subject) };
  if (!state.resource.ok) {
    const failure = state.resource;
    if (failure.reason === "not-found") return { ok: false, finding: (_, subject) => skipped(ID, `${what} does not exist (see target.exists)`, undefined, subject) };
    return { ok: false, finding: (s, subject) => unreadable(s, ID, `${what}'s policy`, failure, subject) };
  }
  return { ok: true, value: target.kind === "logs" ? ((state.resource.value.logPolicies ?? [])[0]?.document ?? null) : (state.resource.value.policy ?? null) };
}

/** The finding for a verdict: pass, warn (allowed unless …), or fail with the fix. */
function judge(verdict: Verdict, words: { subject: string; evidence: Record<string, unknown>; allowed: string; denied: string; why: string; fix: string }): Finding {
  const detailNotes = [...verdict.notes, ...verdict.problems.map((p) => `invalid statement: ${p}`)];
  if (verdict.decision === "allowed") {
    return finding(ID, "pass", words.allowed, { subject: words.subject, evidence: words.evidence, ...(detailNotes.length > 0 ? { detail: detailNotes.join("\n") } : {}) });
  }
  if (verdict.decision === "allowed-unless") {
    return finding(ID, "warn", `${words.allowed}, unless a condition the request may not meet applies`, {
      subject: words.subject,
      detail: [verdict.text, ...detailNotes].join("\n"),
      evidence: words.evidence,
      fix: `If deliveries fail with NO_PERMISSIONS:\n${words.fix}`,
    });
  }
  return finding(ID, "fail", words.denied, {
    subject: words.subject,
    detail: [words.why, verdict.text, ...detailNotes].join("\n"),
    evidence: words.evidence,
    fix: words.fix,
  });
}

/**
 * `target.permission` for one target that is not a same-account Lambda function without a
 * role; null when the Lambda path applies.
 */
export function resourcePermission(snapshot: Snapshot, rule: RuleInfo, target: TargetInfo): Finding | null {
  const subject = subjectOf(target);
  const what = describeTarget(target);
  if (isCrossAccount(snapshot, target)) return crossAccountDelivery(snapshot, rule, target);
  if (target.kind === "lambda") return null;
  if (ROLE_KINDS.has(target.kind)) return skipped(ID, `${what}: EventBridge reaches it through the target's role, no resource policy (see target.role)`, undefined, subject);
  if (target.kind === "events") return skipped(ID, `${what} is in the same account: no bus policy is needed (a role, when set, is target.role's)`, undefined, subject);
  if (target.kind === "other") return skipped(ID, `${what}: not read — course-doctor does not read ${target.service ?? "this kind of"} targets yet`, undefined, subject);
  if (target.roleArn) {
    const verdict = serviceDelivery(snapshot, rule, target);
    // With a role set, the resource policy is one way in: a refusal here is not the verdict.
    return verdict.status === "fail" ? skipped(ID, `${what} is reached through role ${target.roleArn} (see target.role); its ${policyNoun(target)} does not admit events.amazonaws.com itself`, undefined, subject) : verdict;
  }
  return serviceDelivery(snapshot, rule, target);
}

