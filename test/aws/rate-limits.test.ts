/**
 * The token buckets behind Aws.call, on a clock the test moves: one bucket per AWS quota
 * (shared by the operations the quota covers), no burst at the start, and a throttle that
 * slows only the bucket whose quota was exceeded — also through Aws.call, with a Lambda
 * client mocked to throttle GetPolicy.
 */
import { GetFunctionCommand, GetPolicyCommand, LambdaClient, TooManyRequestsException } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { Aws } from "../../src/aws/clients.js";
import { quotaOf, RateLimits } from "../../src/aws/rate-limits.js";
import { LambdaService } from "../../src/aws/services/lambda.js";
import type { Timer } from "../../src/util/poll.js";

/** A clock that moves only when the test says so. */
class ManualTimer implements Timer {
  private time = 1_000_000;
  private sleeping: Array<{ at: number; resolve: () => void }> = [];
  now(): number {
    return this.time;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = { at: this.time + ms, resolve };
      this.sleeping.push(entry);
      signal?.addEventListener("abort", () => {
        this.sleeping = this.sleeping.filter((s) => s !== entry);
        reject(signal.reason);
      });
    });
  }
  /** Moves the clock, waking every sleeper due on the way (in time order). */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const due = this.sleeping.filter((s) => s.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.time = due.at;
      this.sleeping = this.sleeping.filter((s) => s !== due);
      due.resolve();
    }
    this.time = end;
    await settle();
  }
}

/** Lets every pending promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

/** The times (relative to `start`) at which `count` calls to the bucket got their token. */
async function grants(limits: RateLimits, timer: ManualTimer, operation: string, count: number, step = 10): Promise<number[]> {
  const start = timer.now();
  const bucket = limits.bucketFor("caller", "us-east-1", "lambda", operation)!;
  const times: number[] = [];
  const all = Array.from({ length: count }, () => bucket.take().then((at) => times.push(at - start)));
  while (times.length < count) await timer.advance(step);
  await Promise.all(all);
  return times;
}

describe("the quotas the buckets follow", () => {
  it("Lambda: GetFunction and GetPolicy have their own, every other control-plane call shares one; invocations are not paced", () => {
    expect(quotaOf("lambda", "GetFunction", "us-east-1")).toEqual({ id: "lambda:GetFunction", perSecond: 100 });
    expect(quotaOf("lambda", "GetPolicy", "us-east-1")).toEqual({ id: "lambda:GetPolicy", perSecond: 15 });
    for (const operation of ["GetFunctionEventInvokeConfig", "ListFunctions", "GetFunctionConfiguration", "GetFunctionConcurrency"]) {
      expect(quotaOf("lambda", operation, "us-east-1")).toEqual({ id: "lambda:control-plane", perSecond: 15 });
    }
    expect(quotaOf("lambda", "Invoke", "us-east-1")).toBeUndefined();
  });

  it("EventBridge shares 50 a second but for PutEvents; CloudWatch and CloudWatch Logs per operation, FilterLogEvents by region", () => {
    expect(quotaOf("events", "ListTargetsByRule", "us-east-1")).toEqual(quotaOf("events", "DescribeRule", "eu-west-1"));
    expect(quotaOf("events", "ListRules", "us-east-1")?.perSecond).toBe(50);
    expect(quotaOf("events", "PutEvents", "us-east-1")).toBeUndefined();
    expect(quotaOf("cloudwatch", "GetMetricData", "us-east-1")?.perSecond).toBe(50);
    expect(quotaOf("cloudwatch", "ListMetrics", "us-east-1")?.perSecond).toBe(25);
    expect(quotaOf("logs", "FilterLogEvents", "us-east-1")?.perSecond).toBe(25);
    expect(quotaOf("logs", "FilterLogEvents", "eu-central-1")?.perSecond).toBe(5);
    expect(quotaOf("logs", "FilterLogEvents", "eu-west-1")?.perSecond).toBe(10);
    expect(quotaOf("iam", "GetRole", "us-east-1")).toBeUndefined();
  });

  it("one bucket per quota, account scope and region", () => {
    const limits = new RateLimits(new ManualTimer());
    const invokeConfig = limits.bucketFor("caller", "us-east-1", "lambda", "GetFunctionEventInvokeConfig");
    expect(limits.bucketFor("caller", "us-east-1", "lambda", "ListFunctions")).toBe(invokeConfig);
    expect(limits.bucketFor("caller", "us-east-1", "lambda", "GetPolicy")).not.toBe(invokeConfig);
    expect(limits.bucketFor("caller", "eu-west-1", "lambda", "ListFunctions")).not.toBe(invokeConfig);
    expect(limits.bucketFor("account:210987654321", "us-east-1", "lambda", "ListFunctions")).not.toBe(invokeConfig);
    expect(limits.bucketFor("caller", "us-east-1", "sts", "GetCallerIdentity")).toBeUndefined();
  });
});

describe("a token bucket", () => {
  it("starts without a burst: the first call at once, then one every 1/rate", async () => {
    const timer = new ManualTimer();
    const times = await grants(new RateLimits(timer), timer, "GetPolicy", 4, 1);
    expect(times.map(Math.round)).toEqual([0, 67, 133, 200]);
  });

  it("saves no tokens while idle: after a pause the calls are paced again", async () => {
    const timer = new ManualTimer();
    const limits = new RateLimits(timer);
    await grants(limits, timer, "GetPolicy", 1);
    await timer.advance(5_000);
    expect((await grants(limits, timer, "GetPolicy", 3, 1)).map(Math.round)).toEqual([0, 67, 133]);
  });

  it("a throttle slows its own bucket; a throttle of a call sent before that cut does not cut again; successes climb back to the quota", async () => {
    const timer = new ManualTimer();
    const limits = new RateLimits(timer);
    const policy = limits.bucketFor("caller", "us-east-1", "lambda", "GetPolicy")!;
    const [first, second] = await grants(limits, timer, "GetPolicy", 2);
    policy.throttled(timer.now() - 100 + first!);
    expect(policy.rate).toBeCloseTo(10.5);
    policy.throttled(timer.now() - 100 + second!);
    expect(policy.rate).toBeCloseTo(10.5);
    expect(policy.throttles).toBe(1);
    for (let i = 0; i < 20; i++) policy.succeeded();
    expect(policy.rate).toBe(15);
  });

  it("a Retry-After holds the bucket back that long", async () => {
    const timer = new ManualTimer();
    const limits = new RateLimits(timer);
    const policy = limits.bucketFor("caller", "us-east-1", "lambda", "GetPolicy")!;
    await policy.take();
    policy.throttled(timer.now(), 1_000);
    const start = timer.now();
    let at = 0;
    void policy.take().then((t) => (at = t - start));
    await timer.advance(999);
    expect(at).toBe(0);
    await timer.advance(1);
    expect(at).toBe(1_000);
  });

  it("a caller that gives up leaves the queue: the next one gets its token", async () => {
    const timer = new ManualTimer();
    const policy = new RateLimits(timer).bucketFor("caller", "us-east-1", "lambda", "GetPolicy")!;
    await policy.take();
    const gone = new AbortController();
    const abandoned = policy.take(gone.signal);
    const next = policy.take();
    gone.abort(new Error("deadline"));
    await expect(abandoned).rejects.toThrow("deadline");
    const start = timer.now();
    await timer.advance(70);
    expect(Math.round((await next) - start)).toBe(67);
  });
});

describe("Aws.call with a throttled GetPolicy", () => {
  const lambda = mockClient(LambdaClient);
  afterEach(() => lambda.reset());

  it("retries GetPolicy once its slowed bucket allows, while GetFunction goes on at its own pace", async () => {
    // Aws.call loads the SDK's error classification on a first failure; loaded here, the
    // fake clock's steps are not raced by module loading.
    await import("@smithy/core/retry");
    const throttle = new TooManyRequestsException({ message: "Rate exceeded", $metadata: { httpStatusCode: 429 }, Reason: "CallerRateLimitExceeded" });
    lambda.on(GetPolicyCommand).rejectsOnce(throttle).resolves({ Policy: '{"Statement":[]}' });
    lambda.on(GetFunctionCommand).resolves({ Configuration: { FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:f" } });
    const timer = new ManualTimer();
    const rateLimits = new RateLimits(timer);
    const aws = new Aws({ region: "us-east-1", timeoutMs: 60_000, env: {}, rateLimits, clients: { lambda: new LambdaClient({ region: "us-east-1" }) } });
    try {
      const service = new LambdaService(aws);
      let policyDone = false;
      const policy = service.getPolicy("f").then((out) => ((policyDone = true), out));
      await timer.advance(0);
      // GetPolicy was throttled and waits for its slowed bucket (~95 ms); GetFunction's
      // bucket is untouched: five calls at 100 a second take 40 ms.
      let functionsDone = 0;
      const functions = Array.from({ length: 5 }, () => service.getFunction("f").then(() => functionsDone++));
      await timer.advance(40);
      expect(functionsDone).toBe(5);
      expect(policyDone).toBe(false);
      await Promise.all(functions);
      const policyBucket = rateLimits.bucketFor("caller", "us-east-1", "lambda", "GetPolicy")!;
      const functionBucket = rateLimits.bucketFor("caller", "us-east-1", "lambda", "GetFunction")!;
      expect(policyBucket.throttles).toBe(1);
      expect(policyBucket.rate).toBeLessThan(15);
      expect(functionBucket.throttles).toBe(0);
      expect(functionBucket.rate).toBe(100);
      await timer.advance(100);
      expect(await policy).toMatchObject({ policy: '{"Statement":[]}' });
      expect(lambda.commandCalls(GetPolicyCommand)).toHaveLength(2);
    } finally {
      aws.destroy();
    }
  });
});
