import type { Finding } from "../model/finding.js";
import { READ_TARGET_KINDS } from "../model/arn.js";
import type { RuleInfo, Snapshot, TargetInfo } from "../model/snapshot.js";
import { awsCommand, beforeDeploy, describeTarget, finding, KIND_NOUN, regionOf, skipped, subjectOf, unreadable, unresolvedFinding, perTarget, type Check } from "./support.js";
import { templateFixes } from "./template-fixes.js";

/** A target that is not a Lambda function: its queue, topic, log group, bus, ... exists where its ARN says. */
function checkResource(snapshot: Snapshot, rule: RuleInfo | null, target: TargetInfo): Finding {
  const subject = subjectOf(target);
  const what = describeTarget(target);
  const state = snapshot.targetResources?.[target.id];
  if (!state) {
    if (!READ_TARGET_KINDS.has(target.kind)) return skipped("target.exists", `${what}: not read — course-doctor does not read ${target.kind === "other" ? `${target.service ?? "these"} targets` : `${KIND_NOUN[target.kind]}s`} yet`, undefined, subject);
    return skipped("target.exists", `${what}: not collected${snapshot.targetResources === undefined ? " (a snapshot from before course-doctor read it)" : ""}`, undefined, subject);
  }
  const { account, region } = state.location;
  const evidence: Record<string, unknown> = { targetId: target.id, targetArn: target.arn, account, region, readWith: state.location.via };
  const resource = state.resource;
  if (!resource.ok) {
    if (resource.reason !== "not-found") return unreadable(snapshot, "target.exists", what, resource, subject);
    return finding("target.exists", "fail", `${what} does not exist in ${region} (account ${account})`, {
      subject,
      detail: "EventBridge cannot deliver to a missing resource; the delivery fails with NO_RESOURCE and is not retried.",
      evidence: { ...evidence, error: resource.error },
      fix: rule
        ? [
            `Create ${what} in ${region} (account ${account}), or point the target at the one that exists, or remove the target:`,
            `  ${awsCommand(["events", "remove-targets"], [["--rule", rule.name], ["--event-bus-name", rule.busName], ["--ids", target.id], ["--region", rule.arn.split(":")[3] ?? null]])}`,
          ].join("\n")
        : `Create ${what} in ${region} (account ${account}).`,
    });
  }
  const status = resource.value.status;
  if (status !== undefined) evidence.status = status;
  if (status !== undefined && /DELET|INACTIVE|FAILED/i.test(status)) {
    return finding("target.exists", "fail", `${what} is ${status}: it cannot receive events`, { subject, evidence, fix: `Recreate or re-activate ${what}, or point the target at a working one.` });
  }
  if (status !== undefined && !/^ACTIVE$/i.test(status)) {
    return finding("target.exists", "warn", `${what} is ${status}`, { subject, evidence, detail: "Deliveries may fail until it is ACTIVE." });
  }
  if (beforeDeploy(snapshot)) return finding("target.exists", "pass", `${what} is defined in the ${snapshot.source?.kind === "tf-plan" ? "plan" : "template"}${definedBy(snapshot, target.arn)}`, { subject, evidence });
  const elsewhere = state.location.via !== "caller" ? ` (account ${account}, read with ${state.location.via})` : region !== regionOf(snapshot) ? ` (in ${region})` : "";
  return finding("target.exists", "pass", `${what} exists${elsewhere}`, { subject, evidence });
}

/** " (DocumentQueue)": the logical id or address that defines a resource, for titles. */
function definedBy(snapshot: Snapshot, key: string): string {
  const origin = snapshot.source?.logicalIds[key];
  return origin ? ` (${origin.sam ? origin.sam.function : origin.id})` : "";
}

function checkTarget(snapshot: Snapshot, target: TargetInfo): Finding {
  const subject = subjectOf(target);
  const unknownArn = unresolvedFinding(snapshot, "target.exists", `targets.${target.id}.arn`, `the Arn of target ${target.id}`, subject);
  if (unknownArn) return unknownArn;
  if (target.kind !== "lambda" || !target.function) return checkResource(snapshot, snapshot.rule.ok ? snapshot.rule.value : null, target);
  const state = snapshot.lambdaTargets[target.id];
  if (!state) return skipped("target.exists", `${subject}: not collected`, undefined, subject);
  const region = state.location?.region ?? regionOf(snapshot);
  const { functionName: name, qualifier } = state;
  const nameArgs: Array<[string, string | undefined]> = [["--function-name", name], ["--qualifier", qualifier]];
  const config = state.configuration;
  if (!config.ok) {
    if (config.reason !== "not-found") return unreadable(snapshot, "target.exists", `function ${subject}`, config, subject);
    const rule = snapshot.rule.ok ? snapshot.rule.value : null;
    const template = templateFixes(snapshot);
    return finding("target.exists", "fail", `${subject} does not exist${qualifier ? ` (no ${qualifier} on ${name}, or no function)` : ""}`, {
      subject,
      detail: "EventBridge cannot invoke a missing function; the delivery fails with NO_RESOURCE and is not retried.",
      evidence: { targetId: target.id, targetArn: target.arn, error: config.error },
      fix: template
        ? template.functionChange({ functionName: name, text: qualifier ? `publish the alias ${qualifier} the rule targets (SAM: AutoPublishAlias: ${qualifier}; else an AWS::Lambda::Alias named ${qualifier}), or point the target at an alias that exists` : "define the function the rule targets" })
        : rule
        ? [
            `Deploy ${subject} in ${region ?? "the rule's region"} (the target names ${target.arn}),`,
            `or remove the target: ${awsCommand(["events", "remove-targets"], [["--rule", rule.name], ["--event-bus-name", rule.busName], ["--ids", target.id], ["--region", region]])}`,
          ].join("\n")
        : `Deploy ${subject} (the target names ${target.arn}).`,
    });
  }
  const c = config.value;
  const evidence: Record<string, unknown> = {
    targetId: target.id,
    arn: c.arn,
    state: c.state ?? null,
    lastUpdateStatus: c.lastUpdateStatus ?? null,
    ...(c.version ? { version: c.version } : {}),
  };
  const problems: Array<{ status: "fail" | "warn"; title: string; detail?: string; fix?: string }> = [];

  const concurrency = state.concurrency;
  let concurrencyNote: string | undefined;
  if (concurrency.ok) {
    evidence.reservedConcurrency = concurrency.value.reserved;
    if (concurrency.value.reserved === 0) {
      const template = templateFixes(snapshot);
      problems.push({
        status: "fail",
        title: `${subject} is throttled to zero: reserved concurrency 0`,
        detail: "Every invocation is throttled; EventBridge retries and then drops the event (or sends it to the dead-letter queue).",
        fix: template ? template.functionChange({ functionName: name, text: template.terraform ? "remove reserved_concurrent_executions = 0 (or reserve some)" : "remove ReservedConcurrentExecutions: 0 (or reserve some)" }) : [
          `Remove the limit: ${awsCommand(["lambda", "delete-function-concurrency"], [["--function-name", name], ["--region", region]])}`,
          `or reserve some: ${awsCommand(["lambda", "put-function-concurrency"], [["--function-name", name], ["--reserved-concurrent-executions", "10"], ["--region", region]])}`,
        ].join("\n"),
      });
    }
  } else {
    concurrencyNote = `Reserved concurrency not read: ${concurrency.reason === "access-denied" && concurrency.action ? `access denied (add ${concurrency.action})` : concurrency.error}.`;
    evidence.reservedConcurrency = { reason: concurrency.reason, error: concurrency.error };
  }

  const stateName = c.state;
  if (stateName === "Failed") {
    problems.push({
      status: "fail",
      title: `${subject} is Failed${c.stateReason ? `: ${c.stateReason}` : ""}`,
      detail: "A function in the Failed state cannot be invoked.",
      fix: `Read why and redeploy: ${awsCommand(["lambda", "get-function-configuration"], [...nameArgs, ["--region", region], ["--query", "[State,StateReason,StateReasonCode]"]])}`,
    });
  } else if (stateName && stateName !== "Active") {
    problems.push({
      status: "warn",
      title: `${subject} is ${stateName}${c.stateReason ? `: ${c.stateReason}` : ""}`,
      detail:
        stateName === "Inactive"
          ? "An idle function goes Inactive; the next invocation wakes it, and fails if its resources (VPC, image) are gone."
          : "Invocations may fail until the function is Active.",
      fix: `Read why: ${awsCommand(["lambda", "get-function-configuration"], [...nameArgs, ["--region", region], ["--query", "[State,StateReason,StateReasonCode]"]])}`,
    });
  }
  if (c.lastUpdateStatus === "Failed") {
    problems.push({
      status: "warn",
      title: `${subject}'s last update failed: it still runs the previous configuration`,
      fix: `Read why: ${awsCommand(["lambda", "get-function-configuration"], [...nameArgs, ["--region", region], ["--query", "[LastUpdateStatus,LastUpdateStatusReason]"]])}`,
    });
  }

  if (problems.length === 0 && beforeDeploy(snapshot)) {
    return finding("target.exists", "pass", `${subject} is defined in the ${snapshot.source?.kind === "tf-plan" ? "plan" : "template"}${definedBy(snapshot, name)}`, { subject, evidence, ...(concurrencyNote ? { detail: concurrencyNote } : {}) });
  }
  if (problems.length === 0) {
    const details = [c.version && qualifier ? `version ${c.version}` : null, c.runtime ?? null].filter(Boolean).join(", ");
    return finding("target.exists", "pass", `${subject} is ${stateName ?? "present"}${details ? ` (${details})` : ""}`, {
      subject,
      evidence,
      ...(concurrencyNote ? { detail: concurrencyNote } : {}),
    });
  }
  const worst = problems.find((p) => p.status === "fail") ?? problems[0]!;
  const detail = [...problems.map((p) => (p === worst ? p.detail : `${p.title}${p.detail ? `: ${p.detail}` : ""}`)), concurrencyNote].filter(Boolean).join("\n");
  const fix = problems.map((p) => p.fix).filter(Boolean).join("\n");
  return finding("target.exists", worst.status, worst.title, {
    subject,
    evidence,
    ...(detail ? { detail } : {}),
    ...(fix ? { fix } : {}),
  });
}

/**
 * Each target exists in the account and region its ARN names: a Lambda function (with its
 * qualifier: Active, not throttled to zero), a queue, topic, log group, bus, state machine,
 * delivery stream or API destination. A kind course-doctor does not read yet is a skip naming it.
 */
export const targetExistsCheck: Check = {
  id: "target.exists",
  title: "each target exists in the account and region its ARN names",
  run(snapshot) {
    return perTarget(snapshot, "target.exists", (t) => checkTarget(snapshot, t));
  },
};
