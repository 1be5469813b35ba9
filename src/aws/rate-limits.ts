/**
 * Client-side pacing of AWS calls: one token bucket per AWS quota, shared by every Aws of
 * a run (its other regions and accounts included, each with buckets of their own).
 *
 * AWS throttles per quota, and several operations can share one quota (Lambda's control
 * plane) while operations of the same service have their own (GetPolicy, GetFunction). The
 * SDK's adaptive retry mode keeps one rate for a whole client, so a GetPolicy throttle would
 * slow every Lambda call; here a throttle slows only the bucket whose quota was exceeded.
 *
 * A bucket starts without a burst: the first call goes at once, each next one 1/rate later,
 * so a run never spends a quota faster than AWS refills it. A throttled call lowers its
 * bucket's rate (once per round of calls sent at the old rate), successes raise it back to
 * the quota. Operations without a documented quota are not paced (their throttles are
 * retried with backoff by `Aws.call`).
 */
import type { ServiceName } from "./errors.js";
import { realTimer, type Timer } from "../util/poll.js";

/** An AWS quota: the operations it covers share one rate, per account and region. */
export interface Quota {
  /** The bucket's name ("lambda:GetPolicy", "lambda:control-plane"). */
  id: string;
  /** Requests per second AWS allows. */
  perSecond: number;
}

/**
 * FilterLogEvents differs by region (CloudWatch Logs quotas: "FilterLogEvents throttle
 * limit in transactions per second").
 */
const FILTER_LOG_EVENTS_PER_SECOND: Record<string, number> = {
  "us-east-1": 25,
  "ap-northeast-3": 5,
  "ap-southeast-3": 5,
  "ca-west-1": 5,
  "eu-central-1": 5,
  "il-central-1": 5,
};

/**
 * The documented default quotas of the operations course-doctor calls (per account and
 * region; an account may have had adjustable ones raised, never lowered):
 *
 * - Lambda, "Lambda quotas" › "Lambda API requests"
 *   (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#api-requests):
 *   GetFunction 100 requests per second; GetPolicy 15 requests per second; "Remainder of
 *   the control plane API requests (excludes invocation, GetFunction, and GetPolicy
 *   requests): 15 requests per second across all APIs (not per API)".
 * - EventBridge, "Amazon EventBridge quotas"
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html): all
 *   EventBridge APIs other than PutEvents are limited to 50 requests per second by default;
 *   read here as one shared rate, the cautious reading. PutEvents (thousands a second,
 *   by region) is not paced.
 * - CloudWatch, "CloudWatch service quotas"
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html):
 *   GetMetricData 50 transactions per second; ListMetrics 25 transactions per second.
 * - CloudWatch Logs, "CloudWatch Logs quotas"
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html):
 *   DescribeLogGroups 10 per second; FilterLogEvents 25 per second in us-east-1, 5 in
 *   ap-northeast-3, ap-southeast-3, ca-west-1, eu-central-1 and il-central-1, 10 elsewhere;
 *   StartQuery 10; GetQueryResults 10; StartLiveTail 5; CreateLogGroup and DeleteLogGroup 10.
 */
export function quotaOf(service: ServiceName, operation: string, region: string): Quota | undefined {
  switch (service) {
    case "lambda":
      // Invocations have their own (concurrency) limits.
      if (operation === "Invoke" || operation === "InvokeAsync" || operation === "InvokeWithResponseStream") return undefined;
      if (operation === "GetFunction") return { id: "lambda:GetFunction", perSecond: 100 };
      if (operation === "GetPolicy") return { id: "lambda:GetPolicy", perSecond: 15 };
      return { id: "lambda:control-plane", perSecond: 15 };
    case "events":
      if (operation === "PutEvents" || operation === "PutPartnerEvents") return undefined;
      return { id: "events:api", perSecond: 50 };
    case "cloudwatch":
      if (operation === "GetMetricData") return { id: "cloudwatch:GetMetricData", perSecond: 50 };
      if (operation === "ListMetrics") return { id: "cloudwatch:ListMetrics", perSecond: 25 };
      return undefined;
    case "logs": {
      const perSecond: Record<string, number> = {
        DescribeLogGroups: 10,
        FilterLogEvents: FILTER_LOG_EVENTS_PER_SECOND[region] ?? 10,
        StartQuery: 10,
        GetQueryResults: 10,
        StartLiveTail: 5,
        CreateLogGroup: 10,
        DeleteLogGroup: 10,
      };
      const rate = perSecond[operation];
      return rate === undefined ? undefined : { id: `logs:${operation}`, perSecond: rate };
    }
    default:
      return undefined;
  }
}

/** How far one throttle lowers a bucket's rate, and the lowest share of its quota it goes to. */
const THROTTLE_FACTOR = 0.7;
const MIN_SHARE = 0.05;
/** Each success after a throttle gives back this share of the quota. */
const RECOVERY_SHARE = 0.05;

/** A token bucket for one quota in one account and region. */
export class TokenBucket {
  /** The current rate (requests per second): the quota, or less after throttles. */
  rate: number;
  /** Calls given a token so far. */
  granted = 0;
  /** Throttles that lowered the rate. */
  throttles = 0;
  private nextAt: number;
  private lastGrantAt: number | undefined;
  private cutAt = -Infinity;
  private readonly queue: Array<{ resolve: (sentAt: number) => void; reject: (reason: unknown) => void; signal: AbortSignal | undefined; onAbort: () => void }> = [];
  private draining = false;
  private wake: AbortController | undefined;

  constructor(
    readonly quota: Quota,
    private readonly timer: Timer,
  ) {
    this.rate = quota.perSecond;
    this.nextAt = timer.now();
  }

  /** Waits for a token (in call order); resolves with the time the call may be sent. */
  take(signal?: AbortSignal): Promise<number> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<number>((resolve, reject) => {
      const entry = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.queue.indexOf(entry);
          if (index >= 0) this.queue.splice(index, 1);
          if (this.queue.length === 0) this.wake?.abort();
          reject(signal?.reason);
        },
      };
      signal?.addEventListener("abort", entry.onAbort, { once: true });
      this.queue.push(entry);
      void this.drain();
    });
  }

  /**
   * A call sent at `sentAt` was throttled: lower the rate, unless the call went out before
   * the last cut (it reflects the old rate). `retryAfterMs` (the service's Retry-After) holds
   * the bucket back that long.
   */
  throttled(sentAt: number, retryAfterMs?: number): void {
    const now = this.timer.now();
    if (retryAfterMs !== undefined && retryAfterMs > 0) this.nextAt = Math.max(this.nextAt, now + retryAfterMs);
    if (sentAt < this.cutAt) return;
    this.cutAt = now;
    this.throttles++;
    this.rate = Math.max(this.quota.perSecond * MIN_SHARE, this.rate * THROTTLE_FACTOR);
    if (this.lastGrantAt !== undefined) this.nextAt = Math.max(this.nextAt, this.lastGrantAt + 1000 / this.rate);
  }

  /** A call succeeded: a throttled bucket climbs back towards its quota. */
  succeeded(): void {
    if (this.rate < this.quota.perSecond) this.rate = Math.min(this.quota.perSecond, this.rate + this.quota.perSecond * RECOVERY_SHARE);
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const now = this.timer.now();
        if (now < this.nextAt) {
          this.wake = new AbortController();
          // Woken early only when the queue empties (the waiters gave up): nothing to pace.
          await this.timer.sleep(this.nextAt - now, this.wake.signal).catch(() => undefined);
          continue;
        }
        const entry = this.queue.shift()!;
        entry.signal?.removeEventListener("abort", entry.onAbort);
        // No burst: an idle bucket does not save tokens up.
        this.lastGrantAt = now;
        this.nextAt = now + 1000 / this.rate;
        this.granted++;
        entry.resolve(now);
      }
    } finally {
      this.draining = false;
      this.wake = undefined;
    }
  }
}

/** The buckets of one run, by account scope, region and quota. */
export class RateLimits {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly timer: Timer = realTimer) {}

  /** The bucket an operation draws from in `scope` (an account) and `region`; undefined when it is not paced. */
  bucketFor(scope: string, region: string, service: ServiceName, operation: string): TokenBucket | undefined {
    const quota = quotaOf(service, operation, region);
    if (!quota) return undefined;
    const key = `${scope}|${region}|${quota.id}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(quota, this.timer);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Every bucket used so far (what --verbose reports). */
  all(): Array<{ key: string; bucket: TokenBucket }> {
    return [...this.buckets].map(([key, bucket]) => ({ key, bucket }));
  }
}
