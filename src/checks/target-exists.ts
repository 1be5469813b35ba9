import type { Finding } from "../model/finding.js";
import type { Snapshot, TargetInfo } from "../model/snapshot.js";
import { awsCommand, describeTarget, finding, regionOf, skipped, subjectOf, targetsInScope, unreadable, type Check } from "./support.js";

function checkTarget(snapshot: Snapshot, target: TargetInfo): Finding {
  const subject = subjectOf(target);
  if (target.kind !== "lambda" || !target.function) {
    return skipped("target.exists", `${describeTarget(target)}: not a function; its existence is not checked`, undefined, subject);
  }
  const state = snapshot.lambdaTargets[target.id];
  if (!state) return skipped("target.exists", `${subject}: not collected`, undefined, subject);
  const region = regionOf(snapshot);
  const { functionName: name, qualifier } = state;
  const nameArgs: Array<[string, string | undefined]> = [["--function-name", name], ["--qualifier", qualifier]];
  const config = state.configuration;
  if (!config.ok) {
    if (config.reason !== "not-found") return unreadable(snapshot, "target.exists", `function ${subject}`, config, subject);
    const rule = snapshot.rule.ok ? snapshot.rule.value : null;
    return finding("target.exists", "fail", `${subject} does not exist${qualifier ? ` (no ${qualifier} on ${name}, or no function)` : ""}`, {
      subject,
      detail: "EventBridge cannot invoke a missing function; the delivery fails with NO_RESOURCE and is not retried.",
      evidence: { targetId: target.id, targetArn: target.arn, error: config.error },
      fix: rule
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
      problems.push({
        status: "fail",
        title: `${subject} is throttled to zero: reserved concurrency 0`,
        detail: "Every invocation is throttled; EventBridge retries and then drops the event (or sends it to the dead-letter queue).",
        fix: [
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

/** Each Lambda target exists (with its qualifier), is Active, and is not throttled to zero. */
export const targetExistsCheck: Check = {
  id: "target.exists",
  title: "each Lambda target exists, is Active, and is not throttled to zero",
  run(snapshot) {
    if (!snapshot.rule.ok) return [skipped("target.exists", "no rule to read (see rule.exists)")];
    if (!snapshot.targets.ok || snapshot.targets.value.length === 0) return [skipped("target.exists", "no targets (see targets.present)")];
    const targets = targetsInScope(snapshot);
    if (targets.length === 0) return [skipped("target.exists", `no target is ${snapshot.request.function} (see targets.present)`)];
    return targets.map((t) => checkTarget(snapshot, t));
  },
};
