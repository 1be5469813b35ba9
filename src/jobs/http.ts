import { CliError, ExitCode, HttpError, InterruptedError } from "../errors.js";
import { formatDuration } from "../util/duration.js";
import { realTimer, type Timer } from "../util/poll.js";

/**
 * What went wrong talking to the job API. `transient` failures are worth another read
 * later (network, timeouts, throttling, server errors, a gateway's HTML page); the
 * others (a refused token, an unknown id, an answer of the wrong shape) are not.
 */
export type JobApiErrorKind =
  | "unreachable"
  | "network"
  | "timeout"
  | "tls"
  | "auth"
  | "not-found"
  | "throttled"
  | "server"
  | "not-json"
  | "rejected"
  | "unknown-outcome"
  | "malformed";

const TRANSIENT: ReadonlySet<JobApiErrorKind> = new Set(["unreachable", "network", "timeout", "throttled", "server", "not-json"]);

/** A failed exchange with the job API. Exit code 2 (could not run) unless said otherwise. */
export class JobApiError extends HttpError {
  readonly kind: JobApiErrorKind;
  /** How long the API asked us to wait (Retry-After), when it did. */
  readonly retryAfterMs: number | undefined;
  constructor(
    kind: JobApiErrorKind,
    message: string,
    options: { status?: number; retryAfterMs?: number; hint?: string; cause?: unknown; exitCode?: number } = {},
  ) {
    super(message, { status: options.status, hint: options.hint, cause: options.cause, exitCode: options.exitCode ?? ExitCode.CannotRun });
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs;
  }
  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

/** A JSON answer from the API. */
export interface JsonAnswer {
  status: number;
  body: unknown;
  url: URL;
}

/** What the HTTP layer needs from its surroundings; tests replace fetch, the clock and randomness. */
export interface JobHttpOptions {
  /** Bearer token; sent, never shown. */
  token: string | undefined;
  requestTimeoutMs: number;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  debug: (line: string) => void;
  fetch?: typeof fetch;
  timer?: Timer;
  /** In [0, 1); spreads retries (jitter). */
  random?: () => number;
  /** Attempts of one read before giving up (default 5). */
  readAttempts?: number;
  /** First retry wait (default 250ms); it doubles up to retryMaxMs (default 8s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Longest Retry-After honoured without a deadline (default 60s). */
  maxRetryAfterMs?: number;
}

const SUBMIT_ATTEMPTS_WHEN_THROTTLED = 3;
/** A request that started near the deadline still gets this long to answer. */
const MIN_REQUEST_TIMEOUT_AT_DEADLINE_MS = 5_000;

/**
 * The job API over Node's own fetch: a timeout on every request, reads retried with
 * backoff and jitter (honouring Retry-After), a submit sent once. The token goes into
 * the Authorization header and nowhere else: every text taken from an answer or an error
 * passes through `redact` before it can reach a message.
 */
export class JobHttp {
  /** True once any HTTP answer arrived, i.e. the API is reachable at this URL. */
  answered = false;
  private readonly fetch: typeof fetch;
  private readonly timer: Timer;
  private readonly random: () => number;

  constructor(private readonly options: JobHttpOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timer = options.timer ?? realTimer;
    this.random = options.random ?? Math.random;
  }

  /** Removes the token from text bound for the user. */
  redact(text: string): string {
    const token = this.options.token;
    return token !== undefined && token.length >= 4 ? text.split(token).join("***") : text;
  }

  /**
   * GETs JSON, retrying transient failures. `what` names the read in messages ("the
   * status of job X"). Retries never sleep past `deadline` (a timer timestamp).
   */
  async read(url: URL, what: string, deadline?: number): Promise<JsonAnswer> {
    const attempts = this.options.readAttempts ?? 5;
    let lastError: JobApiError | undefined;
    let made = 0;
    let suffix = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      made = attempt;
      try {
        return await this.readOnce(url, deadline);
      } catch (error) {
        if (!(error instanceof JobApiError) || !error.transient) throw error;
        lastError = error;
      }
      if (attempt === attempts) break;
      const wait = this.retryWait(attempt, lastError.retryAfterMs);
      const remaining = deadline === undefined ? undefined : deadline - this.timer.now();
      if (wait > (remaining ?? this.options.maxRetryAfterMs ?? 60_000)) {
        // Waiting that long would pass the deadline (or is unreasonable for a single read).
        if (lastError.retryAfterMs !== undefined) suffix = `; the API asked to retry after ${formatDuration(lastError.retryAfterMs)}`;
        break;
      }
      this.options.debug(`  ${lastError.message}; retrying in ${formatDuration(wait)} (attempt ${attempt + 1} of ${attempts})`);
      await this.sleep(wait);
    }
    throw this.giveUp(lastError!, what, made, suffix);
  }

  /**
   * Sends a request whose effect is not idempotent (a submit). It is sent once: after a
   * failure whose outcome is unknown the job may exist, so it is never re-sent. Only an
   * explicit 429 (the API did not take the request) is retried, honouring Retry-After.
   */
  async send(method: "POST" | "PUT", url: URL, body: unknown): Promise<JsonAnswer> {
    for (let attempt = 1; ; attempt++) {
      let exchange: Exchange;
      try {
        exchange = await this.exchange(method, url, JSON.stringify(body), this.options.requestTimeoutMs);
      } catch (error) {
        if (!(error instanceof JobApiError)) throw error;
        if (error.kind === "unreachable" || error.kind === "tls") {
          throw new JobApiError(error.kind, `${error.message}; nothing was submitted`, { cause: error.cause });
        }
        throw new JobApiError("unknown-outcome", `the submit's outcome is unknown: ${error.message}`, {
          hint: "the job may have been created; course-doctor never re-sends a submit — check the API before submitting again",
          cause: error.cause,
        });
      }
      const { response, text } = exchange;
      if (response.status === 429 && attempt < SUBMIT_ATTEMPTS_WHEN_THROTTLED) {
        const wait = this.retryWait(attempt, retryAfterMs(response.headers.get("retry-after")));
        if (wait <= (this.options.maxRetryAfterMs ?? 60_000)) {
          this.options.debug(`  the API throttled the submit; sending it again in ${formatDuration(wait)} (it was not taken)`);
          await this.sleep(wait);
          continue;
        }
      }
      if (response.ok) {
        const parsed = parseJson(text);
        if (!parsed.ok) {
          throw new JobApiError("unknown-outcome", `the API answered the submit with HTTP ${response.status} but ${this.describeNonJson(text, response)} instead of JSON${gatewayNote(text, response)}`, {
            status: response.status,
            hint: "the job may have been created; course-doctor never re-sends a submit — check the API before submitting again",
          });
        }
        return { status: response.status, body: parsed.value, url };
      }
      const failure = this.failure(response, text, `${method} ${this.shown(url)}`);
      if (failure.kind === "server") {
        throw new JobApiError("server", `the API failed to submit the job: ${failure.message}`, {
          status: response.status,
          hint: "it was not re-sent: a server error can hide a job that was created — check before submitting again",
        });
      }
      if (failure.kind === "rejected" || failure.kind === "not-found") {
        throw new JobApiError("rejected", `the API rejected the job: ${failure.message}`, { status: response.status, hint: failure.hint });
      }
      if (failure.kind === "throttled") {
        throw new JobApiError("throttled", `the API kept throttling the submit: ${failure.message}; nothing was submitted`, { status: response.status });
      }
      throw failure;
    }
  }

  private async readOnce(url: URL, deadline: number | undefined): Promise<JsonAnswer> {
    let timeoutMs = this.options.requestTimeoutMs;
    if (deadline !== undefined) {
      const remaining = deadline - this.timer.now();
      timeoutMs = Math.min(timeoutMs, Math.max(remaining, MIN_REQUEST_TIMEOUT_AT_DEADLINE_MS));
    }
    const { response, text } = await this.exchange("GET", url, undefined, timeoutMs);
    if (!response.ok) throw this.failure(response, text, `GET ${this.shown(url)}`);
    const parsed = parseJson(text);
    if (!parsed.ok) {
      throw new JobApiError("not-json", `GET ${this.shown(url)} answered HTTP ${response.status} with ${this.describeNonJson(text, response)} instead of JSON${gatewayNote(text, response)}`, {
        status: response.status,
      });
    }
    return { status: response.status, body: parsed.value, url };
  }

  /** One request and its whole body, under the request timeout and Ctrl-C. */
  private async exchange(method: string, url: URL, body: string | undefined, timeoutMs: number): Promise<Exchange> {
    const signal = this.options.signal;
    if (signal.aborted) throw interrupted(signal);
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const timeout = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const headers: Record<string, string> = { accept: "application/json", "user-agent": "course-doctor" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    const started = Date.now();
    let response: Response | undefined;
    try {
      response = await this.fetch(url, { method, headers, body, signal: controller.signal, redirect: "follow" });
      this.answered = true;
      const text = await response.text();
      this.options.debug(`${method} ${this.shown(url)} → ${response.status} in ${formatDuration(Date.now() - started)}`);
      return { response, text };
    } catch (error) {
      if (signal.aborted) throw interrupted(signal);
      const where = `${method} ${this.shown(url)}`;
      if (timedOut) {
        this.options.debug(`${where} → no answer within ${formatDuration(timeoutMs)}`);
        throw new JobApiError("timeout", `no answer from ${where} within ${formatDuration(timeoutMs)}`);
      }
      const { kind, reason } = classifyNetworkError(error, response !== undefined);
      this.options.debug(`${where} → ${reason}`);
      const message = kind === "unreachable" ? `cannot reach the job API at ${this.shown(url, true)}: ${reason}` : `${where}: ${reason}`;
      throw new JobApiError(kind, message, { cause: sanitizedCause(error, this) });
    } finally {
      clearTimeout(timeout);
      signal.removeEventListener("abort", onAbort);
    }
  }

  private failure(response: Response, text: string, where: string): JobApiError {
    const status = response.status;
    const said = this.apiMessage(text, response);
    // A body that only repeats the status line adds nothing.
    const meaningful = said !== "" && !new RegExp(`^(HTTP )?${status}\\b`).test(said) ? said : "";
    const detail = `HTTP ${status} from ${where}${meaningful ? `: ${meaningful}` : ""}`;
    if (status === 401 || status === 403) {
      return new JobApiError("auth", `token missing or rejected (${detail})`, {
        status,
        hint:
          this.options.token === undefined
            ? "pass a bearer token with --token or COURSE_DOCTOR_TOKEN"
            : "the token was sent as a bearer token; check that it is valid for this API and not expired",
      });
    }
    if (status === 404) return new JobApiError("not-found", detail, { status });
    if (status === 429) return new JobApiError("throttled", detail, { status, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) });
    if (status >= 500) return new JobApiError("server", detail, { status, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) });
    return new JobApiError("rejected", detail, { status });
  }

  /** The API's own words about an error, shortened: a JSON message field, an HTML title, or the first line. */
  private apiMessage(text: string, response: Response): string {
    const parsed = parseJson(text);
    if (parsed.ok) {
      const value = parsed.value as Record<string, unknown> | null;
      if (value !== null && typeof value === "object") {
        for (const key of ["message", "error", "errorMessage", "detail", "Message"]) {
          const field = value[key];
          if (typeof field === "string" && field.trim()) return this.redact(shorten(field));
          if (field !== null && typeof field === "object" && typeof (field as { message?: unknown }).message === "string") {
            return this.redact(shorten((field as { message: string }).message));
          }
        }
      }
      return this.redact(shorten(text));
    }
    if (looksLikeHtml(text, response)) return this.describeNonJson(text, response);
    return this.redact(shorten(text));
  }

  private describeNonJson(text: string, response: Response): string {
    if (text.trim() === "") return "an empty body";
    if (looksLikeHtml(text, response)) {
      const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
      return `an HTML page${title ? ` ("${this.redact(shorten(title))}")` : ""}`;
    }
    return `text ("${this.redact(shorten(text))}")`;
  }

  /** A URL as shown in messages; `originOnly` keeps just scheme, host and port. */
  shown(url: URL, originOnly = false): string {
    return this.redact(originOnly ? url.origin : url.href);
  }

  private retryWait(attempt: number, retryAfter: number | undefined): number {
    const base = this.options.retryBaseMs ?? 250;
    const cap = Math.min(this.options.retryMaxMs ?? 8_000, base * 2 ** (attempt - 1));
    // "Equal jitter": at least half the backoff, so retries never bunch up near zero.
    const backoff = cap / 2 + this.random() * (cap / 2);
    return Math.round(Math.max(backoff, retryAfter ?? 0));
  }

  private giveUp(error: JobApiError, what: string, attempts: number, suffix = ""): JobApiError {
    return new JobApiError(error.kind, `could not read ${what}: ${error.message} (${attempts} ${attempts === 1 ? "attempt" : "attempts"}${suffix})`, {
      status: error.status,
      retryAfterMs: error.retryAfterMs,
      hint: error.hint,
      cause: error.cause,
    });
  }

  private async sleep(ms: number): Promise<void> {
    try {
      await this.timer.sleep(ms, this.options.signal);
    } catch (error) {
      if (this.options.signal.aborted) throw interrupted(this.options.signal);
      throw error;
    }
  }
}

interface Exchange {
  response: Response;
  text: string;
}

function interrupted(signal: AbortSignal): CliError {
  return signal.reason instanceof CliError ? signal.reason : new InterruptedError();
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Where an HTML page comes from when a JSON API sends one. */
function gatewayNote(text: string, response: Response): string {
  return looksLikeHtml(text, response) ? " (a gateway or proxy error page?)" : "";
}

function looksLikeHtml(text: string, response: Response): boolean {
  return /html/i.test(response.headers.get("content-type") ?? "") || /^\s*</.test(text);
}

function shorten(text: string, max = 200): string {
  const line = text.trim().replace(/\s+/g, " ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Retry-After as milliseconds: delay-seconds or an HTTP date. Undefined when absent or
 * unreadable.
 */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1_000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  // An HTTP date is wall-clock time; the injected timer may be virtual, so compare with Date.
  return Math.max(0, date - Date.now());
}

const NEVER_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT"]);
const CODE_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed (temporary)",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EADDRNOTAVAIL: "address not available",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  ECONNRESET: "connection reset",
  UND_ERR_SOCKET: "the connection closed before the answer was complete",
  UND_ERR_CLOSED: "the connection closed",
  EPIPE: "the connection closed while sending",
};

/** Turns a fetch failure into a kind and a short reason, from the error codes inside it. */
function classifyNetworkError(error: unknown, responseStarted: boolean): { kind: JobApiErrorKind; reason: string } {
  // fetch refuses some ports outright (6000, 6667, ...: the "bad ports" of the Fetch
  // standard): it never connects, so nothing was sent.
  const refused = refusedPort(error);
  if (refused) return { kind: "unreachable", reason: refused };
  const code = findCode(error);
  if (code !== undefined && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code)) {
    return { kind: "tls", reason: `TLS certificate problem (${code})` };
  }
  if (code !== undefined && NEVER_CONNECTED.has(code) && !responseStarted) return { kind: "unreachable", reason: CODE_REASONS[code] ?? code };
  if (code !== undefined) return { kind: "network", reason: CODE_REASONS[code] ?? code };
  return { kind: "network", reason: error instanceof Error ? error.message : String(error) };
}

/** The reason fetch refused the URL before connecting, when it did. */
function refusedPort(error: unknown): string | undefined {
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause;
  if (typeof cause?.message === "string" && /^bad port$/i.test(cause.message)) return "fetch refuses to connect to this port (a port the Fetch standard blocks; use another)";
  return undefined;
}

function findCode(error: unknown, depth = 0): string | undefined {
  if (error === null || typeof error !== "object" || depth > 4) return undefined;
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const inner = findCode(record.cause, depth + 1);
  if (inner !== undefined) return inner;
  if (Array.isArray(record.errors)) {
    for (const item of record.errors) {
      const found = findCode(item, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return typeof record.code === "string" ? record.code : undefined;
}

/** The cause kept for --verbose stack traces, with the token taken out of its text. */
function sanitizedCause(error: unknown, http: JobHttp): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(http.redact(source.message));
  copy.name = source.name;
  copy.stack = http.redact(source.stack ?? source.message);
  return copy;
}
