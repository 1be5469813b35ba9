import type { RuleElsewhere } from "../model/snapshot.js";
import { awsCommand, busNameOf, finding, regionOf, sh, skipped, unreadable, type Check } from "./support.js";

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
    const caseVariant = elsewhere.find((r) => r.name !== undefined && r.region === undefined);
    if (caseVariant) {
      return [
        finding("rule.exists", "fail", `no rule ${name} on ${bus}; rule ${caseVariant.name} on ${caseVariant.bus} differs only in case`, {
          detail: "Rule names are case-sensitive: the one asked for does not exist as written.",
          evidence,
          fix: `Name the rule exactly as it is: course-doctor check --bus ${sh(caseVariant.bus)} --rule ${sh(caseVariant.name!)}`,
        }),
      ];
    }
    const inOtherRegions = elsewhere.filter((r) => r.region !== undefined);
    if (inOtherRegions.length > 0 && inOtherRegions.length === elsewhere.length) {
      const regions = [...new Set(inOtherRegions.map((r) => r.region!))];
      return [
        finding("rule.exists", "fail", `no rule ${name} on ${bus} in ${region ?? "this region"}; it is in ${regions.join(", ")}`, {
          detail: `Events published in ${region ?? "this region"} never reach a rule in another region; course-doctor looked in ${region ?? "this region"} because that is the region it was given.`,
          evidence,
          fix: `Check the pipeline where it is: course-doctor check --region ${regions[0]} --bus ${sh(bus)} --rule ${sh(name)}
(and make sure the publisher sends its events to ${regions[0]}).`,
        }),
      ];
    }
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
        detail: "No bus in this region has a rule of that name (nor one differing only in case), and no other default region has it on this bus: check the name.",
        evidence,
        fix: `List the rules on the bus: ${list}`,
      }),
    ];
  },
};
