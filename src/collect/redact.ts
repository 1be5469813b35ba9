/** Secrets never enter a snapshot: every environment value but the bus variable is redacted here, at read time. */
import { busNameOf } from "../model/arn.js";
import type { PublisherState } from "../model/snapshot.js";

export const REDACTED = "<redacted>";

type PublisherEnvironment = Extract<PublisherState["environment"], { ok: true }>["value"];

/**
 * Keeps the bus variable's value and replaces every other value with "<redacted>". The
 * names of variables whose value names the bus are kept as a hint (a publisher may read
 * its bus from a differently named variable).
 */
export function redactEnvironment(variables: Record<string, string>, busEnvVar: string, busName: string): PublisherEnvironment {
  const redacted: Record<string, string> = {};
  const busLike: string[] = [];
  for (const [name, value] of Object.entries(variables)) {
    redacted[name] = name === busEnvVar ? value : REDACTED;
    if (name !== busEnvVar && (value === busName || (busNameOf(value) === busName && value.includes(":event-bus/")))) busLike.push(name);
  }
  const busValue = Object.prototype.hasOwnProperty.call(variables, busEnvVar) ? variables[busEnvVar]! : null;
  return busLike.length > 0 ? { busValue, variables: redacted, busLikeVariables: busLike } : { busValue, variables: redacted };
}
