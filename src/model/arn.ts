import type { TargetKind } from "./snapshot.js";

/** The parts of an ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Splits an ARN; undefined when the text is not one. */
export function parseArn(text: string): Arn | undefined {
  const parts = text.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return {
    partition: parts[1]!,
    service: parts[2]!,
    region: parts[3]!,
    account: parts[4]!,
    resource: parts.slice(5).join(":"),
  };
}

/** The kinds of target whose resource course-doctor reads (the others are skipped, named). */
export const READ_TARGET_KINDS: ReadonlySet<TargetKind> = new Set<TargetKind>(["lambda", "sqs", "sns", "logs", "events", "api-destination", "stepfunctions", "firehose"]);

/** What kind of target an ARN names. */
export function targetKindOf(arn: string): TargetKind {
  const parsed = parseArn(arn);
  switch (parsed?.service) {
    case "lambda":
      return parsed.resource.startsWith("function:") ? "lambda" : "other";
    case "sqs":
      return "sqs";
    case "logs":
      return "logs";
    case "sns":
      return "sns";
    case "events":
      return parsed.resource.startsWith("api-destination/") ? "api-destination" : parsed.resource.startsWith("event-bus/") ? "events" : "other";
    case "states":
      return "stepfunctions";
    case "kinesis":
      return "kinesis";
    case "firehose":
      return "firehose";
    case "ecs":
      return "ecs";
    case "batch":
      return "batch";
    default:
      return "other";
  }
}

/** The function name and qualifier (alias or version) of a Lambda function ARN. */
export function lambdaFunctionOf(arn: string): { name: string; qualifier?: string } | undefined {
  const parsed = parseArn(arn);
  if (parsed?.service !== "lambda") return undefined;
  const [kind, name, qualifier] = parsed.resource.split(":");
  if (kind !== "function" || !name) return undefined;
  return qualifier ? { name, qualifier } : { name };
}

/** The queue name and owner of an SQS queue ARN. */
export function queueOf(arn: string): { name: string; account: string; region: string } | undefined {
  const parsed = parseArn(arn);
  if (parsed?.service !== "sqs" || !parsed.resource) return undefined;
  return { name: parsed.resource, account: parsed.account, region: parsed.region };
}

/** The log group name of a CloudWatch Logs log-group ARN (a trailing `:*` is dropped). */
export function logGroupOf(arn: string): string | undefined {
  const parsed = parseArn(arn);
  if (parsed?.service !== "logs" || !parsed.resource.startsWith("log-group:")) return undefined;
  return parsed.resource.slice("log-group:".length).replace(/:\*$/, "");
}

/** The log group a rule target writes to: a Lambda function's own group, or a log group target; null for others. */
export function logGroupOfTarget(arn: string): string | null {
  const fn = lambdaFunctionOf(arn);
  if (fn) return `/aws/lambda/${fn.name}`;
  return logGroupOf(arn) ?? null;
}

/** The bus name from a bus given as a name or as an event-bus ARN. */
export function busNameOf(busOrArn: string): string {
  const parsed = parseArn(busOrArn);
  if (parsed?.service === "events" && parsed.resource.startsWith("event-bus/")) return parsed.resource.slice("event-bus/".length);
  return busOrArn;
}

/**
 * A queue's URL from its ARN (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME), so its
 * attributes are read without a GetQueueUrl round first; behind an endpoint override,
 * ENDPOINT/ACCOUNT/NAME.
 */
export function queueUrlOf(arn: string, endpoint: string | null = null): string {
  const [, partition = "aws", , region = "", account = "", name = ""] = arn.split(":");
  if (endpoint) return `${endpoint.replace(/\/+$/, "")}/${account}/${name}`;
  return `https://sqs.${region}.${partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}/${account}/${name}`;
}
