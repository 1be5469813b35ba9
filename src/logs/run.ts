/**
 * `logs [FUNCTION|LOG_GROUP]`: the recent lines of a log group, then with --follow the new
 * ones as they arrive (Live Tail, or FilterLogEvents polling where Live Tail is not
 * available). One line per event; --format json prints NDJSON for scripts.
 */
import type { ChalkInstance } from "chalk";
import { Aws } from "../aws/clients.js";
import { ERROR_LINE } from "../model/log-lines.js";
import { failed } from "../aws/errors.js";
import type { Host } from "../host/host.js";
import { CliError, ExitCode, InterruptedError, TimeoutError, UsageError } from "../errors.js";
import { busNameOf } from "../model/arn.js";
import { formatDuration, formatWindow } from "../util/duration.js";
import { awsFailureError, groupOfArgument, groupOfRule } from "./group.js";
import { tailLogGroup, type TailEvent } from "./tail.js";

/** The flags of `logs`. */
export interface LogsFlags {
  bus?: string;
  rule?: string;
  function?: string;
  since?: string;
  filter?: string;
  follow?: boolean;
}

/** The window read when neither --since nor the config's `since` says otherwise. */
export const DEFAULT_LOGS_SINCE_MS = 15 * 60_000;

/** One event as `--format json` prints it (one object per line). */
export interface LogLineJson {
  timestamp: string;
  stream: string;
  message: string;
  group: string;
}

export function logLineJson(event: TailEvent): LogLineJson {
  return { timestamp: new Date(event.timestamp).toISOString(), stream: event.stream, message: event.message, group: event.group };
}

/** One event for a person: time, stream, message; error lines in red (colors only through the injected chalk). */
export function renderLogLine(event: TailEvent, chalk: ChalkInstance): string {
  const message = ERROR_LINE.test(event.message) ? chalk.red(event.message) : event.message;
  return `${chalk.dim(new Date(event.timestamp).toISOString())} ${chalk.cyan(event.stream)} ${message}`;
}

/** Runs `logs`; returns the exit code: 0 (also for "no logs yet" and Ctrl-C while following), 2 cannot run, 3 deadline, 130 Ctrl-C before the end. */
export async function runLogs(host: Host, argument: string | undefined, flags: LogsFlags): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json"]);
  if (argument !== undefined && flags.function !== undefined && argument !== flags.function) {
    throw new UsageError(`two targets named: ${argument} and --function ${flags.function}; give one`);
  }
  const request = await host.settings.pipeline(flags, { sinceMs: DEFAULT_LOGS_SINCE_MS });
  const filter = flags.filter?.trim() || undefined;
  const follow = flags.follow === true;
  const named = argument ?? flags.function ?? request.function ?? undefined;
  if (named === undefined && request.rule === null) {
    throw new UsageError("name the logs to read: course-doctor logs FUNCTION|/LOG/GROUP (or --function, or --rule with --bus, or the config file)");
  }
  const fixedGroup = named !== undefined ? groupOfArgument(named, argument !== undefined ? "the argument" : "--function") : undefined;

  const awsOptions = await host.settings.awsOptions(host.signal);
  const aws = new Aws(awsOptions);
  // A follow ends with Ctrl-C, not with the command's --timeout.
  const readAws = follow ? new Aws({ ...awsOptions, timeoutMs: Infinity }) : aws;
  try {
    let group = fixedGroup;
    if (group === undefined) {
      host.out.debug(`reading the targets of rule ${request.rule} on bus ${busNameOf(request.bus)}`);
      group = await groupOfRule(aws, request.bus, request.rule!);
      host.out.debug(`log group ${group} (the target of rule ${request.rule})`);
    }
    const window = `the last ${formatWindow(request.sinceMs)}`;
    const print = format === "json" ? (event: TailEvent) => host.out.result(JSON.stringify(logLineJson(event))) : (event: TailEvent) => host.out.result(renderLogLine(event, host.out.chalk));
    const logGroup = group;
    let announced = false;
    const result = await tailLogGroup(readAws, logGroup, {
      startTime: Date.now() - request.sinceMs,
      filter,
      follow,
      signal: host.signal,
      onEvent: print,
      onMissing: () =>
        host.out.progress(
          `no logs yet: log group ${logGroup} does not exist${logGroup.startsWith("/aws/lambda/") ? " (the function has not run, or not logged, yet)" : ""}${follow ? "; waiting for it (Ctrl-C to stop)" : ""}`,
        ),
      onMode: (mode, reason) => {
        host.out.debug(mode === "live-tail" ? `following with ${reason}` : `following without Live Tail: ${reason}`);
        if (!announced) host.out.progress(`following ${logGroup}${filter ? ` (filter ${filter})` : ""}… (Ctrl-C to stop)`);
        announced = true;
      },
      onNote: (text) => host.out.debug(text),
      onWarning: (text) => host.out.warn(text),
    });
    if (result.interrupted) {
      if (follow) return ExitCode.Ok;
      throw new InterruptedError("interrupted");
    }
    if (!follow && result.groupExists && result.events === 0) {
      host.out.progress(`no log lines in ${logGroup} in ${window}${filter ? ` matching ${filter}` : ""}`);
    }
    return ExitCode.Ok;
  } catch (error) {
    if (host.signal.aborted) {
      if (follow) return ExitCode.Ok;
      throw new InterruptedError("interrupted");
    }
    if (error instanceof CliError) throw error;
    const failure = failed(error);
    if (failure.reason === "timeout") throw new TimeoutError(`reading the logs was cut by the deadline (--timeout ${formatDuration(awsOptions.timeoutMs)})`);
    throw awsFailureError(failure, "cannot read the logs");
  } finally {
    aws.destroy();
    if (readAws !== aws) readAws.destroy();
  }
}

