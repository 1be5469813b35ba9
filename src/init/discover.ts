/**
 * What `init` reads from AWS: the bus, its rules, their targets, and the functions whose
 * environment names the bus (the likely publishers). Only variable NAMES leave this
 * module: a value is compared with the bus and dropped on the spot.
 */
import type { CollectSession } from "../collect/readers.js";
import { requireReachable } from "../inspect/session.js";
import { AwsAccessError } from "../errors.js";
import { busNameOf, parseArn } from "../model/arn.js";
import type { Collected, TargetInfo } from "../model/snapshot.js";
import { mapLimit } from "../util/concurrency.js";

/** One rule on the bus, with its targets when they were read. */
export interface DiscoveredRule {
  name: string;
  arn: string;
  state: string;
  eventPattern: string | null;
  managedBy: string | null;
  /** Null when they were not read (a rule other than the one --rule names). */
  targets: Collected<TargetInfo[]> | null;
}

/** A function whose environment names the bus, with the names (never values) of those variables. */
export interface PublisherCandidate {
  function: string;
  variables: string[];
}

/** Everything `init` found, as plain data. */
export interface Discovery {
  region: string;
  account: string | null;
  /** The bus as the user gave it (name or ARN). */
  bus: string;
  busName: string;
  /** Null when the bus could not be described (but its rules could be listed). */
  busArn: string | null;
  /** Null when the bus exists (or could not be told); else the buses in the region, for the message. */
  missing: { otherBuses: Collected<string[]> } | null;
  rules: DiscoveredRule[];
  publishers: Collected<PublisherCandidate[]>;
}

/**
 * Reads the bus, its rules (paginated), the targets of the rules that matter (`onlyRule`,
 * or all of them), and the functions (paginated) whose environment names the bus.
 * A missing bus is returned as `missing`, not thrown: it is a finding about the account.
 */
export async function discoverPipeline(session: CollectSession, bus: string, onlyRule: string | null): Promise<Discovery> {
  const busName = busNameOf(bus);
  const [identity, busInfo, rules] = await Promise.all([session.identity(), session.bus(bus), session.rules(bus)]);
  requireReachable(identity);
  const region = session.aws.region;
  const account = identity.ok ? identity.value.account : null;
  const base = { region, account, bus, busName, busArn: busInfo.ok ? busInfo.value.arn || null : null };

  if ((!busInfo.ok && busInfo.reason === "not-found") || (!rules.ok && rules.reason === "not-found")) {
    return { ...base, missing: { otherBuses: await session.busNames() }, rules: [], publishers: { ok: true, value: [] } };
  }
  if (!rules.ok) {
    throw new AwsAccessError(`cannot list the rules on bus ${busName}: ${rules.error}`, {
      hint: rules.reason === "access-denied" ? `init needs ${rules.action ?? "events:ListRules"}` : undefined,
    });
  }

  const wanted = rules.value.filter((rule) => onlyRule === null || rule.Name === onlyRule);
  const [targets, publishers] = await Promise.all([
    // ListTargetsByRule is rate-limited per account (about 50/s): a few at a time.
    mapLimit(wanted, 8, (rule) => session.targets(rule.Name ?? "", bus)),
    findPublishers(session, busName, base.busArn),
  ]);
  const targetsByRule = new Map(wanted.map((rule, index) => [rule.Name ?? "", targets[index]!]));
  return {
    ...base,
    missing: null,
    rules: rules.value.map((rule) => ({
      name: rule.Name ?? "",
      arn: rule.Arn ?? "",
      state: rule.State ?? "ENABLED",
      eventPattern: rule.EventPattern ?? null,
      managedBy: rule.ManagedBy ?? null,
      targets: targetsByRule.get(rule.Name ?? "") ?? null,
    })),
    publishers,
  };
}

/** Every function with an environment variable naming the bus (by name or ARN), by function name. */
async function findPublishers(session: CollectSession, busName: string, busArn: string | null): Promise<Collected<PublisherCandidate[]>> {
  const functions = await session.functions();
  if (!functions.ok) return functions;
  const found: PublisherCandidate[] = [];
  for (const fn of functions.value) {
    const variables = busVariables(fn.environment, busName, busArn);
    if (variables.length > 0) found.push({ function: fn.name, variables });
  }
  return { ok: true, value: found.sort((a, b) => a.function.localeCompare(b.function)) };
}

/**
 * The names of the variables whose value names the bus, most bus-like name first. Values
 * are only compared, never kept. "default" is a common word, so for the default bus the
 * variable's name must say BUS too.
 */
export function busVariables(variables: Record<string, string>, busName: string, busArn: string | null): string[] {
  const names: string[] = [];
  for (const [name, value] of Object.entries(variables)) {
    const trimmed = value.trim();
    const arn = parseArn(trimmed);
    const namesBus =
      trimmed === busName ||
      (busArn !== null && trimmed === busArn) ||
      (arn?.service === "events" && arn.resource.startsWith("event-bus/") && busNameOf(trimmed) === busName);
    if (!namesBus) continue;
    if (busName === "default" && !/bus/i.test(name)) continue;
    names.push(name);
  }
  const rank = (name: string) => (name === "EVENT_BUS_NAME" ? 0 : /bus/i.test(name) ? (/name/i.test(name) ? 1 : 2) : 3);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
