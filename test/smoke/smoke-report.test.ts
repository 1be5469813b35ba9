import { describe, expect, it } from "vitest";
import { BufferStream } from "../../src/host/io.js";
import { Output } from "../../src/host/output.js";
import { LiveStatus } from "../../src/jobs/render.js";
import { innerSuites, renderSmokeJunit, renderSmokeMarkdown, smokeDocument, type SmokeReport } from "../../src/jobs/smoke-report.js";
import type { JobStatus } from "../../src/jobs/status.js";
import type { Timer } from "../../src/util/poll.js";

const searching: JobStatus = { id: "c-1", status: "processing", state: "running", phase: "searching_books", progress: 0, error: null, resultId: null, response: { status: "processing" } };

function report(more: Partial<SmokeReport> = {}): SmokeReport {
  return {
    api: { name: "courses", url: "https://abc.example/dev" },
    id: "c-1",
    last: searching,
    outcome: "timed_out",
    submitError: undefined,
    submitMs: 120,
    elapsedMs: 900_000,
    timeoutMs: 900_000,
    stuckAfterMs: 60_000,
    stuck: undefined,
    diagnosis: undefined,
    diagnosisError: undefined,
    problem: undefined,
    statusUrl: "https://abc.example/dev/course-status/c-1",
    ...more,
  };
}

describe("smoke renderers", () => {
  it("JSON: the job's fields at the top, nulls for what is missing", () => {
    expect(smokeDocument(report())).toMatchObject({
      id: "c-1",
      status: "processing",
      phase: "searching_books",
      outcome: "timed_out",
      elapsedMs: 900_000,
      stuck: null,
      diagnosis: null,
      diagnosisError: null,
    });
    expect(smokeDocument(report({ id: undefined, last: undefined, outcome: "not_submitted", submitError: "HTTP 500" }))).toMatchObject({ id: null, status: null, outcome: "not_submitted", error: "HTTP 500" });
  });

  it("JUnit: a timeout is a failure of 'job completed'; text is escaped", () => {
    const xml = renderSmokeJunit(report({ last: { ...searching, phase: 'a<b & "c"' } }), undefined);
    expect(xml).toContain('<testsuites name="course-doctor smoke" tests="2" failures="1" errors="0" time="900.000">');
    expect(xml).toContain('type="timed_out"');
    expect(xml).toContain("a&lt;b &amp; &quot;c&quot;");
    expect(xml).not.toContain('a<b & "c"');
  });

  it("innerSuites takes the suites out of a whole JUnit document", () => {
    const document = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="x" tests="1">\n  <testsuite name="s" tests="1" failures="1"><testcase name="t"/></testsuite>\n</testsuites>\n';
    expect(innerSuites(document)).toBe('  <testsuite name="s" tests="1" failures="1"><testcase name="t"/></testsuite>');
    expect(innerSuites('<testsuite name="bare" tests="0"/>')).toBe('<testsuite name="bare" tests="0"/>');
    expect(innerSuites('<?xml version="1.0"?><testsuites/>')).toBe("");
  });

  it("Markdown: headline, a table with escaped cells, the diagnosis section only when stuck", () => {
    const text = renderSmokeMarkdown(report({ last: { ...searching, state: "failed", status: "failed", error: "a | b" }, outcome: "failed" }), undefined);
    expect(text).toMatch(/^## ❌ Smoke test failed: the job failed\n/);
    expect(text).toContain("| Error | a \\| b |");
    expect(text).not.toContain("Pipeline diagnosis");
    const stuck = renderSmokeMarkdown(report({ outcome: "stuck", stuck: { elapsedMs: 61_000, status: searching }, diagnosisError: "no AWS credentials" }), undefined);
    expect(stuck).toContain("### Pipeline diagnosis");
    expect(stuck).toContain("The diagnosis could not run: no AWS credentials");
  });
});

class StepTimer implements Timer {
  t = 0;
  now(): number {
    return this.t;
  }
  async sleep(): Promise<void> {}
}

function liveStatus(options: { live: boolean }) {
  const stdout = new BufferStream(options.live);
  const stderr = new BufferStream(options.live);
  const out = new Output(stdout, stderr, { color: false, colorStderr: false, live: options.live, verbose: false, quiet: false });
  const timer = new StepTimer();
  return { stderr, timer, live: new LiveStatus(out, "c-1", 0, timer) };
}

describe("the live status line", () => {
  const updates = [
    { status: searching, elapsedMs: 0, problem: undefined },
    { status: searching, elapsedMs: 2_000, problem: undefined },
    { status: searching, elapsedMs: 4_000, problem: "HTTP 503 from GET ..." },
    { status: { ...searching, phase: "writing_chapters", progress: 50 }, elapsedMs: 6_000, problem: undefined },
  ];

  it("without a terminal: one plain line per change, with the elapsed time", () => {
    const { stderr, timer, live } = liveStatus({ live: false });
    for (const update of updates) {
      timer.t = update.elapsedMs;
      live.update(update);
    }
    live.stop();
    expect(stderr.text().split("\n").filter(Boolean)).toEqual([
      "    0ms  c-1  processing · searching_books 0%",
      "   4.0s  c-1  processing · searching_books 0%  (status unavailable: HTTP 503 from GET ...; still waiting)",
      "   6.0s  c-1  processing · writing_chapters 50%",
    ]);
  });

  it("on a terminal: the line is rewritten in place with a bar and the elapsed time, then cleared", () => {
    const { stderr, timer, live } = liveStatus({ live: true });
    for (const update of updates) {
      timer.t = update.elapsedMs;
      live.update(update);
    }
    live.stop();
    const text = stderr.text();
    expect(text).not.toContain("\n");
    const frames = text.split("\r\x1b[2K").filter(Boolean);
    expect(frames).toHaveLength(4);
    expect(frames[1]).toBe("● c-1  processing · searching_books  ░░░░░░░░░░░░░░░░░░░░ 0% 2.0s");
    expect(frames[2]).toContain("status unavailable, retrying");
    expect(frames[3]).toBe("● c-1  processing · writing_chapters  ██████████░░░░░░░░░░ 50% 6.0s");
    expect(text.endsWith("\r\x1b[2K")).toBe(true);
  });
});
