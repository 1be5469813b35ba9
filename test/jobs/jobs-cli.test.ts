import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBin, runCli } from "../helpers/cli.js";
import { startFakeApi, type FakeApi } from "./fake-api.js";
import { dirWithConfig, emptyDir, SECRET_TOKEN, startCli } from "./helpers.js";

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(async () => {
  await api?.close();
});

const fast = ["--interval", "20ms"];

function submitArgs(query: string, ...more: string[]): string[] {
  return ["jobs", "submit", "--api-url", api.url, "--query", query, ...more];
}

function postsFor(query: string): number {
  return api.requests.filter((request) => request.method === "POST" && request.body.includes(`"${query}"`)).length;
}

describe("jobs submit --wait against the course API", () => {
  it("follows a job through its phases to completion: exit 0, one line per change, the course id", async () => {
    const result = await runCli(submitArgs("complete-1", "--hours", "4", "--preferences", '{"level":"beginner"}', "--wait", ...fast), { cwd: emptyDir() });
    expect(result.code).toBe(0);
    const id = /job (c-\d+) submitted/.exec(result.stdout)?.[1];
    expect(id).toBeDefined();
    expect(result.stdout).toMatch(new RegExp(`✔ job ${id} completed in`));
    expect(result.stdout).toContain("result id: course-final-");
    expect(result.stdout).toContain(`course-doctor jobs result ${id} --api-url ${api.url}`);
    // Plain (non-TTY) progress: one line per change, in order, no escape codes.
    const lines = result.stderr.trim().split("\n");
    const phases = lines.map((line) => /processing · (\w+)|completed · done/.exec(line)?.[0]).filter(Boolean);
    expect(phases).toEqual(["processing · searching_books", "processing · writing_chapters", "processing · reviewing", "completed · done"]);
    expect(result.stderr).not.toContain("\x1b[");
    const sent = JSON.parse(api.requests.find((request) => request.body.includes("complete-1"))!.body);
    expect(sent).toEqual({ query: "complete-1", hours: 4, preferences: { level: "beginner" } });
  });

  it("prints the id the moment the submit answers, before the first status poll", async () => {
    let stdoutAtFirstPoll: string | undefined;
    const run = startCli(submitArgs("complete-early", "--wait", ...fast));
    api.onStatus = (_id, n) => {
      if (n === 1) stdoutAtFirstPoll ??= run.stdout.text();
    };
    const result = await run.done;
    api.onStatus = undefined;
    expect(result.code).toBe(0);
    expect(stdoutAtFirstPoll).toMatch(/^job c-\d+ submitted \(processing\)\n$/);
  });

  it("in JSON mode prints the id on stderr at once and one JSON document on stdout", async () => {
    let stderrAtFirstPoll: string | undefined;
    let stdoutAtFirstPoll: string | undefined;
    const run = startCli(["--format", "json", ...submitArgs("complete-json", "--wait", ...fast)]);
    api.onStatus = (_id, n) => {
      if (n === 1 && stderrAtFirstPoll === undefined) {
        stderrAtFirstPoll = run.stderr.text();
        stdoutAtFirstPoll = run.stdout.text();
      }
    };
    const result = await run.done;
    api.onStatus = undefined;
    expect(result.code).toBe(0);
    expect(stdoutAtFirstPoll).toBe("");
    expect(stderrAtFirstPoll).toMatch(/job c-\d+ submitted/);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ status: "completed", phase: "done", progress: 100, outcome: "completed", error: null, api: "courses" });
    expect(document.id).toMatch(/^c-\d+$/);
    expect(document.resultId).toMatch(/^course-final-/);
    expect(typeof document.elapsedMs).toBe("number");
    expect(document.statusUrl).toBe(`${api.url}/course-status/${document.id}`);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("reports a failed job with the API's error text, exit 1", async () => {
    const result = await runCli(submitArgs("fail", "--wait", ...fast));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✖ job c-\d+ failed after .* \(failed · generating_outline\)/);
    expect(result.stdout).toContain("error: the model timed out");
  });

  it("times out with exit 3, the id and the command to resume", async () => {
    const result = await runCli(["--timeout", "300ms", ...submitArgs("never", "--wait", ...fast)]);
    expect(result.code).toBe(3);
    const id = /job (c-\d+) submitted/.exec(result.stdout)![1];
    expect(result.stderr).toContain(`job ${id} did not finish within 300ms (last seen processing · searching_books 0%)`);
    expect(result.stderr).toContain(`resume with: course-doctor jobs status ${id} --wait --api-url ${api.url} --interval 20ms --timeout 300ms`);
  });

  it("a job still queued at the timeout points at the pipeline: course-doctor check", async () => {
    const result = await runCli(["--timeout", "300ms", "jobs", "submit", "--api", "ingestor", "--api-url", api.url, "--body", '{"scenario":"never","files":["a.pdf"]}', "--wait", ...fast]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('still "queued": when the job\'s event never reaches the worker, course-doctor check finds where it stops');
    const moving = await runCli(["--timeout", "300ms", ...submitArgs("never", "--wait", ...fast)]);
    expect(moving.code).toBe(3);
    expect(moving.stderr).not.toContain("course-doctor check");
  });

  it("Ctrl-C stops following: exit 130, the job keeps running, the resume hint", async () => {
    const controller = new AbortController();
    api.onStatus = (_id, n) => {
      if (n === 2) controller.abort();
    };
    const result = await runCli(submitArgs("never", "--wait", ...fast), { interrupt: controller.signal });
    api.onStatus = undefined;
    expect(result.code).toBe(130);
    const id = /job (c-\d+) submitted/.exec(result.stdout)![1];
    expect(result.stderr).toMatch(new RegExp(`stopped following job ${id} after .*; it keeps running`));
    expect(result.stderr).toContain(`resume with: course-doctor jobs status ${id} --wait --api-url ${api.url}`);
  });

  it("rides out 429 with Retry-After, 503s and a gateway HTML page", async () => {
    const result = await runCli(["--verbose", ...submitArgs("flaky", "--wait", ...fast)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✔ job c-\d+ completed/);
    expect(result.stderr).toMatch(/→ 429/);
    expect(result.stderr).toMatch(/→ 503/);
    expect(result.stderr).toMatch(/an HTML page \("502 Bad Gateway"\)|→ 200/);
    // Retry-After: 1 was honoured: the read after the 429 came at least a second later.
    const id = /job (c-\d+) submitted/.exec(result.stdout)![1];
    const polls = api.requests.filter((request) => request.path.endsWith(`/course-status/${id}`));
    expect(polls[1]!.at - polls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("shows a live line with a progress bar and elapsed time on a terminal", async () => {
    const result = await runCli(submitArgs("complete-tty", "--wait", ...fast), { tty: true, env: { TERM: "xterm" } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("\r\x1b[2K");
    expect(result.stderr).toMatch(/writing_chapters.*█+░+.*50%/);
    expect(result.stderr).toMatch(/\d+ms|\d\.\ds/);
  });

  it("prints no live line in CI even on a terminal", async () => {
    const result = await runCli(submitArgs("complete-ci", "--wait", ...fast), { tty: true, env: { CI: "true", NO_COLOR: "1" } });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("\r");
    expect(result.stderr).toContain("processing · writing_chapters 50%");
  });
});

describe("jobs submit: a submit is sent once", () => {
  it("a 500 on submit: exit 2, the API's message, sent exactly once", async () => {
    const result = await runCli(submitArgs("submit-500", "--wait", ...fast));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the API failed to submit the job: HTTP 500 from POST");
    expect(result.stderr).toContain("Internal server error");
    expect(result.stderr).toContain("not re-sent");
    expect(postsFor("submit-500")).toBe(1);
  });

  it("a connection closed after the submit was sent: outcome unknown, exit 2, never re-sent", async () => {
    const result = await runCli(submitArgs("submit-drop", "--wait", ...fast));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the submit's outcome is unknown");
    expect(result.stderr).toContain("never re-sends a submit");
    expect(postsFor("submit-drop")).toBe(1);
  });

  it("a 200 HTML page as the submit's answer: exit 2, the job may exist", async () => {
    const result = await runCli(submitArgs("submit-html"));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/answered the submit with HTTP 200 but an HTML page/);
    expect(postsFor("submit-html")).toBe(1);
  });

  it("a 429 on submit (the API did not take it) is sent again after Retry-After", async () => {
    const result = await runCli(submitArgs("submit-429"));
    expect(result.code).toBe(0);
    expect(postsFor("submit-429")).toBe(2);
    expect(result.stdout).toMatch(/job c-\d+ submitted/);
  });

  it("submit without --wait prints the id and how to follow it", async () => {
    const result = await runCli(submitArgs("complete-nowait"));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^job c-\d+ submitted \(processing\)\n$/);
    expect(result.stderr).toMatch(/follow it with: course-doctor jobs status c-\d+ --wait --api-url/);
  });
});

describe("jobs status and jobs result", () => {
  async function submitted(query: string): Promise<string> {
    const result = await runCli(["--format", "json", ...submitArgs(query)]);
    return JSON.parse(result.stdout).id as string;
  }

  it("status prints one reading; --wait follows it to the end", async () => {
    const id = await submitted("complete-status");
    const once = await runCli(["jobs", "status", id, "--api-url", api.url]);
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(/^job\s+c-\d+\nstatus\s+processing\s+\(running\)\nphase\s+searching_books\nprogress\s+10%/);
    const waited = await runCli(["--format", "json", "jobs", "status", id, "--api-url", api.url, "--wait", ...fast]);
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({ id, status: "completed", outcome: "completed" });
  });

  it("status of an unknown id: exit 2, says the id is unknown", async () => {
    const result = await runCli(["jobs", "status", "c-does-not-exist", "--api-url", api.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown job id "c-does-not-exist"');
  });

  it("result reads the finished course by the final course id; --out writes it", async () => {
    const id = await submitted("complete-result");
    await runCli(["jobs", "status", id, "--api-url", api.url, "--wait", ...fast]);
    const printed = await runCli(["jobs", "result", id, "--api-url", api.url]);
    expect(printed.code).toBe(0);
    const course = JSON.parse(printed.stdout);
    expect(course).toMatchObject({ title: "A course about complete-result" });
    expect(api.requests.some((request) => request.path === `/dev/course?courseId=${course.course_id}`)).toBe(true);
    const dir = emptyDir();
    const written = await runCli(["jobs", "result", id, "--api-url", api.url, "--out", "course.json"], { cwd: dir });
    expect(written.code).toBe(0);
    expect(written.stdout).toBe("");
    expect(JSON.parse(readFileSync(join(dir, "course.json"), "utf8"))).toEqual(course);
  });

  it("result of a running job: exit 1 and how to wait for it", async () => {
    const id = await submitted("never");
    const result = await runCli(["jobs", "result", id, "--api-url", api.url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`job ${id} has not finished yet (processing · searching_books)`);
    expect(result.stderr).toContain(`course-doctor jobs status ${id} --wait`);
  });

  it("an answer without the status field: exit 2 naming the field and the fix", async () => {
    const id = await submitted("malformed");
    const result = await runCli(["jobs", "status", id, "--api-url", api.url, "--wait", ...fast]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the status answer for job ${id} has no "status" field (it has course_id, state)`);
    expect(result.stderr).toContain('"statusField"');
  });
});

describe("the API's address and the token", () => {
  it("no URL at all: exit 2 naming the three ways to give one", async () => {
    const result = await runCli(["jobs", "status", "c-1"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no job API URL: give --api-url URL, set COURSE_DOCTOR_API_URL, or add api.url to the config file");
  });

  it("a malformed base URL: exit 2, one line, no stack", async () => {
    const result = await runCli(["jobs", "status", "c-1", "--api-url", "not a url"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--api-url: "not a url" is not a URL');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("an unreachable API: exit 2, nothing was submitted", async () => {
    const closed = await startFakeApi();
    await closed.close();
    const submit = await runCli(["jobs", "submit", "--api-url", closed.url, "--query", "x"]);
    expect(submit.code).toBe(2);
    expect(submit.stderr).toMatch(/cannot reach the job API at http:\/\/127\.0\.0\.1:\d+: connection refused; nothing was submitted/);
    const status = await runCli(["jobs", "status", "c-1", "--wait", "--api-url", closed.url, ...fast]);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain("cannot reach the job API");
  }, 20_000);

  it("a port fetch refuses (6000) was never connected to: nothing was submitted, not 'the job may have been created'", async () => {
    const submit = await runCli(["jobs", "submit", "--api-url", "http://127.0.0.1:6000/dev", "--query", "x"]);
    expect(submit.code).toBe(2);
    expect(submit.stderr).toContain("fetch refuses to connect to this port");
    expect(submit.stderr).toContain("nothing was submitted");
    expect(submit.stderr).not.toContain("may have been created");
  });

  it("COURSE_DOCTOR_API_URL and the config file supply the URL; the flag wins", async () => {
    const fromEnv = await runCli(["jobs", "submit", "--query", "complete-env"], { env: { COURSE_DOCTOR_API_URL: api.url } });
    expect(fromEnv.code).toBe(0);
    const dir = dirWithConfig({ api: { url: api.url } });
    const fromConfig = await runCli(["jobs", "submit", "--query", "complete-config"], { cwd: dir });
    expect(fromConfig.code).toBe(0);
    const flagWins = await runCli(["jobs", "submit", "--api-url", api.url, "--query", "complete-flag"], { env: { COURSE_DOCTOR_API_URL: "http://127.0.0.1:9/nowhere" } });
    expect(flagWins.code).toBe(0);
  });
});

describe("a token-protected API", () => {
  let secured: FakeApi;
  beforeAll(async () => {
    secured = await startFakeApi({ token: SECRET_TOKEN });
  });
  afterAll(async () => {
    await secured?.close();
  });

  it("a missing token: exit 2, token missing or rejected", async () => {
    const result = await runCli(["jobs", "submit", "--api-url", secured.url, "--query", "x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("token missing or rejected (HTTP 401");
    expect(result.stderr).toContain("--token or COURSE_DOCTOR_TOKEN");
  });

  it("sends the token as a bearer token, from --token or COURSE_DOCTOR_TOKEN", async () => {
    const viaFlag = await runCli(["jobs", "submit", "--api-url", secured.url, "--token", SECRET_TOKEN, "--query", "complete", "--wait", ...fast]);
    expect(viaFlag.code).toBe(0);
    const viaEnv = await runCli(["jobs", "submit", "--api-url", secured.url, "--query", "complete"], { env: { COURSE_DOCTOR_TOKEN: SECRET_TOKEN } });
    expect(viaEnv.code).toBe(0);
    expect(secured.requests.filter((request) => request.authorization === `Bearer ${SECRET_TOKEN}`).length).toBeGreaterThan(3);
  });

  it("never prints the token: not in output, errors, hints or --verbose, even when the API echoes it", async () => {
    const runs = [
      // A rejected token the API echoes back in its error message.
      await runCli(["--verbose", "jobs", "submit", "--api-url", secured.url, "--query", "x"], { env: { COURSE_DOCTOR_TOKEN: `${SECRET_TOKEN}-old` } }),
      await runCli(["--verbose", "jobs", "submit", "--api-url", secured.url, "--token", SECRET_TOKEN, "--query", "complete", "--wait", ...fast]),
      await runCli(["--verbose", "--format", "json", "jobs", "submit", "--api-url", secured.url, "--token", SECRET_TOKEN, "--query", "fail", "--wait", ...fast]),
      await runCli(["--verbose", "--timeout", "200ms", "jobs", "submit", "--api-url", secured.url, "--token", SECRET_TOKEN, "--query", "never", "--wait", ...fast]),
      await runCli(["--verbose", "jobs", "status", "c-unknown", "--api-url", secured.url, "--token", SECRET_TOKEN]),
      await runCli(["--verbose", "jobs", "submit", "--api-url", secured.url, "--query", "submit-500"], { env: { COURSE_DOCTOR_TOKEN: SECRET_TOKEN } }),
      await runCli(["--verbose", "jobs", "submit", "--api-url", secured.url, "--query", "submit-drop", "--token", SECRET_TOKEN]),
    ];
    expect(runs.map((run) => run.code)).toEqual([2, 0, 1, 3, 2, 2, 2]);
    for (const run of runs) {
      expect(run.stdout).not.toContain(SECRET_TOKEN);
      expect(run.stderr).not.toContain(SECRET_TOKEN);
      expect(run.stderr).not.toContain("tok-SECRET");
    }
    expect(runs[0]!.stderr).toContain("token *** is not valid");
    expect(runs[3]!.stderr).toContain("(add your --token)");
  });
});

describe("the document ingestor and APIs described in the config file", () => {
  it("--api ingestor: POST /upload/process-s3-files with --body, job_id, queued → processing → completed", async () => {
    const result = await runCli(["jobs", "submit", "--api", "ingestor", "--api-url", api.url, "--body", '{"files":["s3://bucket/a.pdf"]}', "--wait", ...fast]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^job j-\d+ submitted \(queued\)/);
    expect(result.stderr).toMatch(/queued\n.*processing\n.*completed/);
    expect(api.requests.some((request) => request.method === "POST" && request.path === "/dev/upload/process-s3-files")).toBe(true);
  });

  it("--api ingestor refuses --query: that API takes a body", async () => {
    const result = await runCli(["jobs", "submit", "--api", "ingestor", "--api-url", api.url, "--query", "x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the ingestor API takes --body");
  });

  it("a config file describes another API: paths, fields, terminal states", async () => {
    const dir = dirWithConfig({
      api: {
        url: api.url,
        submit: { path: "/upload/process-s3-files", body: { files: ["s3://bucket/b.pdf"] } },
        idField: "job_id",
        statusPath: "/jobs/{id}",
        completedStates: ["COMPLETED"],
        resultPath: "/jobs/{id}",
      },
    });
    const result = await runCli(["--format", "json", "jobs", "submit", "--wait", ...fast], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: "completed", outcome: "completed", api: "custom" });
  });

  it("a config with a typo in the api section: exit 2 with a suggestion", async () => {
    const dir = dirWithConfig({ api: { url: api.url, statusFeild: "state" } });
    const result = await runCli(["jobs", "status", "c-1"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown field "api.statusFeild" (did you mean "statusField"?)');
  });
});

describe("usage errors before anything is sent", () => {
  it.each([
    [["jobs", "submit", "--query", "x", "--wait", "--interval", "soon"], '--interval: "soon" is not a duration'],
    [["--timeout", "forever", "jobs", "submit", "--query", "x", "--wait"], '--timeout: "forever" is not a duration'],
    [["jobs", "submit", "--query", "x", "--hours", "many"], '--hours: "many" is not a positive number'],
    [["jobs", "submit", "--query", "x", "--preferences", "{nope"], "--preferences: inline JSON is not valid JSON"],
    [["jobs", "submit", "--query", "x", "--body", "{}"], "--body excludes --query"],
    [["jobs", "submit"], "nothing to submit"],
    [["--format", "junit", "jobs", "submit", "--query", "x"], "--format junit is not available"],
  ])("%j → exit 2", async (argv, message) => {
    const before = api.count("POST", "/dev/courses");
    const result = await runCli([...argv.slice(0, argv.indexOf("jobs") + 2), "--api-url", api.url, ...argv.slice(argv.indexOf("jobs") + 2)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(api.count("POST", "/dev/courses")).toBe(before);
  });
});

describe("the built bin", () => {
  it("submits and waits end to end", async () => {
    const result = await runBin(["jobs", "submit", "--api-url", api.url, "--query", "complete-bin", "--wait", "--interval", "20ms"], { env: { COURSE_DOCTOR_TOKEN: SECRET_TOKEN }, cwd: emptyDir() });
    expect(result.stderr).not.toContain(SECRET_TOKEN);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^job c-\d+ submitted \(processing\)\n✔ job c-\d+ completed in/);
    expect(result.stderr).toContain("processing · reviewing 90%");
  });
});
