import { ruleMetricTotal, windowLabel } from "./metrics-support.js";
import { finding, plural, skipped, type Check } from "./support.js";

/** Matched events are delivered: Invocations happen and FailedInvocations is zero. */
export const metricsDeliveryCheck: Check = {
  id: "metrics.delivery",
  title: "Invocations happen and FailedInvocations is zero",
  needsAccount: true,
  run(snapshot) {
    if (!snapshot.rule.ok) return [skipped("metrics.delivery", "no rule to read (see rule.exists)")];
    if (!snapshot.metrics.ok) return [skipped("metrics.delivery", "the rule's metrics could not be read (see metrics.matched)")];
    const rule = snapshot.rule.value;
    const metrics = snapshot.metrics.value;
    const window = windowLabel(snapshot, metrics);
    const matched = ruleMetricTotal(metrics, rule, "MatchedEvents");
    const invocations = ruleMetricTotal(metrics, rule, "Invocations");
    const failed = ruleMetricTotal(metrics, rule, "FailedInvocations");
    const deadLettered = ruleMetricTotal(metrics, rule, "DeadLetterInvocations");
    const evidence = { matched, invocations, failedInvocations: failed, deadLetterInvocations: deadLettered, start: metrics.start, end: metrics.end };
    if (failed > 0) {
      return [
        finding("metrics.delivery", "fail", `${plural(failed, "failed invocation")} ${window}: EventBridge could not invoke the target`, {
          detail: [
            "FailedInvocations counts deliveries that failed for good: most often the target's resource policy refuses EventBridge, or the target is gone.",
            deadLettered > 0 ? `${deadLettered} went to the dead-letter queue.` : null,
          ]
            .filter(Boolean)
            .join(" "),
          evidence,
          fix: "Check the resource policy (target.permission) and the target (target.exists); the dead-letter queue's ERROR_CODE says which (target.dlq, --peek-dlq).",
        }),
      ];
    }
    if (matched === 0) return [skipped("metrics.delivery", `nothing matched ${window} (see metrics.matched)`)];
    if (invocations === 0) {
      return [
        finding("metrics.delivery", "warn", `${matched} matched, 0 invocations ${window}`, {
          detail: "Events matched and no target was invoked: the rule may have no targets, or the invocations are still to come (metrics lag by minutes).",
          evidence,
          fix: "Check the targets (targets.present) and look again in a few minutes.",
        }),
      ];
    }
    return [finding("metrics.delivery", "pass", `${plural(invocations, "invocation")}, 0 failed ${window}`, { evidence })];
  },
};
