import type { CommandContext } from "../cli/context.js";
import type { Settings } from "../config/schema.js";
import { UsageError } from "../errors.js";
import { requireDuration } from "../util/duration.js";
import { readJsonInput } from "../util/input.js";
import { realTimer, type Timer } from "../util/poll.js";
import { resolveJobApi, type JobApi } from "./api.js";
import { createJobClient, type JobClient } from "./client.js";
import { JobHttp } from "./http.js";

/** Flags every jobs command and smoke take to reach the API. */
export interface ApiFlags {
  apiUrl?: string;
  api?: string;
  token?: string;
}

/** The flags that build a submit's body. */
export interface BodyFlags {
  query?: string;
  hours?: string;
  preferences?: string;
  body?: string;
}

/** What tests replace: the network, the clock, randomness, retry pacing. */
export interface JobDependencies {
  fetch?: typeof fetch;
  timer?: Timer;
  random?: () => number;
  retryBaseMs?: number;
}

/** One command's connection to the job API. */
export interface JobSession {
  api: JobApi;
  client: JobClient;
  timer: Timer;
  settings: Settings;
  /** Where the token came from; it is never shown. */
  tokenFrom: "--token" | "COURSE_DOCTOR_TOKEN" | undefined;
}

/** Resolves the API description and token (flags, then environment, then config) and builds the client. */
export async function openSession(ctx: CommandContext, flags: ApiFlags, deps: JobDependencies = {}): Promise<JobSession> {
  const { settings } = await ctx.config();
  const api = resolveJobApi({ urlFlag: flags.apiUrl, presetFlag: flags.api, urlEnv: ctx.io.env.COURSE_DOCTOR_API_URL, settings: settings.api });
  const envToken = ctx.io.env.COURSE_DOCTOR_TOKEN;
  const token = flags.token !== undefined && flags.token !== "" ? flags.token : envToken !== undefined && envToken !== "" ? envToken : undefined;
  const tokenFrom = token === undefined ? undefined : flags.token !== undefined && flags.token !== "" ? "--token" : "COURSE_DOCTOR_TOKEN";
  const timer = deps.timer ?? realTimer;
  const http = new JobHttp({
    token,
    requestTimeoutMs: api.requestTimeoutMs,
    signal: ctx.signal,
    debug: (line) => ctx.out.debug(line),
    fetch: deps.fetch,
    timer,
    random: deps.random,
    retryBaseMs: deps.retryBaseMs,
  });
  ctx.out.debug(`job API: ${api.name} at ${http.shown(api.baseUrl)}${token === undefined ? " (no token)" : ` (bearer token from ${tokenFrom})`}`);
  return { api, client: createJobClient(api, http), timer, settings, tokenFrom };
}

/** The wait's deadline (--timeout, default 15m) and first poll interval (--interval, default 2s). */
export function resolveWaitTiming(ctx: CommandContext, intervalFlag: string | undefined, fallback: { timeout?: string; interval?: string } = {}): { timeoutMs: number; intervalMs: number } {
  const timeoutText = ctx.global.timeout ?? fallback.timeout;
  const intervalText = intervalFlag ?? fallback.interval;
  return {
    timeoutMs: timeoutText === undefined ? 15 * 60_000 : requireDuration(timeoutText, ctx.global.timeout !== undefined ? "--timeout" : "smoke.timeout (config)"),
    intervalMs: intervalText === undefined ? 2_000 : requireDuration(intervalText, intervalFlag !== undefined ? "--interval" : "smoke.interval (config)"),
  };
}

/**
 * The body to submit: --body, or --query/--hours/--preferences (the course API's
 * request), or `fallback` (smoke's configured body), or the config's api.submit.body.
 */
export async function buildSubmitBody(
  ctx: CommandContext,
  api: JobApi,
  flags: BodyFlags,
  fallback?: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  const courseFlags = flags.query !== undefined || flags.hours !== undefined || flags.preferences !== undefined;
  if (flags.body !== undefined) {
    if (courseFlags) throw new UsageError("--body excludes --query, --hours and --preferences: give the whole body, or its parts");
    const body = await readJsonInput(flags.body, ctx.io, "--body");
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw new UsageError("--body: expected a JSON object");
    return body as Record<string, unknown>;
  }
  if (courseFlags) {
    if (!api.submit.acceptsQueryFlags) {
      throw new UsageError(`--query, --hours and --preferences build a course request; the ${api.name} API takes --body (or api.submit.body in the config file)`);
    }
    if (flags.query === undefined || flags.query.trim() === "") throw new UsageError("--hours and --preferences go with --query (the course's subject)");
    const body: Record<string, unknown> = { query: flags.query };
    if (flags.hours !== undefined) {
      const hours = Number(flags.hours);
      if (!Number.isFinite(hours) || hours <= 0 || flags.hours.trim() === "") throw new UsageError(`--hours: "${flags.hours}" is not a positive number`);
      body.hours = hours;
    }
    if (flags.preferences !== undefined) {
      const preferences = await readJsonInput(flags.preferences, ctx.io, "--preferences");
      if (preferences === null || typeof preferences !== "object" || Array.isArray(preferences)) {
        throw new UsageError('--preferences: expected a JSON object, e.g. \'{"level": "beginner"}\'');
      }
      body.preferences = preferences;
    }
    return body;
  }
  return fallback ?? api.submit.body;
}

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * The command that picks up a wait where it stopped: the same API, config and
 * environment, never the token.
 */
export function resumeCommand(ctx: CommandContext, flags: ApiFlags & { interval?: string }, id: string): string {
  const parts = ["course-doctor", "jobs", "status", id, "--wait"];
  if (flags.api !== undefined) parts.push("--api", flags.api);
  if (flags.apiUrl !== undefined) parts.push("--api-url", flags.apiUrl);
  if (ctx.global.config !== undefined) parts.push("--config", ctx.global.config);
  if (ctx.global.env !== undefined) parts.push("--env", ctx.global.env);
  if (flags.interval !== undefined) parts.push("--interval", flags.interval);
  if (ctx.global.timeout !== undefined) parts.push("--timeout", ctx.global.timeout);
  return parts.map(shellQuote).join(" ");
}

/** The resume hint: the command, and a reminder when the token came from --token (never repeated). */
export function resumeHint(ctx: CommandContext, session: JobSession, flags: ApiFlags & { interval?: string }, id: string): string {
  const command = resumeCommand(ctx, flags, id);
  return `resume with: ${command}${session.tokenFrom === "--token" ? "  (add your --token)" : ""}`;
}
