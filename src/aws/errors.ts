/**
 * What went wrong with an AWS call, said once: the reason a check can act on (denied,
 * throttled, cut by the deadline, ...) and one line a person can read, naming the
 * service, its HTTP status, its error code and its message. Every AWS call goes through
 * `Aws.call`, which turns any failure into an AwsCallError built here.
 */
import { InterruptedError } from "../errors.js";
import type { Collected, CollectFailureReason } from "../model/snapshot.js";
import { DeadlineExceededError } from "../util/deadline.js";

/** IAM service prefixes of the clients course-doctor uses. */
export type ServiceName = "events" | "lambda" | "cloudwatch" | "logs" | "sts" | "sqs" | "sns" | "kms" | "iam" | "states" | "kinesis" | "firehose";

/** How each service is called in messages. */
export const SERVICE_TITLE: Record<ServiceName, string> = {
  events: "EventBridge",
  lambda: "Lambda",
  cloudwatch: "CloudWatch",
  logs: "CloudWatch Logs",
  sts: "STS",
  sqs: "SQS",
  sns: "SNS",
  kms: "KMS",
  iam: "IAM",
  states: "Step Functions",
  kinesis: "Kinesis",
  firehose: "Firehose",
};

/** A classified AWS failure. `error` is one line for people; the rest is for checks and scripts. */
export interface AwsFailure {
  reason: CollectFailureReason;
  error: string;
  /** The IAM action of the call ("lambda:GetPolicy"); for a denial, the one the service named. */
  action?: string;
  /** The HTTP status the service answered with, when it answered. */
  status?: number;
  /** The service's error code (InternalFailure, AccessDeniedException, ...). */
  code?: string;
}

/** The failure of one AWS call, thrown by `Aws.call`. */
export class AwsCallError extends Error implements AwsFailure {
  readonly reason: CollectFailureReason;
  readonly error: string;
  readonly action: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  constructor(failure: AwsFailure & { action: string }, options: { cause?: unknown } = {}) {
    super(failure.error, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AwsCallError";
    this.reason = failure.reason;
    this.error = failure.error;
    this.action = failure.action;
    this.status = failure.status;
    this.code = failure.code;
  }
}

/** The parts of an AWS SDK error we read. */
interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
  cause?: unknown;
}

const DENIED = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "AuthorizationErrorException",
  "AuthorizationError",
  "UnauthorizedOperation",
  "UnauthorizedException",
  "NotAuthorizedException",
  "KMSAccessDeniedException",
]);
const NOT_FOUND = new Set([
  "ResourceNotFoundException",
  "NotFoundException",
  "NotFound",
  "NoSuchEntity",
  "NoSuchEntityException",
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue",
  "StateMachineDoesNotExist",
  "NotFoundException",
]);
const THROTTLED = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ProvisionedThroughputExceededException",
]);
const NO_CREDENTIALS = new Set([
  "CredentialsProviderError",
  "ExpiredToken",
  "ExpiredTokenException",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "TokenRefreshRequired",
]);
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ETIMEDOUT", "ECONNABORTED"]);

/** Where the call went, for messages. */
export interface CallContext {
  service: ServiceName;
  /** The IAM action of the call, e.g. "events:DescribeRule". */
  action: string;
  /** The endpoint override, when the call did not go to AWS itself. */
  endpoint?: string | null;
}

/**
 * Classifies an error thrown by an SDK call. A denial keeps the IAM action the service
 * named (or the call's own); a server error keeps its status, code and message; an answer
 * that is not an AWS response at all (an HTML page from a proxy) is said as such.
 */
export function classifyAwsError(error: unknown, context: CallContext): AwsFailure {
  if (error instanceof AwsCallError) return error;
  const title = SERVICE_TITLE[context.service];
  const action = context.action;
  if (error instanceof DeadlineExceededError) {
    return { reason: "timeout", error: `${title} did not answer within ${error.message.replace(/^no answer within /, "")} (the --timeout deadline)`, action };
  }
  const e = (error ?? {}) as SdkErrorLike;
  const name = e.name ?? e.code ?? "Error";
  const rawMessage = e.message ?? String(error);
  const message = rawMessage.split("\n")[0]!.trim();
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const network = networkCode(error);
  const base = { action, ...(status !== undefined ? { status } : {}) };
  const quoted = message && message !== name ? `: ${JSON.stringify(message)}` : "";

  if (DENIED.has(name) || /not authorized to perform|is not authorized/i.test(message)) {
    const named = /perform:\s*([a-z0-9-]+:[A-Za-z0-9]+)/i.exec(message)?.[1];
    return { reason: "access-denied", ...base, action: named ?? action, code: name, error: `${name}${quoted}` };
  }
  if (NOT_FOUND.has(name)) return { reason: "not-found", ...base, code: name, error: `${name}${quoted}` };
  if (THROTTLED.has(name) || status === 429) return { reason: "throttled", ...base, code: name, error: `${title} throttled the call past the SDK's retries (${name}${quoted})` };
  if (NO_CREDENTIALS.has(name) || (/could not load credentials|credential/i.test(message) && name !== "ValidationException" && status === undefined)) {
    return { reason: "no-credentials", ...base, code: name, error: `no usable credentials (${name}: ${message})` };
  }
  if (name === "AbortError") return { reason: "timeout", ...base, error: `${title} did not answer in time (the call was aborted)` };
  if (network && UNREACHABLE_CODES.has(network)) {
    const where = context.endpoint ? ` at ${context.endpoint}` : "";
    return { reason: "unreachable", ...base, code: network, error: `cannot reach ${title}${where}: ${network}${message && !message.includes(network) ? ` (${message})` : ""}` };
  }
  if (name === "TimeoutError" || /socket hang up|timed out/i.test(message)) {
    return { reason: "unreachable", ...base, error: `${title} did not answer: ${message}` };
  }
  if (name === "SyntaxError" || /Deserialization error|XML parse error/i.test(rawMessage)) {
    const what = /'<'|"<!doctype|<html/i.test(rawMessage) ? "an HTML page" : "a body";
    return { reason: "error", ...base, error: `${title}'s endpoint answered${status !== undefined ? ` HTTP ${status}` : ""} with ${what} that is not an AWS response` };
  }
  if (typeof status === "number") {
    const unnamed = name === "Unknown" || name === "UnknownError" || name === "Error";
    return {
      reason: "error",
      ...base,
      ...(unnamed ? {} : { code: name }),
      error: unnamed ? `${title} answered HTTP ${status} without an AWS error code` : `${title} answered HTTP ${status} ${name}${quoted}`,
    };
  }
  return { reason: "error", ...base, code: name, error: `${name}${quoted}` };
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return code;
    const errors = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Runs one collection step: the value on success, the classified failure otherwise.
 * Never throws for an AWS failure, so a collector gathers everything it can reach — but
 * Ctrl-C is not a failure to record: it ends the command.
 */
export async function collect<T>(fn: () => Promise<T>): Promise<Collected<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    return failed(error);
  }
}

/** A Collected failure from any thrown error (an AwsCallError, or a bug's error). */
export function failed(error: unknown): Extract<Collected<never>, { ok: false }> {
  if (error instanceof AwsCallError) {
    return {
      ok: false,
      reason: error.reason,
      error: error.error,
      action: error.action,
      ...(error.status !== undefined ? { status: error.status } : {}),
      ...(error.code !== undefined ? { code: error.code } : {}),
    };
  }
  return { ok: false, reason: "error", error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

/** True when the failure means no AWS call can succeed (credentials, endpoint, the deadline). */
export function isFatalFailure(failure: { reason: CollectFailureReason }): boolean {
  return failure.reason === "no-credentials" || failure.reason === "unreachable" || failure.reason === "timeout";
}

/** What to do when no AWS call can succeed. */
export function reachHint(reason: CollectFailureReason): string {
  switch (reason) {
    case "unreachable":
      return "check --endpoint-url / AWS_ENDPOINT_URL, --region and your network";
    case "timeout":
      return "the endpoint did not answer before the deadline: check --endpoint-url and your network, or raise --timeout";
    default:
      return "configure credentials (aws configure, aws sso login, AWS_PROFILE) or pass --profile";
  }
}
