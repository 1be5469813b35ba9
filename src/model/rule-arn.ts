/**
 * ARNs the checks reason about: rules, buses, Lambda functions. Pure string work, no AWS
 * calls; matching an ARN against a policy's pattern is the policy evaluator's (src/policy).
 */

import { parseArn, type Arn } from "./arn.js";

/** The six colon-separated parts of an ARN; `resource` keeps any further colons. */
export type ArnParts = Arn;

export interface RuleArnParts extends ArnParts {
  bus: string | null;
  name: string;
  /** The bus segment is itself a bus ARN (`rule/arn:aws:events:...:event-bus/BUS/NAME`), a known wrong form. */
  busArnInside: boolean;
}

/**
 * Reads `arn:aws:events:REGION:ACCOUNT:rule/NAME` (default bus) or `.../rule/BUS/NAME`
 * (custom bus; partner bus names contain slashes themselves). Null when not a rule ARN.
 */
export function parseRuleArn(text: string): RuleArnParts | null {
  const arn = parseArn(text);
  if (!arn || arn.service !== "events" || !arn.resource.startsWith("rule/")) return null;
  const rest = arn.resource.slice("rule/".length);
  const embedded = /event-bus\/(.+)\/([^/]+)$/.exec(rest);
  if (rest.startsWith("arn:") && embedded) {
    return { ...arn, bus: embedded[1]!, name: embedded[2]!, busArnInside: true };
  }
  const segments = rest.split("/");
  const name = segments.pop() ?? "";
  return { ...arn, bus: segments.length > 0 ? segments.join("/") : null, name, busArnInside: false };
}

/** The bus a rule ARN names: "default" for the `rule/NAME` form. */
export function ruleArnBus(rule: RuleArnParts): string {
  return rule.bus ?? "default";
}

/** `rule/BUS/NAME`: the part of a rule ARN people recognise. */
export function ruleArnResource(arn: string): string {
  return parseArn(arn)?.resource ?? arn;
}

/** Reads `arn:aws:events:REGION:ACCOUNT:event-bus/NAME`; null when not a bus ARN. */
export function parseBusArn(text: string): (ArnParts & { name: string }) | null {
  const arn = parseArn(text);
  if (!arn || arn.service !== "events" || !arn.resource.startsWith("event-bus/")) return null;
  return { ...arn, name: arn.resource.slice("event-bus/".length) };
}

/** A function ARN, read: `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`. */
export function parseFunctionArn(text: string): (ArnParts & { name: string; qualifier?: string }) | null {
  const arn = parseArn(text);
  if (!arn || arn.service !== "lambda" || !arn.resource.startsWith("function:")) return null;
  const [name, qualifier] = arn.resource.slice("function:".length).split(":");
  if (!name) return null;
  return qualifier ? { ...arn, name, qualifier } : { ...arn, name };
}

/** The function's ARN without its qualifier. */
export function unqualifiedFunctionArn(text: string): string {
  const fn = parseFunctionArn(text);
  if (!fn) return text;
  return `arn:${fn.partition}:lambda:${fn.region}:${fn.account}:function:${fn.name}`;
}

/**
 * Why `seen` (a SourceArn from a policy) does not name the rule whose ARN is `ruleArn`
 * (as DescribeRule reported it), in the words of the known traps. Null when it does.
 */
export function explainRuleArnMismatch(seen: string, ruleArn: string): string | null {
  if (seen === ruleArn) return null;
  const rule = parseRuleArn(ruleArn);
  const other = parseRuleArn(seen);
  if (!rule) return `${seen} is not ${ruleArn}`;
  const ruleBus = ruleArnBus(rule);
  if (!other) {
    const bus = parseBusArn(seen);
    if (bus) return `${seen} is the ARN of bus ${bus.name}, not of a rule: EventBridge sends the rule's ARN (${ruleArn})`;
    if (/[*?]/.test(seen)) return `the pattern ${seen} does not match ${ruleArn}`;
    return `${seen} is not a rule ARN: EventBridge sends the rule's ARN (${ruleArn})`;
  }
  if (/[*?]/.test(seen)) return `the pattern ${seen} does not match ${ruleArn}`;
  if (other.account !== rule.account) return `it names account ${other.account}; the rule is in account ${rule.account}`;
  if (other.region !== rule.region) return `it names region ${other.region}; the rule is in ${rule.region}`;
  if (other.busArnInside) {
    return `it puts the bus ARN inside the rule ARN (rule/arn:...:event-bus/${other.bus}/${other.name}); the rule's ARN is ${ruleArnResource(ruleArn)}`;
  }
  if (other.name !== rule.name) {
    return ruleArnBus(other) === ruleBus
      ? `it names another rule, ${other.name}, not ${rule.name}`
      : `it names rule ${other.name} on bus ${ruleArnBus(other)}, not ${rule.name} on ${ruleBus}`;
  }
  if (other.bus === null && rule.bus !== null) {
    return `it uses the default-bus form rule/${other.name}; a rule on the custom bus ${rule.bus} has the ARN rule/${rule.bus}/${rule.name}`;
  }
  if (other.bus === "default" && rule.bus === null) {
    return `it names rule/default/${other.name}; a rule on the default bus has the ARN rule/${rule.name}, without the bus`;
  }
  if (other.bus === "default") {
    return `it names rule/default/${other.name}: the rule is on bus ${ruleBus}, its ARN is rule/${ruleBus}/${rule.name}`;
  }
  if (ruleArnBus(other) !== ruleBus) return `it names the rule of that name on bus ${ruleArnBus(other)}; this one is on ${ruleBus}`;
  if (other.partition !== rule.partition) return `it names partition ${other.partition}; the rule is in ${rule.partition}`;
  return `${seen} is not ${ruleArn}`;
}
