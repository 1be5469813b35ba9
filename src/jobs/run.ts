import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Host } from "../host/host.js";
import { CliError, ExitCode, InputError, InterruptedError, TimeoutError, UsageError } from "../errors.js";
import { formatDuration } from "../util/duration.js";
import { followJob, type FollowResult, type StuckWatch } from "./follow.js";
import { describeLastSeen, describeState, jobDocument, LiveStatus, renderFinishedPretty, renderStatusPretty, type JobDocument } from "./render.js";
import { buildSubmitBody, openSession, resolveWaitTiming, resumeHint, shellQuote, type ApiFlags, type BodyFlags, type JobDependencies, type JobSession } from "./session.js";
import type { JobStatus } from "./status.js";

export interface SubmitFlags extends ApiFlags, BodyFlags {
  wait?: boolean;
  interval?: string;
}

export interface StatusFlags extends ApiFlags {
  wait?: boolean;
  interval?: string;
}

export interface ResultFlags extends ApiFlags {
  out?: string;
}

/** `jobs submit`: sends the job once, prints its id at once, and with --wait follows it. */
export async function runSubmit(host: Host, flags: SubmitFlags, deps: JobDependencies = {}): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json"] as const);
  const session = await openSession(host, flags, deps);
  // Parse everything before sending: a bad --interval must not cost a submitted job.
  const timing = flags.wait ? await resolveWaitTiming(host, flags.interval) : undefined;
  if (!flags.wait && flags.interval !== undefined) throw new UsageError("--interval goes with --wait");
  const body = await buildSubmitBody(host, session.api, flags);
  if (body === undefined) {
    throw new UsageError(
      session.api.submit.acceptsQueryFlags
        ? "nothing to submit: give --query (with --hours and --preferences), or --body FILE|JSON"
        : "nothing to submit: give --body FILE|JSON (or api.submit.body in the config file)",
    );
  }
  const submitted = await session.client.submit(body);
  const startedAt = session.timer.now();
  announceSubmitted(host, format, submitted);

  if (!timing) {
    if (format === "json") host.out.result(JSON.stringify(documentFor(session, submitted, submitted.state, 0)));
    else host.out.progress(`follow it with: ${resumeHint(host, session, flags, submitted.id).replace(/^resume with: /, "")}`);
    return submitted.state === "failed" ? ExitCode.Problems : ExitCode.Ok;
  }
  return followAndReport(host, session, flags, submitted.id, { ...timing, startedAt, format, initial: submitted });
}

/** `jobs status ID`: one reading, or with --wait the same loop as `submit --wait`. */
export async function runStatus(host: Host, id: string, flags: StatusFlags, deps: JobDependencies = {}): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json"] as const);
  const jobId = requireId(id);
  const session = await openSession(host, flags, deps);
  const timing = await resolveWaitTiming(host, flags.interval);
  if (!flags.wait && flags.interval !== undefined) throw new UsageError("--interval goes with --wait");
  const startedAt = session.timer.now();
  if (flags.wait) return followAndReport(host, session, flags, jobId, { ...timing, startedAt, format, initial: undefined });

  const status = await session.client.status(jobId, startedAt + timing.timeoutMs);
  const elapsedMs = session.timer.now() - startedAt;
  if (format === "json") host.out.result(JSON.stringify(documentFor(session, status, status.state, elapsedMs)));
  else host.out.result(renderStatusPretty(status, host.out.chalk));
  return status.state === "failed" ? ExitCode.Problems : ExitCode.Ok;
}

/** `jobs result ID`: the finished result as JSON (indented on a terminal or in a file). */
export async function runResult(host: Host, id: string, flags: ResultFlags, deps: JobDependencies = {}): Promise<number> {
  host.settings.formatFor(["pretty", "json"] as const);
  const jobId = requireId(id);
  const session = await openSession(host, flags, deps);
  const status = await session.client.status(jobId);
  if (status.state === "failed") {
    throw new CliError(`job ${jobId} failed, so it has no result: ${status.error ?? "(the API gave no error text)"}`, ExitCode.Problems);
  }
  if (status.state === "running") {
    throw new CliError(`job ${jobId} has not finished yet (${describeState(status)})`, ExitCode.Problems, {
      hint: `wait for it: ${resumeHint(host, session, flags, jobId).replace(/^resume with: /, "")}`,
    });
  }
  const result = await session.client.result(status);
  if (flags.out !== undefined) {
    const path = resolve(host.io.cwd, flags.out);
    const text = `${JSON.stringify(result, null, 2)}\n`;
    try {
      await writeFile(path, text, "utf8");
    } catch (error) {
      throw new InputError(`--out: cannot write "${flags.out}": ${(error as Error).message}`);
    }
    host.out.progress(`wrote the result of job ${jobId} to ${flags.out} (${Buffer.byteLength(text)} bytes)`);
    return ExitCode.Ok;
  }
  host.out.result(host.io.stdout.isTTY ? JSON.stringify(result, null, 2) : JSON.stringify(result));
  return ExitCode.Ok;
}

function requireId(id: string | undefined): string {
  const trimmed = (id ?? "").trim();
  if (trimmed === "") throw new UsageError("the job id is empty");
  return trimmed;
}

/**
 * The id is the one thing a user must not lose: printed the moment the API answers, on
 * stdout in pretty mode; in JSON mode stdout holds only the final document, so it goes
 * to stderr as well.
 */
export function announceSubmitted(host: Host, format: string, submitted: JobStatus): void {
  if (format === "pretty") host.out.result(`job ${host.out.chalk.bold(submitted.id)} submitted (${submitted.status})`);
  else host.out.progress(`job ${submitted.id} submitted (${submitted.status})`);
}

export function documentFor(session: JobSession, status: JobStatus | undefined, outcome: JobDocument["outcome"], elapsedMs: number, id = status?.id ?? ""): JobDocument {
  return jobDocument({ id, status, outcome, elapsedMs, api: session.api.name, statusUrl: session.client.redact(session.client.statusUrl(id).href) });
}

export interface WaitPlan {
  timeoutMs: number;
  intervalMs: number;
  startedAt: number;
  format: "pretty" | "json";
  /** The submit's answer, shown until the first reading. */
  initial: JobStatus | undefined;
}

/** Follows a job with the live line; returns how the wait ended. Shared by jobs and smoke. */
export async function followWithLiveLine(
  host: Host,
  session: JobSession,
  id: string,
  plan: Omit<WaitPlan, "format">,
  stuck?: StuckWatch,
): Promise<FollowResult> {
  const live = new LiveStatus(host.out, id, plan.startedAt, session.timer);
  if (plan.initial) live.update({ status: plan.initial, elapsedMs: 0, problem: undefined });
  try {
    const result = await followJob(session.client, id, {
      intervalMs: plan.intervalMs,
      timeoutMs: plan.timeoutMs,
      startedAt: plan.startedAt,
      signal: host.signal,
      timer: session.timer,
      onUpdate: (update) => live.update(update),
      stuck,
    });
    return { ...result, last: result.last ?? plan.initial };
  } finally {
    live.stop();
  }
}

async function followAndReport(host: Host, session: JobSession, flags: ApiFlags & { interval?: string }, id: string, plan: WaitPlan): Promise<number> {
  const result = await followWithLiveLine(host, session, id, plan);
  if (plan.format === "json") host.out.result(JSON.stringify(documentFor(session, result.last, result.outcome, result.elapsedMs, id)));
  return finishWait(host, session, flags, id, result, plan.timeoutMs, plan.format);
}

/** Statuses of a job nothing has picked up yet: after a timeout in one, the pipeline is the suspect. */
const WAITING_STATUS = /^(queued|pending|submitted|accepted|waiting|created|new|scheduled)$/i;

/** Exit code of a finished wait; a timeout or an interruption throws, with the resume hint. */
export function finishWait(
  host: Host,
  session: JobSession,
  flags: ApiFlags & { interval?: string },
  id: string,
  result: FollowResult,
  timeoutMs: number,
  format: string,
): number {
  const last = result.last;
  switch (result.outcome) {
    case "completed":
    case "failed": {
      if (format === "pretty" && last) {
        const resultCommand = last.state === "completed" ? resultCommandFor(host, flags, id) : undefined;
        host.out.result(renderFinishedPretty(last, result.elapsedMs, host.out.chalk, resultCommand));
      }
      return result.outcome === "failed" ? ExitCode.Problems : ExitCode.Ok;
    }
    case "timed_out": {
      const problem = result.problem ? `; the last status read failed: ${result.problem}` : "";
      throw new TimeoutError(`job ${id} did not finish within ${formatDuration(timeoutMs)} (${describeLastSeen(last)}${problem})`, {
        hint: `${resumeHint(host, session, flags, id)}${last && WAITING_STATUS.test(last.status) ? `\n  still "${last.status}": when the job's event never reaches the worker, course-doctor check finds where it stops` : ""}`,
      });
    }
    case "interrupted":
      throw new InterruptedError(`stopped following job ${id} after ${formatDuration(result.elapsedMs)}; it keeps running (${describeLastSeen(last)})`, {
        hint: resumeHint(host, session, flags, id),
      });
    case "stuck":
      throw new TimeoutError(`job ${id} is stuck: ${describeState(last)} for ${formatDuration(result.stuck?.elapsedMs ?? result.elapsedMs)}`, {
        hint: resumeHint(host, session, flags, id),
      });
  }
}

function resultCommandFor(host: Host, flags: ApiFlags, id: string): string {
  const parts = ["course-doctor", "jobs", "result", id];
  if (flags.api !== undefined) parts.push("--api", flags.api);
  if (flags.apiUrl !== undefined) parts.push("--api-url", flags.apiUrl);
  if (host.settings.configPath !== undefined) parts.push("--config", host.settings.configPath);
  if (host.settings.envName !== undefined) parts.push("--env", host.settings.envName);
  return parts.map(shellQuote).join(" ");
}
