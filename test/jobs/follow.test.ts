import { describe, expect, it } from "vitest";
import { resolveJobApi } from "../../src/jobs/api.js";
import type { JobClient } from "../../src/jobs/client.js";
import { followJob, pollPacing, type FollowUpdate } from "../../src/jobs/follow.js";
import { JobApiError } from "../../src/jobs/http.js";
import type { JobStatus } from "../../src/jobs/status.js";
import type { Timer } from "../../src/util/poll.js";

/** A virtual clock: sleeping advances time at once. */
class FakeTimer implements Timer {
  t = 1_000;
  sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.t += ms;
  }
}

function running(phase: string, progress: number | null = null): JobStatus {
  return { id: "c-1", status: "processing", state: "running", phase, progress, error: null, resultId: null, response: {} };
}
const completed: JobStatus = { id: "c-1", status: "completed", state: "completed", phase: "done", progress: 100, error: null, resultId: "course-9", response: {} };
const failed: JobStatus = { id: "c-1", status: "failed", state: "failed", phase: "outline", progress: null, error: "the model timed out", resultId: null, response: {} };

/** A client that answers from a script; the last entry repeats. Each read takes `latencyMs` of virtual time. */
function scriptedClient(timer: FakeTimer, script: Array<JobStatus | Error>, options: { reachable?: boolean; latencyMs?: number } = {}) {
  let calls = 0;
  const deadlines: Array<number | undefined> = [];
  const client: JobClient = {
    api: resolveJobApi({ urlFlag: "http://api.test", presetFlag: undefined, urlEnv: undefined, settings: undefined }),
    reachable: options.reachable ?? true,
    submit: async () => {
      throw new Error("not used");
    },
    status: async (_id, deadline) => {
      deadlines.push(deadline);
      const entry = script[Math.min(calls++, script.length - 1)]!;
      timer.t += options.latencyMs ?? 0;
      if (entry instanceof Error) throw entry;
      return entry;
    },
    result: async () => ({}),
    statusUrl: (id) => new URL(`http://api.test/course-status/${id}`),
    redact: (text) => text,
  };
  return { client, calls: () => calls, deadlines };
}

function follow(timer: FakeTimer, client: JobClient, extra: Partial<Parameters<typeof followJob>[2]> = {}) {
  const updates: FollowUpdate[] = [];
  const promise = followJob(client, "c-1", {
    intervalMs: 2_000,
    timeoutMs: 60_000,
    startedAt: timer.now(),
    signal: new AbortController().signal,
    timer,
    onUpdate: (update) => updates.push(update),
    ...extra,
  });
  return { promise, updates };
}

describe("followJob", () => {
  it("polls until completed, reporting each reading with the elapsed time", async () => {
    const timer = new FakeTimer();
    const { client } = scriptedClient(timer, [running("searching_books", 10), running("writing", 50), completed]);
    const { promise, updates } = follow(timer, client);
    const result = await promise;
    expect(result.outcome).toBe("completed");
    expect(result.last).toBe(completed);
    expect(updates.map((update) => update.status?.phase)).toEqual(["searching_books", "writing", "done"]);
    expect(updates.map((update) => update.elapsedMs)).toEqual([0, 2_000, 4_400]);
    expect(timer.sleeps).toEqual([2_000, 2_400]);
  });

  it("backs off by a fifth per poll up to four times the interval", async () => {
    const timer = new FakeTimer();
    const { client } = scriptedClient(timer, [...Array.from({ length: 12 }, () => running("a")), completed]);
    await follow(timer, client).promise;
    expect(timer.sleeps.slice(0, 4)).toEqual([2_000, 2_400, 2_880, 3_456]);
    expect(Math.max(...timer.sleeps)).toBe(8_000);
    expect(pollPacing(20)).toEqual({ backoff: 1.2, maxIntervalMs: 80 });
    expect(pollPacing(10_000).maxIntervalMs).toBe(15_000);
    expect(pollPacing(60_000).maxIntervalMs).toBe(60_000);
  });

  it("a failed job ends the wait with outcome failed", async () => {
    const timer = new FakeTimer();
    const { client } = scriptedClient(timer, [running("a"), failed]);
    expect((await follow(timer, client).promise).outcome).toBe("failed");
  });

  it("stops at the deadline (counted from the submit) with timed_out and the last reading", async () => {
    const timer = new FakeTimer();
    const startedAt = timer.now();
    timer.t += 3_000; // the submit answered 3s before the wait began
    const { client, deadlines } = scriptedClient(timer, [running("searching_books", 0)]);
    const result = await follow(timer, client, { startedAt, timeoutMs: 10_000 }).promise;
    expect(result.outcome).toBe("timed_out");
    expect(result.last?.phase).toBe("searching_books");
    expect(timer.now() - startedAt).toBe(10_000);
    expect(deadlines.every((deadline) => deadline === startedAt + 10_000)).toBe(true);
  });

  it("rides out transient read failures once the API has answered, honouring Retry-After", async () => {
    const timer = new FakeTimer();
    const throttled = new JobApiError("throttled", "HTTP 429", { status: 429, retryAfterMs: 7_000 });
    const { client } = scriptedClient(timer, [running("a"), throttled, new JobApiError("not-json", "an HTML page"), completed]);
    const { promise, updates } = follow(timer, client);
    const result = await promise;
    expect(result.outcome).toBe("completed");
    expect(timer.sleeps).toEqual([2_000, 7_000, 2_880]);
    expect(updates.map((update) => update.problem)).toEqual([undefined, "HTTP 429", "an HTML page", undefined]);
    // The last good reading stays on show while reads fail.
    expect(updates[1]!.status?.phase).toBe("a");
  });

  it("ends at once on a refused token, an unknown id, or a malformed answer", async () => {
    for (const error of [
      new JobApiError("auth", "token missing or rejected"),
      new JobApiError("not-found", 'unknown job id "c-1"'),
      new JobApiError("malformed", 'no "status" field'),
    ]) {
      const timer = new FakeTimer();
      const { client, calls } = scriptedClient(timer, [running("a"), error]);
      await expect(follow(timer, client).promise).rejects.toBe(error);
      expect(calls()).toBe(2);
    }
  });

  it("an API that never answered at all is unreachable: the first failure ends the wait", async () => {
    const timer = new FakeTimer();
    const refused = new JobApiError("unreachable", "cannot reach the job API: connection refused");
    const { client } = scriptedClient(timer, [refused], { reachable: false });
    await expect(follow(timer, client).promise).rejects.toBe(refused);
  });

  it("an aborted signal ends the wait with interrupted", async () => {
    const timer = new FakeTimer();
    const controller = new AbortController();
    const { client } = scriptedClient(timer, [running("a")]);
    let polls = 0;
    const { promise } = follow(timer, client, {
      signal: controller.signal,
      onUpdate: () => {
        if (++polls === 3) controller.abort();
      },
    });
    const result = await promise;
    expect(result.outcome).toBe("interrupted");
    expect(result.last?.phase).toBe("a");
  });

  describe("the stuck watch", () => {
    it("fires once when the first state has lasted stuck-after, and stops when told to", async () => {
      const timer = new FakeTimer();
      const { client } = scriptedClient(timer, [running("searching_books", 0)]);
      const fired: number[] = [];
      const result = await follow(timer, client, {
        intervalMs: 1_000,
        stuck: {
          afterMs: 5_000,
          onStuck: async (_status, elapsedMs) => {
            fired.push(elapsedMs);
            return "stop";
          },
        },
      }).promise;
      expect(result.outcome).toBe("stuck");
      expect(fired).toHaveLength(1);
      expect(fired[0]).toBeGreaterThanOrEqual(5_000);
      expect(fired[0]).toBeLessThan(5_000 + 4_000);
      expect(result.stuck?.status.phase).toBe("searching_books");
    });

    it("keeps waiting after it fired when told to continue, and fires only once", async () => {
      const timer = new FakeTimer();
      const { client } = scriptedClient(timer, [...Array.from({ length: 10 }, () => running("searching_books")), completed]);
      let fired = 0;
      const result = await follow(timer, client, {
        intervalMs: 1_000,
        stuck: {
          afterMs: 2_000,
          onStuck: async () => {
            fired++;
            return "continue";
          },
        },
      }).promise;
      expect(result.outcome).toBe("completed");
      expect(fired).toBe(1);
      expect(result.stuck).toBeDefined();
    });

    it("does not fire when the job moved: another phase or more progress", async () => {
      for (const script of [
        [running("searching_books"), running("writing")],
        [running("searching_books", 10), running("searching_books", 20)],
      ]) {
        const timer = new FakeTimer();
        const { client } = scriptedClient(timer, script);
        let fired = 0;
        const result = await follow(timer, client, {
          timeoutMs: 30_000,
          stuck: {
            afterMs: 5_000,
            onStuck: async () => {
              fired++;
              return "stop";
            },
          },
        }).promise;
        expect(fired).toBe(0);
        expect(result.outcome).toBe("timed_out");
      }
    });
  });
});
