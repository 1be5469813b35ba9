/**
 * Which log group `logs` reads: the one named on the command line (a log group, a
 * function name or a Lambda ARN), or the one the configured rule's target writes to.
 */
import type { Aws } from "../aws/clients.js";
import { failed, reachHint, type AwsFailure } from "../aws/errors.js";
import { EventBridgeService, type Target } from "../aws/services/events.js";
import { AwsAccessError, UsageError } from "../errors.js";
import { busNameOf, lambdaFunctionOf, logGroupOf, logGroupOfTarget, parseArn } from "../model/arn.js";

/** Lambda function names: letters, digits, hyphens and underscores (a `:qualifier` may follow). */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,140}(:[A-Za-z0-9_$-]+)?$/;
/** Log group names: the characters CloudWatch Logs allows. */
const LOG_GROUP_NAME = /^[A-Za-z0-9_\-/.#]{1,512}$/;

/**
 * The log group named by an argument: "/..." is a log group; a Lambda function ARN or a
 * name (with or without a qualifier) means `/aws/lambda/NAME`; a log group ARN its group.
 */
export function groupOfArgument(text: string, option = "the argument"): string {
  const value = text.trim();
  if (value.startsWith("/")) {
    if (!LOG_GROUP_NAME.test(value)) throw new UsageError(`${option}: "${value}" is not a log group name`);
    return value;
  }
  if (value.startsWith("arn:")) {
    const fn = lambdaFunctionOf(value);
    if (fn) return `/aws/lambda/${fn.name}`;
    const group = logGroupOf(value);
    if (group) return group;
    const service = parseArn(value)?.service ?? "unknown";
    throw new UsageError(`${option}: "${value}" is a ${service} ARN; give a function (name or ARN) or a log group (/aws/...)`);
  }
  if (!FUNCTION_NAME.test(value)) {
    throw new UsageError(`${option}: "${value}" is neither a function name nor a log group (log groups start with "/")`);
  }
  return `/aws/lambda/${value.split(":")[0]}`;
}

/** The log group of the rule's target; a usage error when there is not exactly one. */
export async function groupOfRule(aws: Aws, bus: string, rule: string): Promise<string> {
  let targets: Target[];
  try {
    targets = await new EventBridgeService(aws).listTargets(rule, bus);
  } catch (error) {
    const failure = failed(error);
    if (failure.reason === "not-found") {
      throw new UsageError(`rule ${rule} does not exist on bus ${busNameOf(bus)}`, { hint: "name the function or log group: course-doctor logs FUNCTION|/LOG/GROUP" });
    }
    throw awsFailureError(failure, `cannot read the targets of rule ${rule}`);
  }
  const groups = [...new Set(targets.map((t) => logGroupOfTarget(t.Arn ?? "")).filter((g): g is string => g !== null))];
  if (groups.length === 1) return groups[0]!;
  if (groups.length === 0) {
    const kinds = targets.map((t) => parseArn(t.Arn ?? "")?.service ?? "unknown");
    throw new UsageError(
      targets.length === 0
        ? `rule ${rule} has no targets, so no logs to read: name a function or log group`
        : `rule ${rule} has no Lambda or log group target (its targets: ${kinds.join(", ")}): name a function or log group`,
    );
  }
  throw new UsageError(`rule ${rule} has ${groups.length} targets with logs: name one (course-doctor logs ${groups.join(" | ")})`);
}

/** The error to raise for an AWS failure `logs` cannot work around. */
export function awsFailureError(failure: AwsFailure, what: string): AwsAccessError {
  switch (failure.reason) {
    case "access-denied":
      return new AwsAccessError(`${what}: access denied (${failure.error})`, { hint: `the caller needs ${failure.action ?? "the action named above"}` });
    case "no-credentials":
    case "unreachable":
      return new AwsAccessError(`cannot reach AWS: ${failure.error}`, { hint: reachHint(failure.reason) });
    default:
      return new AwsAccessError(`${what}: ${failure.error}`);
  }
}
