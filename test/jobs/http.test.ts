import { describe, expect, it } from "vitest";
import { InterruptedError } from "../../src/errors.js";
import { JobApiError, JobHttp, retryAfterMs, type JobHttpOptions } from "../../src/jobs/http.js";
import type { Timer } from "../../src/util/poll.js";

class FakeTimer implements Timer {
  t = 0;
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

type Answer = Response | Error;

/** A fetch that answers from a script (the last entry repeats) and records each request. */
function scriptedFetch(script: Array<Answer | (() => Answer)>) {
  const requests: Array<{ method: string; url: string; headers: Record<string, string>; body: unknown }> = [];
  const fetch = (async (input: URL, init: RequestInit) => {
    requests.push({ method: init.method ?? "GET", url: String(input), headers: init.headers as Record<string, string>, body: init.body });
    const entry = script[Math.min(requests.length - 1, script.length - 1)]!;
    const answer = typeof entry === "function" ? entry() : entry;
    if (answer instanceof Error) throw answer;
    return answer.clone();
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const html = (status = 200) => new Response("<html><head><title>502 Bad Gateway</title></head></html>", { status, headers: { "content-type": "text/html" } });
const refused = () => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }) });
const reset = () => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) });

function http(fetch: typeof globalThis.fetch, options: Partial<JobHttpOptions> = {}) {
  const timer = new FakeTimer();
  const debug: string[] = [];
  const client = new JobHttp({ token: "tok-SECRET-42", requestTimeoutMs: 30_000, signal: new AbortController().signal, debug: (line) => debug.push(line), fetch, timer, random: () => 0.5, ...options });
  return { client, timer, debug };
}

const url = new URL("http://api.test/dev/course-status/c-1");

describe("JobHttp.read", () => {
  it("sends the token as a bearer token and asks for JSON", async () => {
    const { fetch, requests } = scriptedFetch([json({ status: "processing" })]);
    const answer = await http(fetch).client.read(url, "the status");
    expect(answer.body).toEqual({ status: "processing" });
    expect(requests[0]!.headers).toMatchObject({ authorization: "Bearer tok-SECRET-42", accept: "application/json" });
  });

  it("retries 5xx, 429 and HTML pages with growing, jittered waits, honouring Retry-After", async () => {
    const { fetch, requests } = scriptedFetch([json({}, 503), json({}, 429, { "retry-after": "3" }), html(), json({ status: "ok" })]);
    const { client, timer } = http(fetch);
    const answer = await client.read(url, "the status");
    expect(answer.body).toEqual({ status: "ok" });
    expect(requests).toHaveLength(4);
    // Equal jitter with random 0.5: three quarters of 250ms, 500ms, 1s; the 429's Retry-After wins.
    expect(timer.sleeps).toEqual([188, 3_000, 750]);
  });

  it("gives up after five attempts with the last failure and the count", async () => {
    const { fetch, requests } = scriptedFetch([json({ message: "Service Unavailable" }, 503)]);
    const error = await http(fetch).client.read(url, "the status of job c-1").catch((e: unknown) => e);
    expect(requests).toHaveLength(5);
    expect(error).toBeInstanceOf(JobApiError);
    expect((error as JobApiError).message).toBe("could not read the status of job c-1: HTTP 503 from GET http://api.test/dev/course-status/c-1: Service Unavailable (5 attempts)");
    expect((error as JobApiError).exitCode).toBe(2);
  });

  it("never sleeps past the deadline", async () => {
    const { fetch, requests } = scriptedFetch([json({}, 429, { "retry-after": "120" })]);
    const { client, timer } = http(fetch);
    const error = (await client.read(url, "the status", 10_000).catch((e: unknown) => e)) as JobApiError;
    expect(requests).toHaveLength(1);
    expect(timer.sleeps).toEqual([]);
    expect(error.message).toContain("the API asked to retry after 2m 00s");
    expect(error.retryAfterMs).toBe(120_000);
  });

  it("does not retry what another try cannot fix: 401/403, 404, other 4xx", async () => {
    for (const [status, kind] of [
      [401, "auth"],
      [403, "auth"],
      [404, "not-found"],
      [400, "rejected"],
    ] as const) {
      const { fetch, requests } = scriptedFetch([json({ message: "nope" }, status)]);
      const error = (await http(fetch).client.read(url, "x").catch((e: unknown) => e)) as JobApiError;
      expect(error.kind).toBe(kind);
      expect(requests).toHaveLength(1);
    }
  });

  it("says the token is missing or rejected, and how to give one", async () => {
    const { fetch } = scriptedFetch([json({ message: "Unauthorized" }, 401)]);
    const withToken = (await http(fetch).client.read(url, "x").catch((e: unknown) => e)) as JobApiError;
    expect(withToken.message).toBe("token missing or rejected (HTTP 401 from GET http://api.test/dev/course-status/c-1: Unauthorized)");
    expect(withToken.hint).toContain("not expired");
    const withoutToken = (await http(fetch, { token: undefined }).client.read(url, "x").catch((e: unknown) => e)) as JobApiError;
    expect(withoutToken.hint).toBe("pass a bearer token with --token or COURSE_DOCTOR_TOKEN");
  });

  it("keeps the token out of messages even when the API echoes it", async () => {
    const { fetch } = scriptedFetch([json({ message: "token tok-SECRET-42 expired" }, 403)]);
    const error = (await http(fetch).client.read(url, "x").catch((e: unknown) => e)) as JobApiError;
    expect(error.message).toContain("token *** expired");
    expect(error.message).not.toContain("tok-SECRET-42");
  });

  it("words a gateway's HTML page and a body that only repeats the status", async () => {
    const { fetch } = scriptedFetch([html(), new Response("HTTP 429", { status: 429 })]);
    const page = (await http(fetch, { readAttempts: 1 }).client.read(url, "x").catch((e: unknown) => e)) as JobApiError;
    expect(page.message).toBe(
      'could not read x: GET http://api.test/dev/course-status/c-1 answered HTTP 200 with an HTML page ("502 Bad Gateway") instead of JSON (a gateway or proxy error page?) (1 attempt)',
    );
    const { fetch: throttled } = scriptedFetch([new Response("HTTP 429", { status: 429 })]);
    const bare = (await http(throttled, { readAttempts: 1 }).client.read(url, "x").catch((e: unknown) => e)) as JobApiError;
    expect(bare.message).toBe("could not read x: HTTP 429 from GET http://api.test/dev/course-status/c-1 (1 attempt)");
  });

  it("names an unreachable API by its origin", async () => {
    const { fetch } = scriptedFetch([refused()]);
    const error = (await http(fetch, { readAttempts: 2 }).client.read(url, "x").catch((e: unknown) => e)) as JobApiError;
    expect(error.kind).toBe("unreachable");
    expect(error.message).toBe("could not read x: cannot reach the job API at http://api.test: connection refused (2 attempts)");
  });

  it("a request that does not answer in time is a timeout (retried)", async () => {
    const hanging = ((_input: URL, init: RequestInit) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))))) as unknown as typeof fetch;
    const error = (await http(hanging, { requestTimeoutMs: 30, readAttempts: 2 }).client.read(url, "x").catch((e: unknown) => e)) as JobApiError;
    expect(error.kind).toBe("timeout");
    expect(error.message).toContain("no answer from GET http://api.test/dev/course-status/c-1 within 30ms");
  });

  it("Ctrl-C during a request is an interruption, not a network error", async () => {
    const controller = new AbortController();
    const hanging = ((_input: URL, init: RequestInit) =>
      new Promise((_resolve, reject) => {
        init.signal!.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        setTimeout(() => controller.abort(), 5);
      })) as unknown as typeof fetch;
    const error = await http(hanging, { signal: controller.signal }).client.read(url, "x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
  });
});

describe("JobHttp.send (a submit)", () => {
  const submitUrl = new URL("http://api.test/dev/courses");

  it("is sent once on a 500, with the API's words and why it was not re-sent", async () => {
    const { fetch, requests } = scriptedFetch([json({ message: "Internal server error" }, 500)]);
    const error = (await http(fetch).client.send("POST", submitUrl, { query: "x" }).catch((e: unknown) => e)) as JobApiError;
    expect(requests).toHaveLength(1);
    expect(error.message).toBe("the API failed to submit the job: HTTP 500 from POST http://api.test/dev/courses: Internal server error");
    expect(error.hint).toContain("not re-sent");
    expect(error.exitCode).toBe(2);
  });

  it("is sent once when the connection drops: the outcome is unknown", async () => {
    const { fetch, requests } = scriptedFetch([reset(), json({ course_id: "c-2" }, 202)]);
    const error = (await http(fetch).client.send("POST", submitUrl, {}).catch((e: unknown) => e)) as JobApiError;
    expect(requests).toHaveLength(1);
    expect(error.kind).toBe("unknown-outcome");
    expect(error.message).toBe("the submit's outcome is unknown: POST http://api.test/dev/courses: the connection closed before the answer was complete");
  });

  it("is sent once when it times out: the outcome is unknown", async () => {
    const hanging = ((_input: URL, init: RequestInit) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))))) as unknown as typeof fetch;
    const error = (await http(hanging, { requestTimeoutMs: 20 }).client.send("POST", submitUrl, {}).catch((e: unknown) => e)) as JobApiError;
    expect(error.kind).toBe("unknown-outcome");
    expect(error.message).toContain("within 20ms");
  });

  it("a refused connection sent nothing: it says so", async () => {
    const { fetch, requests } = scriptedFetch([refused()]);
    const error = (await http(fetch).client.send("POST", submitUrl, {}).catch((e: unknown) => e)) as JobApiError;
    expect(requests).toHaveLength(1);
    expect(error.message).toBe("cannot reach the job API at http://api.test: connection refused; nothing was submitted");
  });

  it("a 429 (not taken) is sent again after Retry-After, at most three times in all", async () => {
    const { fetch, requests } = scriptedFetch([json({}, 429, { "retry-after": "2" })]);
    const { client, timer } = http(fetch);
    const error = (await client.send("POST", submitUrl, {}).catch((e: unknown) => e)) as JobApiError;
    expect(requests).toHaveLength(3);
    expect(timer.sleeps).toEqual([2_000, 2_000]);
    expect(error.message).toContain("the API kept throttling the submit");
    expect(error.message).toContain("nothing was submitted");
  });

  it("a 400 is the API rejecting the job", async () => {
    const { fetch } = scriptedFetch([json({ detail: "hours must be at most 40" }, 422)]);
    const error = (await http(fetch).client.send("POST", submitUrl, {}).catch((e: unknown) => e)) as JobApiError;
    expect(error.message).toBe("the API rejected the job: HTTP 422 from POST http://api.test/dev/courses: hours must be at most 40");
  });
});

describe("retryAfterMs", () => {
  it.each([
    ["2", 2_000],
    ["0", 0],
    ["1.5", 1_500],
    ["", undefined],
    ["soon", undefined],
  ])("%j → %j", (header, expected) => {
    expect(retryAfterMs(header)).toBe(expected);
  });

  it("reads an HTTP date", () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const ms = retryAfterMs(inTenSeconds)!;
    expect(ms).toBeGreaterThan(8_000);
    expect(ms).toBeLessThanOrEqual(10_000);
    expect(retryAfterMs(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
