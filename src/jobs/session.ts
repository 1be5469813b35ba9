import type { Host } from "../host/host.js";
import type { Settings } from "../config/schema.js";
import { UsageError } from "../errors.js";
import { DEFAULT_WAIT_TIMEOUT_MS } from "../settings/resolve.js";
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
export async function openSession(host: Host, flags: ApiFlags, deps: JobDependencies = {}): Promise<JobSession> {
  const settings = await host.settings.fileSettings();
  const api = resolveJobApi({ urlFlag: flags.apiUrl, presetFlag: flags.api, urlEnv: host.io.env.COURSE_DOCTOR_API_URL, settings: settings.api });
  const envToken = host.io.env.COURSE_DOCTOR_TOKEN;
  const token = flags.token !== undefined && flags.token !== "" ? flags.token : envToken !== undefined && envToken !== "" ? envToken : undefined;
  const tokenFrom = token === undefined ? undefined : flags.token !== undefined && flags.token !== "" ? "--token" : "COURSE_DOCTOR_TOKEN";
  const timer = deps.timer ?? realTimer;
  const http = new JobHttp({
    token,
    requestTimeoutMs: api.requestTimeoutMs,
    signal: host.signal,
    debug: (line) => host.out.debug(line),
    fetch: deps.fetch,
    timer,
    random: deps.random,
    retryBaseMs: deps.retryBaseMs,
  });
  host.out.debug(`job API: ${api.name} at ${http.shown(api.baseUrl)}${token === undefined ? " (no token)" : ` (bearer token from ${tokenFrom})`}`);
  return { api, client: createJobClient(api, http), timer, settings, tokenFrom };
}

/**
 * The wait's deadline (--timeout, else smoke.timeout for smoke, else the config's timeout,
 * default 15m) and first poll interval (--interval, else smoke.interval, default 2s).
 */
export async function resolveWaitTiming(host: Host, intervalFlag: string | undefined, fallback: { timeout?: string; interval?: string } = {}): Promise<{ timeoutMs: number; intervalMs: number }> {
  const settings = host.settings;
  const timeoutMs =
    settings.timeoutFlag === undefined && fallback.timeout !== undefined
      ? requireDuration(fallback.timeout, "smoke.timeout (config)")
      : await settings.timeoutMs(DEFAULT_WAIT_TIMEOUT_MS);
  return { timeoutMs, intervalMs: await settings.duration(intervalFlag, "--interval", fallback.interval, "smoke.interval", 2_000) };
}

/**
 * The body to submit: --body, or --query/--hours/--preferences (the course API's
 * request), or `fallback` (smoke's configured body), or the config's api.submit.body.
 */
export async function buildSubmitBody(
  host: Host,
  api: JobApi,
  flags: BodyFlags,
  fallback?: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  const courseFlags = flags.query !== undefined || flags.hours !== undefined || flags.preferences !== undefined;
  if (flags.body !== undefined) {
    if (courseFlags) throw new UsageError("--body excludes --query, --hours and --preferences: give the whole body, or its parts");
    const body = await readJsonInput(flags.body, host.io, "--body");
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
      const preferences = await readJsonInput(flags.preferences, host.io, "--preferences");
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
export function resumeCommand(host: Host, flags: ApiFlags & { interval?: string }, id: string): string {
  const parts = ["course-doctor", "jobs", "status", id, "--wait"];
  if (flags.api !== undefined) parts.push("--api", flags.api);
  if (flags.apiUrl !== undefined) parts.push("--api-url", flags.apiUrl);
  if (host.settings.configPath !== undefined) parts.push("--config", host.settings.configPath);
  if (host.settings.envName !== undefined) parts.push("--env", host.settings.envName);
  if (flags.interval !== undefined) parts.push("--interval", flags.interval);
  if (host.settings.timeoutFlag !== undefined) parts.push("--timeout", host.settings.timeoutFlag);
  return parts.map(shellQuote).join(" ");
}

/** The resume hint: the command, and a reminder when the token came from --token (never repeated). */
export function resumeHint(host: Host, session: JobSession, flags: ApiFlags & { interval?: string }, id: string): string {
  const command = resumeCommand(host, flags, id);
  return `resume with: ${command}${session.tokenFrom === "--token" ? "  (add your --token)" : ""}`;
}
