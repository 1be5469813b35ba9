/**
 * `bus.policy`: a publisher in another account than the bus is admitted by the bus's
 * resource policy (events:PutEvents). Same-account publishers need none: skip.
 */
import type { Finding } from "../model/finding.js";
import { parseArn } from "../model/arn.js";
import type { Snapshot } from "../model/snapshot.js";
import { principalVerdict, withStatement } from "./policy-support.js";
import { busArnOf } from "./publisher-permission.js";
import { awsCommand, busNameOf, finding, skipped, unreadable, type Check } from "./support.js";
import { templateFixes } from "./template-fixes.js";

const ID = "bus.policy";

function run(snapshot: Snapshot): Finding[] {
  const publisher = snapshot.publisher;
  if (!publisher) return [skipped(ID, "no publisher given: whether another account may publish is not checked")];
  const busArn = busArnOf(snapshot);
  const busAccount = parseArn(busArn)?.account ?? "";
  const fnArn = publisher.function?.ok ? publisher.function.value.arn : publisher.name;
  const publisherAccount = parseArn(fnArn)?.account ?? busAccount;
  const subject = publisher.name;
  if (publisherAccount === busAccount) return [skipped(ID, `${publisher.name} is in the bus's account: no bus policy is needed`, undefined, subject)];
  if (!snapshot.bus.ok) return [unreadable(snapshot, ID, `bus ${busNameOf(snapshot)}`, snapshot.bus, subject)];
  const roleArn = publisher.function?.ok ? publisher.function.value.roleArn : null;
  const principal = roleArn ?? `arn:aws:iam::${publisherAccount}:root`;
  const verdict = principalVerdict(snapshot.bus.value.policy ?? null, principal, ["events:PutEvents"], busArn);
  const evidence = { busArn, publisherAccount, principal, verdict: verdict.text, statements: verdict.statements };
  if (verdict.decision === "allowed") return [finding(ID, "pass", `the bus policy of ${busNameOf(snapshot)} admits ${roleArn ? `role ${roleArn.split("/").pop()}` : `account ${publisherAccount}`}`, { subject, evidence })];
  if (verdict.decision === "allowed-unless") return [finding(ID, "warn", `the bus policy of ${busNameOf(snapshot)} admits account ${publisherAccount}, unless what could not be evaluated refuses it`, { subject, detail: verdict.text, evidence })];
  const statement = { Sid: `AllowPutEventsFrom${publisherAccount}`, Effect: "Allow", Principal: { AWS: `arn:aws:iam::${publisherAccount}:root` }, Action: "events:PutEvents", Resource: busArn };
  return [
    finding(ID, "fail", `${publisher.name} is in account ${publisherAccount}; the bus policy of ${busNameOf(snapshot)} (account ${busAccount}) does not admit it`, {
      subject,
      detail: ["PutEvents from another account is refused unless the bus's resource policy admits that account (or its role): the events never arrive.", verdict.text].join("\n"),
      evidence,
      fix: templateFixes(snapshot)?.change(busArn, `add ${templateFixes(snapshot)!.terraform ? "an aws_cloudwatch_event_bus_policy" : "an AWS::Events::EventBusPolicy"} for this bus with the statement ${JSON.stringify(statement)}`) ?? [
        "Admit the publisher's account on the bus (the statements already there are kept):",
        `  ${awsCommand(["events", "put-permission"], [["--event-bus-name", busNameOf(snapshot)], ["--policy", withStatement(snapshot.bus.value.policy ?? null, statement)]])}`,
      ].join("\n"),
    }),
  ];
}

export const busPolicyCheck: Check = {
  id: ID,
  title: "a publisher in another account is admitted by the bus's resource policy",
  run,
};
