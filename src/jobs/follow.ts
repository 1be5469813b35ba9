import { TimeoutError } from "../errors.js";
import { poll, type Timer } from "../util/poll.js";
import type { JobClient } from "./client.js";
import { JobApiError } from "./http.js";
import type { JobStatus } from "./status.js";

/** How a wait ended. "stuck" only when a stuck watch asked to stop. */
export type FollowOutcome = "completed" | "failed" | "timed_out" | "interrupted" | "stuck";

/** What the caller shows after each poll. */
export interface FollowUpdate {
  /** The latest reading (undefined until one succeeded). */
  status: JobStatus | undefined;
  elapsedMs: number;
  /** Why the last read failed, when waiting goes on regardless. */
  problem: string | undefined;
}

/** Watches for a job that never leaves its first state (smoke's --stuck-after). */
export interface StuckWatch {
  afterMs: number;
  /** Called once when the job has sat in its first state for `afterMs`; "stop" ends the wait. */
  onStuck(status: JobStatus, elapsedMs: number): Promise<"stop" | "continue">;
}

export interface FollowOptions {
  /** First wait between polls; waits grow while the job runs (see `pollPacing`). */
  intervalMs: number;
  /** The deadline, counted from `startedAt`. */
  timeoutMs: number;
  /** Timer time the clock started: the submit's answer, or the start of `status --wait`. */
  startedAt: number;
  signal: AbortSignal;
  timer: Timer;
  onUpdate(update: FollowUpdate): void;
  stuck?: StuckWatch;
}

export interface FollowResult {
  outcome: FollowOutcome;
  /** The last successful reading. */
  last: JobStatus | undefined;
  elapsedMs: number;
  /** The last read failure, when the wait ended while reads were failing. */
  problem: string | undefined;
  /** Set when the stuck watch fired (whatever it decided). */
  stuck: { elapsedMs: number; status: JobStatus } | undefined;
}

/**
 * Waits between polls: the interval at first, growing by a fifth each poll up to four
 * times the interval (at most 15s unless the interval itself is longer), so a long job
 * costs few requests while a short one is seen finishing quickly.
 */
export function pollPacing(intervalMs: number): { backoff: number; maxIntervalMs: number } {
  return { backoff: 1.2, maxIntervalMs: Math.max(intervalMs, Math.min(intervalMs * 4, 15_000)) };
}

/** Identity of a state for "has it moved?": status, phase and progress. */
function stateKey(status: JobStatus): string {
  return `${status.status}\u0000${status.phase ?? ""}\u0000${status.progress ?? ""}`;
}

/**
 * Polls a job until it completes or fails, the deadline passes, the signal aborts, or a
 * stuck watch stops it. Read failures worth retrying (network, throttling, 5xx, a
 * gateway page) do not end the wait once the API has answered at all: the job may be
 * fine and the deadline bounds the wait. A refused token, an unknown id or an answer of
 * the wrong shape end it at once (thrown).
 */
export async function followJob(client: JobClient, id: string, options: FollowOptions): Promise<FollowResult> {
  const { timer, signal } = options;
  const deadline = options.startedAt + options.timeoutMs;
  let last: JobStatus | undefined;
  let problem: string | undefined;
  let firstKey: string | undefined;
  let stuck: FollowResult["stuck"];
  let stopForStuck = false;
  const elapsed = () => Math.max(0, timer.now() - options.startedAt);
  const result = (outcome: FollowOutcome): FollowResult => ({ outcome, last, elapsedMs: elapsed(), problem, stuck });

  try {
    await poll<JobStatus>(
      async () => {
        let status: JobStatus;
        try {
          status = await client.status(id, deadline);
        } catch (error) {
          if (!(error instanceof JobApiError) || !error.transient || !client.reachable) throw error;
          problem = client.redact(error.message);
          options.onUpdate({ status: last, elapsedMs: elapsed(), problem });
          return { done: false, retryAfterMs: error.retryAfterMs };
        }
        last = status;
        problem = undefined;
        options.onUpdate({ status, elapsedMs: elapsed(), problem });
        if (status.state !== "running") return { done: true, value: status };
        firstKey ??= stateKey(status);
        const watch = options.stuck;
        if (watch && stuck === undefined && stateKey(status) === firstKey && elapsed() >= watch.afterMs) {
          stuck = { elapsedMs: elapsed(), status };
          if ((await watch.onStuck(status, stuck.elapsedMs)) === "stop") {
            stopForStuck = true;
            return { done: true, value: status };
          }
        }
        return { done: false };
      },
      {
        intervalMs: options.intervalMs,
        ...pollPacing(options.intervalMs),
        timeoutMs: Math.max(0, deadline - timer.now()),
        signal,
        timer,
      },
    );
  } catch (error) {
    if (signal.aborted) return result("interrupted");
    if (error instanceof TimeoutError) return result("timed_out");
    throw error;
  }
  if (stopForStuck) return result("stuck");
  return result(last?.state === "failed" ? "failed" : "completed");
}
