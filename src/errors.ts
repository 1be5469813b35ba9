/** Exit codes, the same for every command (DESIGN.md, "Command line contract"). */
export const ExitCode = {
  /** Healthy / job completed. */
  Ok: 0,
  /** Problems found / job failed / no match. */
  Problems: 1,
  /** Could not run: bad usage, config or input; no credentials; endpoint unreachable. */
  CannotRun: 2,
  /** Timed out waiting. */
  TimedOut: 3,
  /** Interrupted by Ctrl-C (128 + SIGINT). */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the user can act on. `main` prints its message (one line, no stack trace
 * unless --verbose) and exits with its code. `hint` is printed on a second line.
 */
export class CliError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(message: string, exitCode: number, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

/** Bad flags or arguments. */
export class UsageError extends CliError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, ExitCode.CannotRun, options);
  }
}

/** An input file or inline JSON that cannot be used (unreadable, not JSON, wrong shape). */
export class InputError extends CliError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, ExitCode.CannotRun, options);
  }
}

/** The configuration file is missing, unreadable or invalid. */
export class ConfigError extends CliError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, ExitCode.CannotRun, options);
  }
}

/** AWS could not be reached at all: no credentials, endpoint unreachable or silent. */
export class AwsAccessError extends CliError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, ExitCode.CannotRun, options);
  }
}

/** An HTTP API (the job API) answered with an error or not at all. */
export class HttpError extends CliError {
  readonly status: number | undefined;
  constructor(message: string, options: { status?: number; exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.exitCode ?? ExitCode.CannotRun, options);
    this.status = options.status;
  }
}

/** A wait ran past its deadline. */
export class TimeoutError extends CliError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, ExitCode.TimedOut, options);
  }
}

/** The user pressed Ctrl-C. */
export class InterruptedError extends CliError {
  constructor(message = "interrupted", options: { hint?: string; cause?: unknown } = {}) {
    super(message, ExitCode.Interrupted, options);
  }
}

/** True when `error` is an abort raised by an AbortSignal (ours or the platform's). */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError" && !(error instanceof CliError));
}
