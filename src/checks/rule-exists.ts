import type { RuleElsewhere } from "../model/snapshot.js";
import { awsCommand, busNameOf, finding, regionOf, skipped, unreadable, type Check } from "./support.js";

/** The rule exists on the bus asked about; when not, where a rule of that name lives. */
export const ruleExistsCheck: Check = {
  id: "rule.exists",
  title: "the rule exists on that bus",
  run(snapshot) {
    const name = snapshot.request.rule;
    if (!name) return [skipped("rule.exists", "no rule given (--rule NAME, or --all)")];
    const rule = snapshot.rule;
    const bus = busNameOf(snapshot);
    if (rule.ok) {
      return [finding("rule.exists", "pass", `on ${rule.value.busName}`, { evidence: { name: rule.value.name, arn: rule.value.arn, bus: rule.value.busName } })];
    }
    if (rule.reason !== "not-found") return [unreadable(snapshot, "rule.exists", `rule ${name}`, rule)];

    const elsewhere: RuleElsewhere[] = snapshot.ruleElsewhere.ok ? snapshot.ruleElsewhere.value : [];
    const region = regionOf(snapshot);
    const evidence: Record<string, unknown> = { rule: name, bus, region };
    if (elsewhere.length > 0) evidence.elsewhere = elsewhere;
    else if (!snapshot.ruleElsewhere.ok) evidence.elsewhere = `not searched: ${snapshot.ruleElsewhere.error}`;

    if (!snapshot.bus.ok && snapshot.bus.reason === "not-found") {
      const where = elsewhere.map((r) => r.bus).join(", ");
      return [
        skipped("rule.exists", `not on ${bus}: the bus does not exist (see bus.exists)`, where ? `A rule named ${name} exists on ${where}.` : undefined),
      ].map((f) => ({ ...f, evidence }));
    }
    const list = awsCommand(["events", "list-rules"], [["--event-bus-name", bus], ["--region", region]]);
    if (elsewhere.length > 0) {
      const others = elsewhere.map((r) => `${r.bus} (${r.state})`).join(", ");
      const first = elsewhere[0]!;
      return [
        finding("rule.exists", "fail", `not on ${bus}; a rule named ${name} is on ${others}`, {
          detail: `Events published to ${bus} never reach a rule on another bus. Either the rule was created on the wrong bus, or the events should go to ${first.bus}.`,
          evidence,
          fix: [
            `If the events go to ${first.bus}, check that pipeline: course-doctor check --bus ${first.bus} --rule ${name}`,
            `If they go to ${bus}, create the rule there with the same pattern, then add its targets and their permissions:`,
            `  ${awsCommand(["events", "put-rule"], [["--name", name], ["--event-bus-name", bus], ["--region", region]])} --event-pattern "$(${awsCommand(
              ["events", "describe-rule"],
              [["--name", name], ["--event-bus-name", first.bus], ["--region", region], ["--query", "EventPattern"], ["--output", "text"]],
            )})"`,
          ].join("\n"),
        }),
      ];
    }
    return [
      finding("rule.exists", "fail", `no rule ${name} on ${bus}`, {
        detail: "No bus in this region has a rule of that name either: check the name and the region.",
        evidence,
        fix: `List the rules on the bus: ${list}`,
      }),
    ];
  },
};
