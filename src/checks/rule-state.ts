import { awsCommand, finding, regionOf, skipped, unresolvedFinding, type Check } from "./support.js";
import { templateFixes } from "./template-fixes.js";

/** The rule is enabled: a disabled rule matches nothing. */
export const ruleStateCheck: Check = {
  id: "rule.state",
  title: "the rule is enabled",
  run(snapshot) {
    if (!snapshot.rule.ok) return [skipped("rule.state", "no rule to read (see rule.exists)")];
    const rule = snapshot.rule.value;
    const unknown = unresolvedFinding(snapshot, "rule.state", "rule.state", `the State of rule ${rule.name}`);
    if (unknown) return [unknown];
    const evidence = { state: rule.state, arn: rule.arn, ...(rule.managedBy ? { managedBy: rule.managedBy } : {}) };
    if (rule.state === "ENABLED") return [finding("rule.state", "pass", "ENABLED", { evidence })];
    if (rule.state === "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS") {
      return [
        finding("rule.state", "pass", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS", {
          detail: "Enabled, and also matches CloudTrail read-only management events.",
          evidence,
        }),
      ];
    }
    const region = regionOf(snapshot);
    const enable = templateFixes(snapshot)?.enableRule(rule) ?? awsCommand(["events", "enable-rule"], [["--name", rule.name], ["--event-bus-name", rule.busName], ["--region", region]]);
    if (rule.state === "DISABLED") {
      return [
        finding("rule.state", "fail", "DISABLED: the rule matches no events", {
          detail: rule.managedBy
            ? `The rule is managed by ${rule.managedBy}: enable it through that service if the command below is refused.`
            : "A disabled rule neither matches nor invokes its targets; its metrics stay empty.",
          evidence,
          fix: enable,
        }),
      ];
    }
    return [
      finding("rule.state", "warn", `${rule.state}: not a state this tool knows`, {
        detail: "Known states: ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.",
        evidence,
        fix: `If the rule should run: ${enable}`,
      }),
    ];
  },
};
