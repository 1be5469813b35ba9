import { parseBusArn } from "../model/rule-arn.js";
import { awsCommand, finding, regionOf, sh, unreadable, type Check } from "./support.js";

/** The bus the rule should live on exists. */
export const busExistsCheck: Check = {
  id: "bus.exists",
  title: "the bus exists",
  run(snapshot) {
    const requested = snapshot.request.bus;
    const bus = snapshot.bus;
    if (bus.ok) {
      return [finding("bus.exists", "pass", bus.value.name, { evidence: { name: bus.value.name, arn: bus.value.arn } })];
    }
    if (bus.reason !== "not-found") return [unreadable(snapshot, "bus.exists", `bus ${requested}`, bus)];
    const region = regionOf(snapshot);
    const asArn = parseBusArn(requested);
    const name = asArn?.name ?? requested;
    const where = asArn ? `${asArn.region} (account ${asArn.account})` : (region ?? "this region");
    const elsewhere = snapshot.busElsewhere?.ok ? snapshot.busElsewhere.value : [];
    if (elsewhere.length > 0) {
      const regions = elsewhere.map((b) => b.region);
      return [
        finding("bus.exists", "fail", `no bus named ${name} in ${where}; it is in ${regions.join(", ")}`, {
          detail: `The bus exists in another region: course-doctor looked in ${where} because that is the region it was given.`,
          evidence: { bus: requested, region, elsewhere },
          fix: `Check the pipeline where it is: course-doctor check --region ${regions[0]} --bus ${sh(name)}${snapshot.request.rule ? ` --rule ${sh(snapshot.request.rule)}` : ""}`,
        }),
      ];
    }
    return [
      finding("bus.exists", "fail", `no bus named ${name} in ${where}`, {
        detail: [
          "PutEvents rejects entries for a bus that does not exist, and a rule can only live on an existing bus: check the name and the region.",
          snapshot.busElsewhere?.ok ? "No other default region has a bus of that name either." : null,
          "A bus of the newer type (subscribers instead of rules and targets) is not read by course-doctor yet.",
        ]
          .filter(Boolean)
          .join("\n"),
        evidence: { bus: requested, region, error: bus.error },
        fix: [
          `List the buses: ${awsCommand(["events", "list-event-buses"], [["--region", region]])}`,
          `or create it: ${awsCommand(["events", "create-event-bus"], [["--name", name], ["--region", region]])}`,
        ].join("\n"),
      }),
    ];
  },
};
