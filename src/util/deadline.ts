/**
 * One deadline for a command, held strongly for its whole life.
 *
 * `AbortSignal.any([interrupt, AbortSignal.timeout(ms)])` keeps its sources weakly: once
 * nothing else references the timeout signal, a garbage collection can drop it and the
 * deadline never fires (../shared/KNOWLEDGE.md, "Node.js"). A Deadline owns its controller
 * and its timer, so the timer's closure keeps the controller alive until it fires or the
 * deadline is disposed; the caller keeps the Deadline.
 */
import { setMaxListeners } from "node:events";
import { InterruptedError } from "../errors.js";

/** Why a deadline's signal aborted: its time ran out. */
export class DeadlineExceededError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${formatMs(ms)}`);
    this.name = "DeadlineExceededError";
  }
}

export class Deadline {
  /** Aborted with DeadlineExceededError when time runs out, with InterruptedError on Ctrl-C. */
  readonly signal: AbortSignal;
  /** When the deadline falls (ms since the epoch). */
  readonly at: number;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly parent: AbortSignal | undefined;
  private readonly onParentAbort = () => this.controller.abort(this.parent?.reason ?? new InterruptedError());

  /**
   * @param ms how long from now; Infinity for no deadline (a follow that ends with Ctrl-C)
   * @param parent aborts this deadline too (Ctrl-C, or an enclosing deadline)
   */
  constructor(
    readonly ms: number,
    parent?: AbortSignal,
  ) {
    this.signal = this.controller.signal;
    // Every concurrent SDK call adds one abort listener to the signal it is given; dozens at
    // once are expected here, not a leak.
    setMaxListeners(0, this.signal);
    this.at = Date.now() + ms;
    this.parent = parent;
    if (parent?.aborted) {
      this.controller.abort(parent.reason);
      return;
    }
    parent?.addEventListener("abort", this.onParentAbort, { once: true });
    if (Number.isFinite(ms)) {
      // Node timers hold at most 2^31-1 ms; anything longer is "no deadline" in practice.
      if (ms < 2 ** 31 - 1) this.timer = setTimeout(() => this.controller.abort(new DeadlineExceededError(ms)), Math.max(0, ms));
    }
  }

  get aborted(): boolean {
    return this.signal.aborted;
  }

  /** Milliseconds left (0 once passed; Infinity without a deadline). */
  remaining(): number {
    return Number.isFinite(this.ms) ? Math.max(0, this.at - Date.now()) : Infinity;
  }

  /** True when the signal aborted because of Ctrl-C (not because time ran out). */
  get interrupted(): boolean {
    return this.signal.aborted && this.signal.reason instanceof InterruptedError;
  }

  /** A shorter deadline inside this one (one call's own limit); dispose it when the call ends. */
  child(ms: number): Deadline {
    return new Deadline(Math.min(ms, this.remaining()), this.signal);
  }

  /** Stops the timer and detaches from the parent; the signal stays as it is. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.parent?.removeEventListener("abort", this.onParentAbort);
  }
}

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it aborts, even
 * when the work behind the promise ignores the signal (a credential provider, a socket the
 * SDK keeps waiting on).
 */
export function raceAbort<T>(work: Promise<T> | T, signal: AbortSignal): Promise<T> {
  const promise = Promise.resolve(work);
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(1)}s`;
}
