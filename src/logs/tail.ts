/**
 * Reading a log group: the lines since a start time, then (with `follow`) the new ones as
 * they arrive — through CloudWatch Logs Live Tail where the service offers it, and by
 * polling FilterLogEvents from the newest line seen otherwise (never a scan of the whole
 * group). Shared by `logs` and, later, `probe`. Nothing is printed here: events, the mode
 * in use and notes reach the caller through callbacks.
 */
import type { Aws } from "../aws/clients.js";
import { failed } from "../aws/errors.js";
import type { LiveTailSessionLogEvent, StartLiveTailResponseStream } from "../aws/services/logs.js";
import { servicesOf, type Services } from "../aws/services/index.js";
import { formatDuration } from "../util/duration.js";
import { realTimer, type Timer } from "../util/poll.js";
import { localFilterFor } from "./filter.js";

/** One log line. */
export interface TailEvent {
  /** When the line was logged (ms since the epoch). */
  timestamp: number;
  stream: string;
  /** The text, without its trailing line break. */
  message: string;
  group: string;
}

/** How new lines are read while following. */
export type TailMode = "live-tail" | "polling";

export interface TailOptions {
  /** Lines from this time on (ms since the epoch). */
  startTime: number;
  /** A CloudWatch Logs filter pattern, sent to the service and re-checked locally for term patterns. */
  filter?: string | undefined;
  /** Keep reading new lines until the signal aborts. */
  follow?: boolean;
  /**
   * Ends the follow (Ctrl-C); an aborted tail returns, it does not throw. Give the Aws the
   * same signal (AwsOptions.interrupt) so that an open Live Tail stream closes at once;
   * otherwise it closes with `aws.destroy()`. Build that Aws with a long timeoutMs for a
   * follow: its deadline applies to the whole Live Tail stream.
   */
  signal?: AbortSignal | undefined;
  onEvent(event: TailEvent): void;
  /** Called when following starts in a mode, and on each switch; `reason` says why (for --verbose). */
  onMode?(mode: TailMode, reason: string): void;
  /** The log group does not exist (yet): called once, when that is first seen. */
  onMissing?(): void;
  /** Notes worth a --verbose line (a session restarted, the group appeared, ...). */
  onNote?(text: string): void;
  /** Something the user should know while following (a failed poll, sampling). */
  onWarning?(text: string): void;
  /** How long one FilterLogEvents call may take before the poll counts as failed (default 30s). */
  callTimeoutMs?: number;
  /** Interval between FilterLogEvents polls (default 2s). */
  pollMs?: number;
  /** Try Live Tail when following (default true; it is never tried against an endpoint override). */
  liveTail?: boolean;
  timer?: Timer;
}

export interface TailResult {
  /** False when the log group does not exist (yet): no logs yet. */
  groupExists: boolean;
  /** Lines passed to onEvent. */
  events: number;
  /** How the last lines were read: only the recent ones, or the follow mode in use at the end. */
  mode: "recent" | TailMode;
  /** The signal ended the read. */
  interrupted: boolean;
}

/** One FilterLogEvents call may take this long. */
const POLL_CALL_TIMEOUT_MS = 30_000;
/** Polls re-read this far behind the newest line seen, for lines ingested late with older timestamps. */
const LATE_MS = 5_000;
/** A Live Tail session that ends sooner than this did not really run: after a few, stop retrying. */
const SHORT_SESSION_MS = 10_000;
const MAX_SHORT_SESSIONS = 3;
/** While Live Tail runs, lines older than this behind the newest are forgotten by deduplication. */
const KEEP_KEYS_MS = 60_000;
const PRUNE_EVERY_MS = 10_000;

/** Reads a log group; see the module comment. Throws only for AWS failures it cannot ride out. */
export async function tailLogGroup(aws: Aws, group: string, options: TailOptions): Promise<TailResult> {
  const state = new TailState(aws, group, options);
  return state.run();
}

class TailState {
  private readonly services: Services;
  private readonly matches: (message: string) => boolean;
  private readonly timer: Timer;
  /** Newest timestamp read so far; polls start a little before it. */
  private cursor: number;
  private events = 0;
  /** The group was missing at the last read. */
  private missingNoted = false;
  private missingReported = false;
  // Deduplication: FilterLogEvents lines by eventId, across sources by content (Live Tail lines have no id).
  private readonly polledIds = new Map<string, number>();
  private readonly polledKeys = new Map<string, number>();
  private readonly liveKeys = new Map<string, number>();

  constructor(
    private readonly aws: Aws,
    private readonly group: string,
    private readonly options: TailOptions,
  ) {
    this.services = servicesOf(aws);
    this.matches = localFilterFor(options.filter);
    this.timer = options.timer ?? realTimer;
    this.cursor = options.startTime;
  }

  private get aborted(): boolean {
    return this.options.signal?.aborted === true;
  }

  private result(groupExists: boolean, mode: TailResult["mode"]): TailResult {
    return { groupExists, events: this.events, mode, interrupted: this.aborted };
  }

  async run(): Promise<TailResult> {
    let exists: boolean;
    try {
      exists = await this.fetchNew();
    } catch (error) {
      if (this.aborted) return this.result(true, "recent");
      throw error;
    }
    if (!this.options.follow || this.aborted) return this.result(exists, "recent");

    let reason: string;
    if (!exists) reason = "the log group does not exist yet";
    else if (this.options.liveTail === false) reason = "Live Tail not requested";
    else if (this.aws.endpoint !== null) reason = `Live Tail is not available through the endpoint override ${this.aws.endpoint}`;
    else {
      const live = await this.liveTail();
      if (live.ended) return this.result(true, "live-tail");
      reason = live.reason;
    }
    this.options.onMode?.("polling", `${reason}: polling FilterLogEvents every ${formatMs(this.pollMs)} from the newest line seen`);
    await this.poll();
    return this.result(!this.missingNoted, "polling");
  }

  private get pollMs(): number {
    return this.options.pollMs ?? 2_000;
  }

  /** Reads the lines since the cursor and emits the new ones; false when the group does not exist. */
  private async fetchNew(): Promise<boolean> {
    const startTime = Math.max(this.options.startTime, this.cursor - LATE_MS);
    try {
      const events = await this.services.logs.filterLogEvents(
        { group: this.group, startTime, filterPattern: this.options.filter },
        // A stalled connection fails this poll (and the next one retries) instead of hanging the follow.
        { timeoutMs: this.options.callTimeoutMs ?? POLL_CALL_TIMEOUT_MS, stop: () => this.aborted },
      );
      for (const raw of events) {
        const event = this.toEvent(raw.timestamp ?? raw.ingestionTime, raw.logStreamName, raw.message);
        const key = contentKey(event);
        if (raw.eventId !== undefined) {
          if (this.polledIds.has(raw.eventId)) continue;
          this.polledIds.set(raw.eventId, event.timestamp);
        }
        if (this.liveKeys.has(key)) continue;
        this.polledKeys.set(key, event.timestamp);
        this.emit(event);
      }
    } catch (error) {
      if (failed(error).reason === "not-found" && !this.aborted) {
        if (!this.missingNoted && !this.missingReported) this.options.onMissing?.();
        this.missingNoted = true;
        this.missingReported = true;
        return false;
      }
      throw error;
    }
    if (this.missingNoted) {
      this.options.onNote?.(`log group ${this.group} exists now`);
      this.missingNoted = false;
    }
    this.prune(startTime - LATE_MS);
    return true;
  }

  private toEvent(timestamp: number | undefined, stream: string | undefined, message: string | undefined): TailEvent {
    return { timestamp: timestamp ?? Date.now(), stream: stream ?? "", message: (message ?? "").replace(/\r?\n$/, ""), group: this.group };
  }

  private emit(event: TailEvent): void {
    if (event.timestamp > this.cursor) this.cursor = event.timestamp;
    if (!this.matches(event.message)) return;
    this.events++;
    this.options.onEvent(event);
  }

  private prune(before: number): void {
    for (const map of [this.polledIds, this.polledKeys, this.liveKeys]) {
      for (const [key, timestamp] of map) if (timestamp < before) map.delete(key);
    }
  }

  /** Polls until aborted; a failed poll is reported and retried, a denial or missing credentials end it. */
  private async poll(): Promise<void> {
    let lastProblem: string | undefined;
    while (!this.aborted) {
      try {
        await this.timer.sleep(this.pollMs, this.options.signal);
      } catch {
        return;
      }
      try {
        await this.fetchNew();
        lastProblem = undefined;
      } catch (error) {
        if (this.aborted) return;
        const failure = failed(error);
        if (failure.reason === "access-denied" || failure.reason === "no-credentials") throw error;
        // The client's own deadline passed: every further call would fail the same way.
        if (this.aws.signal.aborted) throw error;
        const problem = failure.reason === "timeout" ? `no answer within ${formatDuration(this.options.callTimeoutMs ?? POLL_CALL_TIMEOUT_MS)}` : failure.error;
        if (problem !== lastProblem) this.options.onWarning?.(`reading ${this.group} failed, retrying: ${problem}`);
        lastProblem = problem;
      }
    }
  }

  /**
   * Follows with Live Tail, restarting a session that ends (they last up to 3 hours).
   * Returns `ended` when the signal stopped it, else why polling should take over.
   */
  private async liveTail(): Promise<{ ended: true } | { ended: false; reason: string }> {
    const arn = await this.groupArn();
    if (typeof arn !== "string") return { ended: false, reason: arn.reason };
    let shortSessions = 0;
    let started = false;
    for (;;) {
      if (this.aborted) return { ended: true };
      const sessionStarted = Date.now();
      let stream: AsyncIterable<StartLiveTailResponseStream> | undefined;
      try {
        stream = await this.services.logs.startLiveTail([arn], this.options.filter);
      } catch (error) {
        if (this.aborted) return { ended: true };
        return { ended: false, reason: `Live Tail is not available (${liveTailProblem(error)})` };
      }
      if (!stream) return { ended: false, reason: "Live Tail answered without a stream" };
      let outcome: "aborted" | "ended" | { failed: string };
      try {
        outcome = await this.readSession(stream, () => {
          if (!started) this.options.onMode?.("live-tail", `Live Tail session on ${arn}`);
          else this.options.onNote?.("Live Tail session restarted");
          started = true;
        });
      } catch (error) {
        outcome = this.aborted ? "aborted" : { failed: liveTailProblem(error) };
      }
      if (outcome === "aborted" || this.aborted) return { ended: true };
      if (outcome !== "ended") return { ended: false, reason: `the Live Tail session failed (${outcome.failed})` };
      // The session ended (its 3-hour limit, or the service closed it): start another.
      shortSessions = Date.now() - sessionStarted < SHORT_SESSION_MS ? shortSessions + 1 : 0;
      if (shortSessions >= MAX_SHORT_SESSIONS) return { ended: false, reason: "Live Tail sessions keep ending at once" };
      this.options.onNote?.("Live Tail session ended; starting a new one");
    }
  }

  /** Reads one session's stream until it ends, fails or the signal aborts. */
  private async readSession(stream: AsyncIterable<StartLiveTailResponseStream>, onStart: () => void): Promise<"aborted" | "ended" | { failed: string }> {
    const iterator = stream[Symbol.asyncIterator]();
    let sampledNoted = false;
    let lastPrune = Date.now();
    try {
      for (;;) {
        const next = await nextOrAbort(iterator, this.options.signal);
        if (next === "aborted") return "aborted";
        if (next.done) return "ended";
        const item = next.value;
        if (item.sessionStart) {
          onStart();
          // Lines logged between the last read and the session's start: read them once.
          await this.fetchNew();
        } else if (item.sessionUpdate) {
          if (item.sessionUpdate.sessionMetadata?.sampled && !sampledNoted) {
            sampledNoted = true;
            this.options.onWarning?.("more than 500 lines per second: Live Tail shows a sample of them");
          }
          for (const raw of item.sessionUpdate.sessionResults ?? []) this.emitLive(raw);
          // What deduplication remembers only matters near the newest line: keep a long session's memory small.
          if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
            this.prune(this.cursor - KEEP_KEYS_MS);
            lastPrune = Date.now();
          }
        } else if (item.SessionTimeoutException) {
          return "ended";
        } else if (item.SessionStreamingException) {
          return { failed: item.SessionStreamingException.message ?? "SessionStreamingException" };
        }
      }
    } catch (error) {
      if (this.aborted) return "aborted";
      if (error instanceof Error && error.name === "SessionTimeoutException") return "ended";
      throw error;
    } finally {
      // Closes the HTTP stream; the SDK's iterator may not implement return().
      void iterator.return?.()?.catch?.(() => undefined);
    }
  }

  private emitLive(raw: LiveTailSessionLogEvent): void {
    const event = this.toEvent(raw.timestamp ?? raw.ingestionTime, raw.logStreamName, raw.message);
    const key = contentKey(event);
    if (this.polledKeys.has(key)) return;
    this.liveKeys.set(key, event.timestamp);
    this.emit(event);
  }

  /** The log group's ARN (Live Tail takes ARNs): from DescribeLogGroups, else built from the caller's account. */
  private async groupArn(): Promise<string | { reason: string }> {
    try {
      const found = (await this.services.logs.describeLogGroups(this.group)).find((g) => g.logGroupName === this.group);
      const arn = found?.logGroupArn ?? found?.arn?.replace(/:\*$/, "");
      if (arn) return arn;
    } catch (error) {
      if (this.aborted) return { reason: "interrupted" };
      this.options.onNote?.(`DescribeLogGroups failed (${failed(error).error}); building the log group ARN from the caller's account`);
    }
    try {
      const who = await this.services.sts.getCallerIdentity();
      const partition = /^arn:([^:]+):/.exec(who.arn)?.[1] ?? "aws";
      if (who.account !== "unknown") return `arn:${partition}:logs:${this.aws.region}:${who.account}:log-group:${this.group}`;
      return { reason: "the log group's ARN is unknown (no account from GetCallerIdentity)" };
    } catch (error) {
      return { reason: `the log group's ARN is unknown (${failed(error).error})` };
    }
  }
}

function contentKey(event: TailEvent): string {
  return `${event.timestamp}\u0000${event.stream}\u0000${event.message}`;
}

/** Why StartLiveTail could not be used, in a few words (AccessDenied names the action). */
function liveTailProblem(error: unknown): string {
  const failure = failed(error);
  return failure.reason === "access-denied" ? `${failure.error}; needs ${failure.action ?? "logs:StartLiveTail"}` : failure.error;
}

/** The iterator's next value, or "aborted" as soon as the signal aborts. */
async function nextOrAbort<T>(iterator: AsyncIterator<T>, signal: AbortSignal | undefined): Promise<IteratorResult<T> | "aborted"> {
  if (!signal) return iterator.next();
  if (signal.aborted) return "aborted";
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<"aborted">((resolve) => {
    onAbort = () => resolve("aborted");
    signal.addEventListener("abort", onAbort, { once: true });
  });
  const next = iterator.next();
  // Once aborted, nobody awaits this read any more; its failure (the stream closing) is expected.
  next.catch(() => undefined);
  try {
    return await Promise.race([next, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort!);
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
