import { describe, expect, it } from "vitest";
import { apiUrl, resolveJobApi, type ApiSources } from "../../src/jobs/api.js";
import { JobApiError } from "../../src/jobs/http.js";
import { progressBar } from "../../src/jobs/render.js";
import { shellQuote } from "../../src/jobs/session.js";
import { classifyState, progressPercent, readField, readJobStatus, readSubmitAnswer } from "../../src/jobs/status.js";

const sources = (more: Partial<ApiSources> = {}): ApiSources => ({ urlFlag: "https://abc.execute-api.us-east-1.amazonaws.com/dev", presetFlag: undefined, urlEnv: undefined, settings: undefined, ...more });
const courses = resolveJobApi(sources());

describe("progressPercent", () => {
  it.each([
    [45, 45],
    [0.45, 45],
    [1, 1],
    [0, 0],
    [100, 100],
    [140, 100],
    [-3, 0],
    ["45%", 45],
    [" 45 ", 45],
    [{ percent: 30 }, 30],
    [{ current: 3, total: 12 }, 25],
    [{ completed_steps: 1, total_steps: 3 }, 33.3],
    ["almost", null],
    [null, null],
    [undefined, null],
    [{ total: 0, current: 0 }, null],
  ])("%j → %j", (value, expected) => {
    expect(progressPercent(value)).toBe(expected);
  });
});

describe("readField", () => {
  it.each([
    [{ status: "x" }, "status", "x"],
    [{ data: { state: "y" } }, "data.state", "y"],
    [{ "data.state": "flat" }, "data.state", "flat"],
    [{ data: null }, "data.state", undefined],
    ["text", "status", undefined],
  ])("%j at %s → %j", (value, path, expected) => {
    expect(readField(value, path)).toBe(expected);
  });
});

describe("status interpretation", () => {
  it("classifies terminal states case-insensitively", () => {
    expect(classifyState(courses, "COMPLETED")).toBe("completed");
    expect(classifyState(courses, "error")).toBe("failed");
    expect(classifyState(courses, "searching")).toBe("running");
  });

  it("reads the course API's status answer", () => {
    const status = readJobStatus(courses, "c-1", { status: "completed", phase: "done", progress: 1.0, final_course_id: "course-9" });
    expect(status).toMatchObject({ id: "c-1", status: "completed", state: "completed", phase: "done", progress: 100, resultId: "course-9", error: null });
  });

  it("finds a failed job's error text in the configured field or the usual ones", () => {
    expect(readJobStatus(courses, "c-1", { status: "failed", error: "boom" }).error).toBe("boom");
    expect(readJobStatus(courses, "c-1", { status: "failed", error_message: "disk full" }).error).toBe("disk full");
    expect(readJobStatus(courses, "c-1", { status: "failed", error: { message: "nested" } }).error).toBe("nested");
    expect(readJobStatus(courses, "c-1", { status: "failed" }).error).toBeNull();
  });

  it("an answer without the status field is malformed, naming what it has", () => {
    expect(() => readJobStatus(courses, "c-1", { state: "x", id: "c-1" })).toThrow(/has no "status" field \(it has state, id\)/);
    expect(() => readJobStatus(courses, "c-1", [1])).toThrow(/it is an array/);
    try {
      readJobStatus(courses, "c-1", {});
    } catch (error) {
      expect((error as JobApiError).kind).toBe("malformed");
      expect((error as JobApiError).transient).toBe(false);
    }
  });

  it("reads the id from a submit answer; a missing id says the job may exist", () => {
    expect(readSubmitAnswer(courses, { course_id: "c-7", status: "processing" })).toMatchObject({ id: "c-7", status: "processing", state: "running" });
    expect(readSubmitAnswer(courses, { course_id: 42 }).id).toBe("42");
    expect(readSubmitAnswer(courses, { course_id: "c-8" }).status).toBe("submitted");
    expect(() => readSubmitAnswer(courses, { id: "c-9" })).toThrow(/accepted the submit, but its answer has no "course_id" field \(it has id\)/);
  });
});

describe("resolveJobApi", () => {
  it("defaults to the course API", () => {
    expect(courses).toMatchObject({
      name: "courses",
      submit: { method: "POST", path: "/courses", acceptsQueryFlags: true },
      idField: "course_id",
      statusPath: "/course-status/{id}",
      resultPath: "/course?courseId={id}",
      completedStates: ["completed"],
      requestTimeoutMs: 30_000,
    });
  });

  it("the ingestor preset", () => {
    const api = resolveJobApi(sources({ presetFlag: "ingestor" }));
    expect(api).toMatchObject({ name: "ingestor", submit: { path: "/upload/process-s3-files", acceptsQueryFlags: false }, idField: "job_id", failedStates: ["failed"] });
  });

  it("the config adjusts a preset field by field and becomes custom", () => {
    const api = resolveJobApi(sources({ settings: { preset: "ingestor", statusPath: "/status/{id}", statusField: "data.state", completedStates: ["DONE"], requestTimeout: "5s" } }));
    expect(api).toMatchObject({ name: "custom", idField: "job_id", statusPath: "/status/{id}", statusField: "data.state", completedStates: ["DONE"], requestTimeoutMs: 5_000 });
  });

  it("a URL from flag, then environment, then config", () => {
    const settings = { url: "https://config.example/prod" };
    expect(resolveJobApi(sources({ urlFlag: "https://flag.example", urlEnv: "https://env.example", settings })).baseUrl.host).toBe("flag.example");
    expect(resolveJobApi(sources({ urlFlag: undefined, urlEnv: "https://env.example", settings })).baseUrl.host).toBe("env.example");
    expect(resolveJobApi(sources({ urlFlag: undefined, urlEnv: " ", settings })).baseUrl.host).toBe("config.example");
  });

  it.each([
    [{ urlFlag: undefined }, "no job API URL"],
    [{ urlFlag: "ftp://files.example" }, '"ftp:" URLs are not supported'],
    [{ urlFlag: "example.com/dev" }, "is not a URL"],
    [{ urlFlag: "https://user:hunter2@api.example" }, "holds a user name or password"],
    [{ urlEnv: "nope", urlFlag: undefined }, 'COURSE_DOCTOR_API_URL: "nope" is not a URL'],
    [{ presetFlag: "orders" }, '--api: "orders" is not a known API'],
    [{ settings: { statusPath: "/status" } }, 'api.statusPath: "/status" has no {id} placeholder'],
  ])("%j → usage error", (more, message) => {
    expect(() => resolveJobApi(sources(more as Partial<ApiSources>))).toThrow(message);
  });

  it("never echoes a URL's password", () => {
    expect(() => resolveJobApi(sources({ urlFlag: "https://user:hunter2@api.example" }))).not.toThrow(/hunter2/);
  });
});

describe("apiUrl", () => {
  it.each([
    ["https://abc.example/dev", "/course-status/{id}", "c 1/2", "https://abc.example/dev/course-status/c%201%2F2"],
    ["https://abc.example/dev/", "/courses", undefined, "https://abc.example/dev/courses"],
    ["https://abc.example", "courses", undefined, "https://abc.example/courses"],
    ["https://abc.example/dev?x=1", "/course?courseId={id}", "course-9", "https://abc.example/dev/course?courseId=course-9"],
  ])("%s + %s (%s) → %s", (base, template, id, expected) => {
    const api = resolveJobApi(sources({ urlFlag: base }));
    expect(apiUrl(api, template, id).href).toBe(expected);
  });
});

describe("small helpers", () => {
  it.each([
    ["c-123", "c-123"],
    ["https://abc.example/dev", "https://abc.example/dev"],
    ["it's", "'it'\\''s'"],
    ["a b", "'a b'"],
  ])("shellQuote(%j) → %s", (text, expected) => {
    expect(shellQuote(text)).toBe(expected);
  });

  it("progressBar", () => {
    expect(progressBar(0)).toBe("░".repeat(20));
    expect(progressBar(50)).toBe("█".repeat(10) + "░".repeat(10));
    expect(progressBar(100, 4)).toBe("████");
  });
});
