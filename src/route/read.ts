/**
 * What `route` and `tail` read first: who the caller is and every rule on the bus. A bus
 * that cannot be read is an error naming why (exit 2): these commands have nothing to say
 * about a bus whose rules they do not know. This module pulls in the AWS SDK: commands
 * load it only once their input is checked.
 */
import { Aws } from "../aws/clients.js";
import { CollectSession } from "../collect/readers.js";
import type { Host } from "../host/host.js";
import { TOOL } from "../version.js";
import { UsageError } from "../errors.js";
import { requireReachable } from "../inspect/session.js";
import { awsFailureError } from "../logs/group.js";
import { busNameOf } from "../model/arn.js";
import type { Collected } from "../model/snapshot.js";
import type { BusRule } from "./route.js";

export interface BusView {
  /** The bus's name (the flag may give an ARN). */
  bus: string;
  /** The caller's account; null when GetCallerIdentity did not answer. */
  account: string | null;
  region: string;
  rules: BusRule[];
}

/** Reads the caller and the bus's rules; a missing bus or a denied ListRules is an error. */
export async function readBusRules(session: CollectSession, bus: string): Promise<BusView> {
  const [identity, rules] = await Promise.all([session.identity(), session.rules(bus)]);
  requireReachable(identity);
  const name = busNameOf(bus);
  if (!rules.ok) {
    if (rules.reason === "not-found") throw missingBusError(name, session.aws.region, await session.busNames());
    throw awsFailureError(rules, `cannot list the rules on bus "${name}"`);
  }
  return {
    bus: name,
    account: identity.ok ? identity.value.account : null,
    region: session.aws.region,
    rules: rules.value.map((rule) => ({ name: rule.Name ?? "", state: rule.State ?? "ENABLED", eventPattern: rule.EventPattern ?? null })),
  };
}

/** Reads the bus's rules for a command under its own settings and deadline. */
export async function readBusView(host: Host, bus: string): Promise<BusView> {
  const aws = new Aws(await host.settings.awsOptions(host.signal));
  try {
    return await readBusRules(new CollectSession(aws, { tool: TOOL }), bus);
  } finally {
    aws.destroy();
  }
}

/** A bus that does not exist: exit 2, naming the buses that do. */
export function missingBusError(bus: string, region: string, others: Collected<string[]>): UsageError {
  return new UsageError(`bus "${bus}" does not exist in ${region}`, {
    hint: others.ok && others.value.length > 0 ? `buses there: ${others.value.slice(0, 20).join(", ")}` : "name the bus with --bus, and its region with --region",
  });
}
