/**
 * The one adapter from anything a command throws to what the user sees and the exit
 * code: our typed errors say themselves; an AWS call's failure names the service, its
 * HTTP status, code and message (an HTML page is said to be one), with what to do; Ctrl-C
 * is "interrupted" and 130; anything else is a bug, said as such.
 */
import { AwsCallError, isFatalFailure, reachHint } from "../aws/errors.js";
import { CliError, ExitCode, InterruptedError } from "../errors.js";
import { DeadlineExceededError } from "../util/deadline.js";

/** What to print for a failure (each line on stderr) and the exit code. */
export interface FailureReport {
  /** The first line, without the "error:" label. */
  message: string;
  hint?: string;
  exitCode: number;
  /** Ctrl-C: printed as "interrupted", without the error label. */
  interrupted: boolean;
  /** Not one of ours: a bug in course-doctor. */
  unexpected: boolean;
}

export function reportFailure(error: unknown): FailureReport {
  if (error instanceof InterruptedError) return { message: error.message, ...(error.hint ? { hint: error.hint } : {}), exitCode: ExitCode.Interrupted, interrupted: true, unexpected: false };
  if (error instanceof CliError) {
    return { message: error.message, ...(error.hint ? { hint: error.hint } : {}), exitCode: error.exitCode, interrupted: false, unexpected: false };
  }
  if (error instanceof AwsCallError) return { message: error.error, hint: hintFor(error), exitCode: ExitCode.CannotRun, interrupted: false, unexpected: false };
  if (error instanceof DeadlineExceededError) {
    return { message: `${error.message} (the --timeout deadline)`, hint: "raise --timeout, or check --endpoint-url and the network", exitCode: ExitCode.CannotRun, interrupted: false, unexpected: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message, exitCode: ExitCode.CannotRun, interrupted: false, unexpected: true };
}

function hintFor(error: AwsCallError): string {
  switch (error.reason) {
    case "access-denied":
      return `the identity you run as needs ${error.action} (course-doctor iam-policy prints every action course-doctor uses)`;
    case "throttled":
      return "run again in a moment";
    case "not-found":
      return "check the names, --region and the account you run as";
    default:
      return isFatalFailure(error) ? reachHint(error.reason) : "run again with --verbose for the service's whole answer";
  }
}
