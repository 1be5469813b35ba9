import type { Finding } from "../model/finding.js";
import { evaluateInvokePermission, EVENTS_PRINCIPAL, type StatementVerdict } from "../model/lambda-policy.js";
import { parseFunctionArn, parseRuleArn, ruleArnResource, unqualifiedFunctionArn } from "../model/rule-arn.js";
import type { PolicyStatement, RuleInfo, Snapshot, TargetInfo } from "../model/snapshot.js";
import { resourcePermission } from "./resource-permission.js";
import {
  addPermissionCommand,
  awsCommand,
  describeTarget,
  finding,
  regionOf,
  skipped,
  subjectOf,
  unreadable,
  unresolvedFinding,
  type Check, perTarget } from "./support.js";
import { templateFixes } from "./template-fixes.js";

function sidOf(statement: PolicyStatement): string {
  return statement.Sid ?? "(no Sid)";
}

function summarize(verdict: StatementVerdict): Record<string, unknown> {
  const s = verdict.statement;
  return {
    sid: s.Sid ?? null,
    principal: s.Principal ?? null,
    action: s.Action ?? null,
    resource: s.Resource ?? null,
    ...(s.Condition ? { condition: s.Condition } : {}),
    admits: verdict.admits,
    ...(!verdict.admits ? { why: verdict.reasons.map((r) => r.message) } : {}),
  };
}

function checkTarget(snapshot: Snapshot, rule: RuleInfo, target: TargetInfo): Finding {
  const subject = subjectOf(target);
  const unknownArn = unresolvedFinding(snapshot, "target.permission", `targets.${target.id}.arn`, `the Arn of target ${target.id}`, subject);
  if (unknownArn) return unknownArn;
  const other = resourcePermission(snapshot, rule, target);
  if (other) return other;
  if (!target.function) return skipped("target.permission", `${describeTarget(target)}: not a function ARN`, undefined, subject);
  const state = snapshot.lambdaTargets[target.id];
  if (!state) return skipped("target.permission", `${subject}: not collected`, undefined, subject);
  if (!state.configuration.ok && state.configuration.reason === "not-found") {
    return skipped("target.permission", `${subject} does not exist (see target.exists)`, undefined, subject);
  }
  const policy = state.policy;
  if (!policy.ok) {
    if (policy.reason === "not-found") return skipped("target.permission", `${subject} does not exist (see target.exists)`, undefined, subject);
    return unreadable(snapshot, "target.permission", `${subject}'s resource policy`, policy, subject);
  }

  const region = regionOf(snapshot);
  const statements = policy.value.statements;
  const verdict = evaluateInvokePermission(statements, { targetArn: target.arn, ruleArn: rule.arn });
  const from = ruleArnResource(rule.arn);
  const evidence: Record<string, unknown> = {
    ruleArn: rule.arn,
    targetArn: target.arn,
    statements: verdict.verdicts.map(summarize),
  };
  const roleNote = target.roleArn ? `The target also sets role ${target.roleArn}: EventBridge may invoke the function through it (see target.role).` : undefined;
  if (target.roleArn) evidence.roleArn = target.roleArn;

  // A function in another account than the rule's is named by its ARN (the command runs there).
  const fnArn = parseFunctionArn(target.arn);
  const ruleAccount = parseRuleArn(rule.arn)?.account;
  const functionName = fnArn && ruleAccount && fnArn.account !== ruleAccount ? unqualifiedFunctionArn(target.arn) : state.functionName;
  const addPermission = addPermissionCommand({
    functionName,
    qualifier: state.qualifier,
    ruleName: rule.name,
    ruleArn: rule.arn,
    region: fnArn?.region ?? region,
    takenSids: statements.map((s) => s.Sid ?? ""),
  });
  const removePermission = (sid: string) =>
    awsCommand(
      ["lambda", "remove-permission"],
      [["--function-name", functionName], ["--qualifier", state.qualifier], ["--statement-id", sid], ["--region", fnArn?.region ?? region]],
    );

  if (verdict.admitted) {
    const a = verdict.admitted;
    const sid = sidOf(a.statement);
    const deny = verdict.mayDeny[0];
    if (deny) {
      const denySid = sidOf(deny.statement);
      return finding("target.permission", "warn", `events.amazonaws.com may invoke it from ${from}, unless statement ${denySid} denies it`, {
        subject,
        detail: [`Statement ${denySid} denies the invocation if its conditions hold, which are not evaluated here: ${deny.unevaluated.join(", ")}. A Deny wins over any Allow.`, roleNote]
          .filter(Boolean)
          .join("\n"),
        evidence,
        fix: `If EventBridge is refused, narrow or remove statement ${denySid} first:\n  ${removePermission(denySid)}`,
      });
    }
    if (a.sourceAccount !== null) {
      const template = templateFixes(snapshot);
      return finding("target.permission", "warn", `events.amazonaws.com may invoke it from ${from}, but statement ${sid} also has a SourceAccount condition`, {
        subject,
        detail: [
          "AWS's troubleshooting guide names a SourceAccount condition as something that can stop EventBridge invoking the function; a SourceArn naming the rule is enough.",
          roleNote,
        ]
          .filter(Boolean)
          .join("\n"),
        evidence: { ...evidence, sourceAccount: a.sourceAccount },
        fix: template ? template.lambdaPermission({ rule, target, wrong: [{ sid, kind: "source-account" }] }) : `Replace the statement with one that names only the rule:\n  ${addPermission}\n  ${removePermission(sid)}`,
      });
    }
    if (a.unevaluated.length > 0) {
      return finding("target.permission", "warn", `events.amazonaws.com may invoke it from ${from}, if statement ${sid}'s other conditions hold`, {
        subject,
        detail: [`Conditions not evaluated here: ${a.unevaluated.join(", ")}.`, roleNote].filter(Boolean).join("\n"),
        evidence,
        fix: `If EventBridge is refused, add a statement without them:\n  ${addPermission}`,
      });
    }
    if (a.sourceArn === "unconstrained") {
      return finding("target.permission", "pass", `events.amazonaws.com may invoke it from any rule (statement ${sid} has no SourceArn condition)`, {
        subject,
        detail: [
          `Any EventBridge rule, in any account, may invoke it. To admit only this rule: ${addPermission}, then ${removePermission(sid)}`,
          roleNote,
        ]
          .filter(Boolean)
          .join("\n"),
        evidence,
      });
    }
    const how = a.sourceArn === "pattern" ? ` (statement ${sid} allows ${a.sourceArnValues.join(", ")})` : "";
    return finding("target.permission", "pass", `events.amazonaws.com may invoke it from ${from}${how}`, {
      subject,
      evidence: { ...evidence, statement: a.statement.Sid ?? null },
      ...(roleNote ? { detail: roleNote } : {}),
    });
  }

  if (target.roleArn) {
    // A function reached through a role needs no resource-policy statement for events.amazonaws.com.
    return skipped("target.permission", `${subject} is invoked through role ${target.roleArn} (see target.role); its resource policy does not admit events.amazonaws.com itself`, undefined, subject);
  }
  // Before deploy, a statement whose value only deploy time gives may be the one that admits it.
  const unknownPolicy = unresolvedFinding(snapshot, "target.permission", `lambdaTargets.${target.id}.policy`, `a permission for ${subject}`, subject);
  if (unknownPolicy) return unknownPolicy;
  const status = "fail";
  const nearMisses = verdict.verdicts.filter((v): v is Extract<StatementVerdict, { admits: false }> => !v.admits && v.nearMiss);
  let title: string;
  let why: string;
  if (verdict.denied) {
    title = `statement ${sidOf(verdict.denied)} denies events.amazonaws.com`;
    why = `Statement ${sidOf(verdict.denied)} denies the invocation, and a Deny wins over any Allow.`;
  } else if (statements.length === 0) {
    title = `no resource policy: events.amazonaws.com may not invoke it`;
    why = "The function has no resource policy at all: rules created with the CLI, SDK, CloudFormation, SAM or Terraform need the permission added explicitly (the console adds it for you).";
  } else if (nearMisses.length === 0) {
    title = `no statement lets ${EVENTS_PRINCIPAL} invoke it`;
    why = `None of its ${statements.length} statement(s) is for ${EVENTS_PRINCIPAL}.`;
  } else {
    const first = nearMisses[0]!;
    title = `${EVENTS_PRINCIPAL} may not invoke it from ${from}: statement ${sidOf(first.statement)} ${first.reasons.map((r) => r.short).join(", ")}`;
    why = nearMisses.map((m) => `Statement ${sidOf(m.statement)} does not match: ${m.reasons.map((r) => r.message).join("; ")}.`).join("\n");
  }

  // A statement that missed only on a wrong form of THIS rule's ARN is useless: offer to remove
  // it. One naming another rule may be that rule's permission, so it stays.
  // A negated SourceArn test carries no values: it names no wrong ARN to replace.
  const wrongSourceArn = nearMisses.filter((m) => {
    const miss = m.reasons.length === 1 ? m.reasons[0]! : null;
    return miss?.kind === "source-arn" && m.statement.Sid && miss.values !== undefined && miss.values.every((v) => parseRuleArn(v)?.name === rule.name);
  });
  // Against a Deny, adding an Allow changes nothing: the Deny has to go (or narrow) first.
  const deniedSid = verdict.denied ? sidOf(verdict.denied) : null;
  const fix = deniedSid
    ? [
        `Remove or narrow statement ${deniedSid}, which denies the invocation (a Deny wins over any Allow):`,
        `  ${removePermission(deniedSid)}`,
        ...(verdict.verdicts.some((v) => v.admits) ? [] : [`then let EventBridge invoke ${subject} from this rule (${rule.arn}):`, `  ${addPermission}`]),
      ]
    : [
        `Let EventBridge invoke ${subject} from this rule (${rule.arn}):`,
        `  ${addPermission}`,
        ...wrongSourceArn.map((m) => `then remove the statement with the wrong ARN: ${removePermission(m.statement.Sid!)}`),
        whyNot(nearMisses, statements.length),
      ];
  const template = templateFixes(snapshot);
  const templateFix = template?.lambdaPermission({
    rule,
    target,
    wrong: nearMisses.flatMap((m) => (m.reasons.length === 1 && m.statement.Sid ? [{ sid: m.statement.Sid, kind: m.reasons[0]!.kind }] : [])),
  });
  return finding("target.permission", status, title, {
    subject,
    detail: [why, roleNote].filter(Boolean).join("\n"),
    evidence,
    fix: templateFix ?? fix.join("\n"),
  });
}

/** One sentence on why the existing policy did not admit the rule, for the end of the fix. */
function whyNot(nearMisses: Array<Extract<StatementVerdict, { admits: false }>>, count: number): string {
  if (count === 0) return "The function had no resource policy: rules created outside the console need this permission added explicitly.";
  const first = nearMisses[0];
  if (!first) return `None of its statements is for ${EVENTS_PRINCIPAL}.`;
  const miss = first.reasons[0]!;
  if (miss.kind === "source-arn" && first.reasons.length === 1) return `The old SourceArn did not match: ${miss.why}.`;
  return `Statement ${sidOf(first.statement)} did not admit it: ${first.reasons.map((r) => r.message).join("; ")}.`;
}

/** The target's resource policy lets events.amazonaws.com invoke it from this rule's exact ARN. */
export const targetPermissionCheck: Check = {
  id: "target.permission",
  title: "the target's resource policy lets events.amazonaws.com invoke it from this rule's exact ARN",
  run(snapshot) {
    return perTarget(snapshot, "target.permission", (t, rule) => checkTarget(snapshot, rule, t));
  },
};
