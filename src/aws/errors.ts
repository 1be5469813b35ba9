import type { Collected, CollectFailureReason } from "../model/snapshot.js";

/** The parts of an AWS SDK error we read. */
interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

const DENIED = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "AuthorizationErrorException",
  "UnauthorizedOperation",
  "UnauthorizedException",
  "NotAuthorizedException",
]);
const NOT_FOUND = new Set([
  "ResourceNotFoundException",
  "NotFoundException",
  "NoSuchEntity",
  "NoSuchEntityException",
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue",
]);
const THROTTLED = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "LimitExceededException",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
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
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);

/** A classified AWS failure: why, the service's message, and for a denial the IAM action. */
export interface AwsFailure {
  reason: CollectFailureReason;
  error: string;
  action?: string;
}

/**
 * Classifies an error thrown by an SDK call made for IAM action `action`
 * (e.g. "lambda:GetPolicy"). The action is kept only for denials, where it is what the
 * user must add to their policy; the one named in the service's message wins.
 */
export function classifyAwsError(error: unknown, action: string): AwsFailure {
  const e = (error ?? {}) as SdkErrorLike;
  const name = e.name ?? e.code ?? "Error";
  const message = (e.message ?? String(error)).split("\n")[0]!.trim();
  const status = e.$metadata?.httpStatusCode;
  const code = networkCode(error);
  if (DENIED.has(name) || /not authorized to perform|is not authorized|access denied/i.test(message)) {
    const named = /perform:\s*([a-z0-9-]+:[A-Za-z0-9]+)/i.exec(message)?.[1];
    return { reason: "access-denied", error: `${name}: ${message}`, action: named ?? action };
  }
  if (NOT_FOUND.has(name) || (status === 404 && !/<!doctype|<html/i.test(message))) return { reason: "not-found", error: `${name}: ${message}` };
  if (THROTTLED.has(name) || status === 429) return { reason: "throttled", error: `${name}: ${message}` };
  if (name === "AbortError" || name === "TimeoutError" || /aborted|timed? ?out/i.test(name)) {
    return { reason: "timeout", error: "cut by the deadline (--timeout)" };
  }
  if (NO_CREDENTIALS.has(name) || /could not load credentials|credential/i.test(message) && name !== "ValidationException") {
    return { reason: "no-credentials", error: `${name}: ${message}` };
  }
  if (code && UNREACHABLE_CODES.has(code)) return { reason: "unreachable", error: `${code}: ${message}` };
  if (name === "TimeoutError" || code === "ETIMEDOUT" || /socket hang up|connect ETIMEDOUT/i.test(message)) {
    return { reason: "unreachable", error: message };
  }
  if (name === "SyntaxError" || /Deserialization error/i.test(e.message ?? "")) {
    // The answer was not an AWS response at all (an HTML error page from a proxy or an emulator).
    const answered = status ?? (error as { $response?: { statusCode?: number } }).$response?.statusCode;
    return { reason: "error", error: `the endpoint answered${answered ? ` HTTP ${answered}` : ""} with something that is not an AWS response` };
  }
  if (typeof status === "number" && status >= 500) return { reason: "error", error: `${name} (HTTP ${status}): ${message}` };
  return { reason: "error", error: `${name}: ${message}` };
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
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
 * Never throws, so a collector can gather everything it can reach.
 */
export async function collect<T>(action: string, fn: () => Promise<T>): Promise<Collected<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    const failure = classifyAwsError(error, action);
    return { ok: false, ...failure };
  }
}

/** True when the failure means no AWS call can succeed (credentials, endpoint). */
export function isFatalFailure(failure: { reason: CollectFailureReason }): boolean {
  return failure.reason === "no-credentials" || failure.reason === "unreachable";
}

/** What to do when no AWS call can succeed: fix the endpoint, or the credentials. */
export function reachHint(reason: CollectFailureReason): string {
  return reason === "unreachable" ? "check --endpoint-url / AWS_ENDPOINT_URL and your network" : "configure credentials (aws configure, aws sso login, AWS_PROFILE) or pass --profile";
}
