import { TimeoutError } from "../errors.js";

/** Clock and sleep, injected so tests can drive polling with fake timers. */
export interface Timer {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it is aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realTimer: Timer = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(handle);
        reject(signal?.reason);
      };
      const handle = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** What one attempt of a poll decided. */
export type PollStep<T> = { done: true; value: T } | { done: false; retryAfterMs?: number };

export interface PollOptions {
  /** First wait between attempts. */
  intervalMs: number;
  /** Waits grow by this factor up to maxIntervalMs (1 = fixed interval). */
  backoff?: number;
  maxIntervalMs?: number;
  /** Overall deadline, measured from the first attempt. */
  timeoutMs: number;
  signal?: AbortSignal;
  timer?: Timer;
  /** Message of the TimeoutError raised at the deadline. */
  timeoutMessage?: string;
}

/**
 * Calls `attempt` until it reports done, waiting between attempts with optional backoff
 * (a server's Retry-After wins when longer), never past the deadline. Throws
 * TimeoutError at the deadline and the signal's reason when aborted.
 */
export async function poll<T>(attempt: (n: number) => Promise<PollStep<T>>, options: PollOptions): Promise<T> {
  const timer = options.timer ?? realTimer;
  const start = timer.now();
  const deadline = start + options.timeoutMs;
  const factor = options.backoff ?? 1;
  const max = options.maxIntervalMs ?? options.intervalMs;
  let wait = options.intervalMs;
  for (let n = 1; ; n++) {
    if (options.signal?.aborted) throw options.signal.reason;
    const step = await attempt(n);
    if (step.done) return step.value;
    const remaining = deadline - timer.now();
    if (remaining <= 0) throw new TimeoutError(options.timeoutMessage ?? `still waiting after ${options.timeoutMs}ms`);
    const next = Math.max(wait, step.retryAfterMs ?? 0);
    await timer.sleep(Math.min(next, remaining), options.signal);
    wait = Math.min(max, wait * factor);
    if (timer.now() >= deadline) {
      // One last look at the deadline itself, so a job that finished during the final
      // wait is not reported as timed out.
      if (options.signal?.aborted) throw options.signal.reason;
      const last = await attempt(n + 1);
      if (last.done) return last.value;
      throw new TimeoutError(options.timeoutMessage ?? `still waiting after ${options.timeoutMs}ms`);
    }
  }
}
