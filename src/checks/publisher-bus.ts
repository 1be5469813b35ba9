import { parseBusArn } from "../model/rule-arn.js";
import type { Snapshot } from "../model/snapshot.js";
import { appEventOf } from "./app-event.js";
import { accountOf, busNameOf, finding, regionOf, sh, skipped, unreadable, type Check } from "./support.js";
import type { Finding } from "../model/finding.js";
import { templateFixes } from "./template-fixes.js";

/** Where a bus setting sends events: a bus name in some region and account. */
interface BusDestination {
  bus: string;
  region: string | null;
  account: string | null;
  /** The setting was unset or empty: PutEvents without EventBusName means the default bus. */
  unset: boolean;
  /** The setting held an ARN. */
  arn: boolean;
}

/** Reads a bus setting the way PutEvents does: unset → default bus; a name or an ARN both work. */
export function resolveBusSetting(value: string | null | undefined, here: { region: string | null; account: string | null }): BusDestination {
  const text = value?.trim() ?? "";
  if (text === "") return { bus: "default", ...here, unset: true, arn: false };
  const arn = parseBusArn(text);
  if (arn) return { bus: arn.name, region: arn.region, account: arn.account, unset: false, arn: true };
  return { bus: text, ...here, unset: false, arn: false };
}

/** Why a destination is not the rule's bus; null when it is. */
function mismatch(dest: BusDestination, ruleBus: string, here: { region: string | null; account: string | null }): string | null {
  if (dest.bus !== ruleBus) return dest.unset ? "it publishes to the default bus" : `it publishes to ${dest.bus}`;
  if (here.account && dest.account && dest.account !== here.account) return `it names ${dest.bus} in account ${dest.account}; the rule is in account ${here.account}`;
  if (here.region && dest.region && dest.region !== here.region) return `it names ${dest.bus} in ${dest.region}; the rule is in ${here.region}`;
  return null;
}

/**
 * A paste-ready command that sets one variable and keeps the others. update-function-
 * configuration prints the whole configuration, every environment value (secrets)
 * included: its --query prints only the variable it set.
 */
function setVariableCommand(fn: string, variable: string, value: string, region: string | null): string {
  const r = region ? ` --region ${sh(region)}` : "";
  const merge = `{Variables: ((. // {}) + {${JSON.stringify(variable)}: ${JSON.stringify(value)}})}`;
  return (
    `aws lambda update-function-configuration --function-name ${sh(fn)}${r} --query ${sh(`Environment.Variables.${variable}`)} --output text --environment ` +
    `"$(aws lambda get-function-configuration --function-name ${sh(fn)}${r} --query Environment.Variables --output json | jq -c ${sh(merge)})"`
  );
}

function publisherFinding(snapshot: Snapshot, ruleBus: string): Finding | null {
  const publisher = snapshot.publisher;
  if (!publisher) return null;
  const region = regionOf(snapshot);
  const account = accountOf(snapshot);
  const { name, busEnvVar } = publisher;
  const env = publisher.environment;
  if (!env.ok) {
    if (env.reason === "not-found") {
      return finding("publisher.bus", "warn", `function ${name} not found in ${region ?? "this region"}: its bus setting was not checked`, {
        subject: name,
        evidence: { publisher: name, region, error: env.error },
        fix: "Check --publisher (the function that calls PutEvents) and --region.",
      });
    }
    return unreadable(snapshot, "publisher.bus", `${name}'s environment`, env, name);
  }
  const value = env.value.busValue;
  const here = { region, account };
  const dest = resolveBusSetting(value, here);
  const evidence: Record<string, unknown> = {
    publisher: name,
    variable: busEnvVar,
    value,
    publishesTo: dest.unset ? "default (variable unset)" : dest.bus,
    ruleBus,
    variables: Object.keys(env.value.variables),
  };
  const why = mismatch(dest, ruleBus, here);
  if (!why) {
    const title = dest.unset
      ? `${name} has no ${busEnvVar}: it publishes to the default bus, where the rule lives`
      : `${name} publishes to ${dest.bus} (${busEnvVar}${dest.arn ? " holds its ARN" : ""})`;
    return finding("publisher.bus", "pass", title, { subject: name, evidence });
  }
  const title = dest.unset
    ? `${name} has no ${busEnvVar}: it publishes to the default bus`
    : `${name}'s ${busEnvVar} is ${value}: ${why.replace(/^it publishes to .*$/, `the rule is on ${ruleBus}`)}`;
  const detail = dest.unset
    ? `A publisher that reads its bus from ${busEnvVar} and finds it unset calls PutEvents without EventBusName, which means the default bus; PutEvents still succeeds, and the event never reaches ${ruleBus}.`
    : `PutEvents succeeds, and the event lands on a bus where this rule does not live.`;
  const template = templateFixes(snapshot);
  return finding("publisher.bus", "fail", title, {
    subject: name,
    detail,
    evidence,
    fix: template ? template.busVariable({ publisher: name, variable: busEnvVar, bus: ruleBus }) : [
      `${dest.unset ? "add" : "set"} ${busEnvVar}=${ruleBus} ${dest.unset ? "to" : "in"} ${name}'s environment (keep its other variables: update-function-configuration replaces the whole set):`,
      `  ${setVariableCommand(name, busEnvVar, ruleBus, region)}`,
      `and set it where the function is defined (SAM, CDK, Terraform), or the next deploy undoes it.`,
    ].join("\n"),
  });
}

function entryFinding(snapshot: Snapshot, ruleBus: string): Finding | null {
  const app = appEventOf(snapshot);
  if (!app?.ok || app.form !== "entry") return null;
  const value = app.entry.EventBusName;
  if (typeof value !== "string" || value === "") return null;
  const here = { region: regionOf(snapshot), account: accountOf(snapshot) };
  const dest = resolveBusSetting(value, here);
  const why = mismatch(dest, ruleBus, here);
  const evidence = { EventBusName: value, ruleBus };
  if (!why) return finding("publisher.bus", "pass", `the event's EventBusName is ${value}`, { subject: "event", evidence });
  return finding("publisher.bus", "fail", `the event's EventBusName is ${value}: ${why.startsWith("it publishes") ? `the rule is on ${ruleBus}` : why}`, {
    subject: "event",
    evidence,
    fix: `Set EventBusName to ${ruleBus} in the PutEvents entry the code sends (a name or the bus ARN; leaving it out means the default bus).`,
  });
}

/** The publisher sends to the bus the rule lives on. */
export const publisherBusCheck: Check = {
  id: "publisher.bus",
  title: "the publisher function's bus setting names the rule's bus",
  run(snapshot) {
    const ruleBus = busNameOf(snapshot);
    const found = [publisherFinding(snapshot, ruleBus), entryFinding(snapshot, ruleBus)].filter((f): f is Finding => f !== null);
    if (found.length > 0) return found;
    return [
      skipped(
        "publisher.bus",
        "no publisher given (--publisher FUNCTION)",
        `Name the function that calls PutEvents: an unset ${snapshot.request.busEnvVar} sends every event to the default bus, and PutEvents still reports success.`,
      ),
    ];
  },
};
