import { addPermissionCommand, awsCommand, describeTarget, functionArnFor, finding, plural, regionOf, skipped, unreadable, type Check } from "./support.js";
import { templateFixes } from "./template-fixes.js";

/** The rule has at least one target (and the one --function names, when given). */
export const targetsPresentCheck: Check = {
  id: "targets.present",
  title: "the rule has at least one target",
  run(snapshot) {
    if (!snapshot.rule.ok) return [skipped("targets.present", "no rule to read (see rule.exists)")];
    const rule = snapshot.rule.value;
    const targets = snapshot.targets;
    if (!targets.ok) {
      if (targets.reason === "not-found") return [skipped("targets.present", "the rule vanished while it was read")];
      return [unreadable(snapshot, "targets.present", "the rule's targets", targets)];
    }
    const region = regionOf(snapshot);
    const putTarget = (fn: string) =>
      awsCommand(
        ["events", "put-targets"],
        [["--rule", rule.name], ["--event-bus-name", rule.busName], ["--targets", `Id=${fn},Arn=${functionArnFor(snapshot, fn)}`], ["--region", region]],
      );
    const list = targets.value.map(describeTarget);
    const evidence = { targets: targets.value.map((t) => ({ id: t.id, arn: t.arn, kind: t.kind })) };
    const template = templateFixes(snapshot);
    if (targets.value.length === 0) {
      const fn = snapshot.request.function ?? "FUNCTION";
      return [
        finding("targets.present", "fail", "no targets: matched events go nowhere", {
          detail: "The rule matches, and nothing is invoked; MatchedEvents counts up while Invocations stays at 0.",
          evidence,
          fix: template ? template.change(rule.arn, `add the target to ${template.terraform ? "an aws_cloudwatch_event_target of the rule" : "Targets"} (Id and Arn of ${fn}), and the permission that lets the rule invoke it`) : [
            `Add the target: ${putTarget(fn)}`,
            `and let EventBridge invoke it: ${addPermissionCommand({ functionName: fn, ruleName: rule.name, ruleArn: rule.arn, region })}`,
          ].join("\n"),
        }),
      ];
    }
    const only = snapshot.request.function;
    if (only && !targets.value.some((t) => t.id === only || t.function?.name === only || t.arn === only)) {
      return [
        finding("targets.present", "fail", `no target is function ${only} (${plural(list.length, "target")}: ${list.join(", ")})`, {
          detail: `The rule invokes other targets; ${only} never receives its events.`,
          evidence,
          fix: [
            `If the rule should invoke ${only}, add it: ${putTarget(only)}`,
            `and let EventBridge invoke it: ${addPermissionCommand({ functionName: only, ruleName: rule.name, ruleArn: rule.arn, region })}`,
            `Otherwise check --function.`,
          ].join("\n"),
        }),
      ];
    }
    return [finding("targets.present", "pass", `${plural(list.length, "target")}: ${list.join(", ")}`, { evidence })];
  },
};
