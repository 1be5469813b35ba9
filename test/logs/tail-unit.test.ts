/**
 * The Live Tail path of tailLogGroup with aws-sdk-client-mock (moto has no StartLiveTail),
 * the filter re-check, the line renderers, and `logs` usage errors.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  StartLiveTailCommand,
  type FilteredLogEvent,
  type StartLiveTailResponseStream,
} from "@aws-sdk/client-cloudwatch-logs";
import { Chalk } from "chalk";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { Aws } from "../../src/aws/clients.js";
import { matchesTerms, parseTermFilter } from "../../src/logs/filter.js";
import { logLineJson, renderLogLine } from "../../src/logs/run.js";
import { formatWindow } from "../../src/util/duration.js";
import { tailLogGroup, type TailEvent, type TailMode, type TailOptions } from "../../src/logs/tail.js";
import { runCli } from "../helpers/cli.js";

const logs = mockClient(CloudWatchLogsClient);
const GROUP = "/aws/lambda/orders-fn";
const GROUP_ARN = `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}`;
const T0 = Date.parse("2026-12-02T01:00:00.000Z");

function aws(extra: { endpointUrl?: string } = {}): Aws {
  return new Aws({ region: "us-east-1", timeoutMs: 10_000, env: {}, ...extra, clients: { logs: new CloudWatchLogsClient({ region: "us-east-1" }) } });
}

function polled(id: string, offset: number, message: string): FilteredLogEvent {
  return { eventId: id, timestamp: T0 + offset, ingestionTime: T0 + offset + 5, logStreamName: "2026/12/02/[$LATEST]abc", message: `${message}\n` };
}

function live(offset: number, message: string) {
  return { timestamp: T0 + offset, ingestionTime: T0 + offset + 5, logStreamName: "2026/12/02/[$LATEST]abc", logGroupIdentifier: GROUP_ARN, message: `${message}\n` };
}

/** A Live Tail response stream: the items, then (unless it ends) silence until the signal aborts. */
function stream(items: StartLiveTailResponseStream[], hangUntil?: AbortSignal): AsyncIterable<StartLiveTailResponseStream> {
  return {
    async *[Symbol.asyncIterator]() {
      for (const item of items) yield item;
      if (hangUntil) await new Promise((resolve) => hangUntil.addEventListener("abort", resolve, { once: true }));
    },
  };
}

const sessionStart = { sessionStart: { sessionId: "s-1", logGroupIdentifiers: [GROUP_ARN] } } as StartLiveTailResponseStream;
function update(...events: ReturnType<typeof live>[]): StartLiveTailResponseStream {
  return { sessionUpdate: { sessionMetadata: { sampled: false }, sessionResults: events } } as StartLiveTailResponseStream;
}

interface Run {
  seen: TailEvent[];
  modes: Array<[TailMode, string]>;
  notes: string[];
  warnings: string[];
  controller: AbortController;
  options: TailOptions;
}

/** Options that record everything and abort once `stopAfter` lines were seen. */
function recorder(stopAfter: number, extra: Partial<TailOptions> = {}): Run {
  const run: Run = { seen: [], modes: [], notes: [], warnings: [], controller: new AbortController(), options: undefined as never };
  run.options = {
    startTime: T0 - 15 * 60_000,
    follow: true,
    pollMs: 5,
    signal: run.controller.signal,
    onEvent: (event) => {
      run.seen.push(event);
      if (run.seen.length >= stopAfter) run.controller.abort();
    },
    onMode: (mode, reason) => run.modes.push([mode, reason]),
    onNote: (text) => run.notes.push(text),
    onWarning: (text) => run.warnings.push(text),
    ...extra,
  };
  return run;
}

beforeEach(() => {
  logs.reset();
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: GROUP, arn: `${GROUP_ARN}:*`, logGroupArn: GROUP_ARN }] });
});

describe("tailLogGroup with Live Tail", () => {
  it("prints the recent lines, the lines before the session started, then the live ones, each once", async () => {
    const run = recorder(3);
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: [polled("1", 0, "recent line")] })
      // The read after sessionStart finds a line logged meanwhile, which Live Tail also delivers.
      .resolvesOnce({ events: [polled("1", 0, "recent line"), polled("2", 1_000, "between read and session")] })
      .resolves({ events: [] });
    logs.on(StartLiveTailCommand).resolves({
      responseStream: stream([sessionStart, update(live(1_000, "between read and session"), live(2_000, "[ERROR] live failure"))], run.controller.signal),
    });
    const result = await tailLogGroup(aws(), GROUP, run.options);
    expect(result).toEqual({ groupExists: true, events: 3, mode: "live-tail", interrupted: true });
    expect(run.seen).toEqual([
      { timestamp: T0, stream: "2026/12/02/[$LATEST]abc", message: "recent line", group: GROUP },
      { timestamp: T0 + 1_000, stream: "2026/12/02/[$LATEST]abc", message: "between read and session", group: GROUP },
      { timestamp: T0 + 2_000, stream: "2026/12/02/[$LATEST]abc", message: "[ERROR] live failure", group: GROUP },
    ]);
    expect(run.modes).toEqual([["live-tail", `Live Tail session on ${GROUP_ARN}`]]);
    const start = logs.commandCalls(StartLiveTailCommand);
    expect(start).toHaveLength(1);
    expect(start[0]!.args[0].input).toEqual({ logGroupIdentifiers: [GROUP_ARN] });
    // Every read names a start time: never a scan of the whole group.
    for (const call of logs.commandCalls(FilterLogEventsCommand)) expect(call.args[0].input.startTime).toBeGreaterThanOrEqual(T0 - 15 * 60_000);
  });

  it("passes the filter to Live Tail and re-checks term patterns on live lines", async () => {
    const run = recorder(1, { filter: "?ERROR ?Exception" });
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    logs.on(StartLiveTailCommand).resolves({
      responseStream: stream([sessionStart, update(live(1, "INFO approximate match"), live(2, "Exception: boom"))], run.controller.signal),
    });
    await tailLogGroup(aws(), GROUP, run.options);
    expect(run.seen.map((e) => e.message)).toEqual(["Exception: boom"]);
    expect(logs.commandCalls(StartLiveTailCommand)[0]!.args[0].input).toEqual({ logGroupIdentifiers: [GROUP_ARN], logEventFilterPattern: "?ERROR ?Exception" });
    expect(logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input.filterPattern).toBe("?ERROR ?Exception");
  });

  it("starts a new session when one ends (sessions last at most 3 hours)", async () => {
    const run = recorder(1);
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    logs
      .on(StartLiveTailCommand)
      .resolvesOnce({ responseStream: stream([sessionStart, { SessionTimeoutException: { message: "session ended after 3 hours" } } as StartLiveTailResponseStream]) })
      .resolves({ responseStream: stream([sessionStart, update(live(5, "after the restart"))], run.controller.signal) });
    const result = await tailLogGroup(aws(), GROUP, run.options);
    expect(result.mode).toBe("live-tail");
    expect(run.seen.map((e) => e.message)).toEqual(["after the restart"]);
    expect(logs.commandCalls(StartLiveTailCommand)).toHaveLength(2);
    expect(run.notes).toContain("Live Tail session restarted");
    expect(run.modes.map(([mode]) => mode)).toEqual(["live-tail"]);
  });

  it("falls back to polling when StartLiveTail is denied, and says why", async () => {
    const run = recorder(1);
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: [] })
      .resolves({ events: [polled("9", 3_000, "seen by polling")] });
    logs.on(StartLiveTailCommand).rejects(
      Object.assign(new Error("User: arn:aws:sts::123456789012:assumed-role/dev/alice is not authorized to perform: logs:StartLiveTail on resource: " + GROUP_ARN), {
        name: "AccessDeniedException",
      }),
    );
    const result = await tailLogGroup(aws(), GROUP, run.options);
    expect(result).toEqual({ groupExists: true, events: 1, mode: "polling", interrupted: true });
    expect(run.seen.map((e) => e.message)).toEqual(["seen by polling"]);
    expect(run.modes).toHaveLength(1);
    expect(run.modes[0]![0]).toBe("polling");
    expect(run.modes[0]![1]).toMatch(/^Live Tail is not available \(AccessDeniedException: .*; needs logs:StartLiveTail\): polling FilterLogEvents every 5ms/);
    const reads = logs.commandCalls(FilterLogEventsCommand);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (const call of reads) expect(call.args[0].input.startTime).toBeGreaterThanOrEqual(T0 - 15 * 60_000);
  });

  it("falls back to polling when an operation is unknown to the endpoint, and when a session breaks", async () => {
    const unknown = recorder(1);
    logs.on(FilterLogEventsCommand).resolvesOnce({ events: [] }).resolves({ events: [polled("3", 1, "polled")] });
    logs.on(StartLiveTailCommand).rejects(Object.assign(new Error("Operation StartLiveTail is not supported"), { name: "UnknownOperationException" }));
    await tailLogGroup(aws(), GROUP, unknown.options);
    expect(unknown.modes[0]![1]).toContain("UnknownOperationException");
    expect(unknown.seen.map((e) => e.message)).toEqual(["polled"]);

    logs.reset();
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: GROUP, logGroupArn: GROUP_ARN }] });
    const broken = recorder(2);
    logs.on(FilterLogEventsCommand).resolvesOnce({ events: [] }).resolvesOnce({ events: [] }).resolves({ events: [polled("4", 10, "live"), polled("5", 20, "after the break")] });
    const failing: AsyncIterable<StartLiveTailResponseStream> = {
      async *[Symbol.asyncIterator]() {
        yield sessionStart;
        yield update(live(10, "live"));
        throw Object.assign(new Error("stream reset"), { name: "SessionStreamingException" });
      },
    };
    logs.on(StartLiveTailCommand).resolves({ responseStream: failing });
    await tailLogGroup(aws(), GROUP, broken.options);
    expect(broken.modes.map(([mode]) => mode)).toEqual(["live-tail", "polling"]);
    expect(broken.modes[1]![1]).toContain("the Live Tail session failed (SessionStreamingException: stream reset)");
    // The line Live Tail showed is not shown again by the polls that took over.
    expect(broken.seen.map((e) => e.message)).toEqual(["live", "after the break"]);
  });

  it("never tries Live Tail through an endpoint override", async () => {
    const run = recorder(1);
    logs.on(FilterLogEventsCommand).resolvesOnce({ events: [] }).resolves({ events: [polled("1", 1, "polled")] });
    await tailLogGroup(aws({ endpointUrl: "http://127.0.0.1:4566" }), GROUP, run.options);
    expect(logs.commandCalls(StartLiveTailCommand)).toHaveLength(0);
    expect(run.modes[0]![1]).toContain("Live Tail is not available through the endpoint override http://127.0.0.1:4566");
  });

  it("reads only the recent lines without follow, and reports a missing group", async () => {
    const missing = recorder(99, { follow: false });
    let reported = 0;
    logs.on(FilterLogEventsCommand).rejects(Object.assign(new Error("The specified log group does not exist."), { name: "ResourceNotFoundException" }));
    const result = await tailLogGroup(aws(), GROUP, { ...missing.options, onMissing: () => reported++ });
    expect(result).toEqual({ groupExists: false, events: 0, mode: "recent", interrupted: false });
    expect(reported).toBe(1);
    expect(logs.commandCalls(StartLiveTailCommand)).toHaveLength(0);
  });

  it("pages through FilterLogEvents and stops a poll that is denied", async () => {
    const run = recorder(99);
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: [polled("1", 1, "page one")], nextToken: "t2" })
      .resolvesOnce({ events: [polled("2", 2, "page two")] })
      .rejects(Object.assign(new Error("not authorized to perform: logs:FilterLogEvents"), { name: "AccessDeniedException" }));
    await expect(tailLogGroup(aws({ endpointUrl: "http://127.0.0.1:4566" }), GROUP, run.options)).rejects.toThrow(/not authorized/);
    expect(run.seen.map((e) => e.message)).toEqual(["page one", "page two"]);
    expect(logs.commandCalls(FilterLogEventsCommand)[1]!.args[0].input.nextToken).toBe("t2");
  });
});

describe("filter pattern re-check", () => {
  it.each([
    ["ERROR", "[ERROR] boom", true],
    ["ERROR", "error: boom", false],
    ["ERROR payment", "ERROR: payment declined", true],
    ["ERROR payment", "ERROR: card declined", false],
    ['"Task timed out"', "2026-12-02 Task timed out after 3.00 seconds", true],
    ['"Task timed out"', "Task was timed out", false],
    ["?ERROR ?Exception", "Exception in thread", true],
    ["?ERROR ?Exception", "INFO fine", false],
    ["-DEBUG", "DEBUG noise", false],
    ["ERROR -retry", "ERROR will retry", false],
    ["ERROR -retry", "ERROR gave up", true],
  ])("%s on %j -> %s", (pattern, message, expected) => {
    expect(matchesTerms(parseTermFilter(pattern)!, message)).toBe(expected);
  });

  it.each(['{ $.level = "error" }', "[ip, user, status=500]", "%ERR[0-9]+%", "?ERROR payment", "", '""', '"unclosed'])("trusts the service for %j", (pattern) => {
    expect(parseTermFilter(pattern)).toBeNull();
  });
});

describe("rendering", () => {
  const event: TailEvent = { timestamp: T0, stream: "s", message: "[ERROR] boom", group: GROUP };

  it("shows time, stream and message; red error lines only with colors", () => {
    expect(renderLogLine(event, new Chalk({ level: 0 }))).toBe("2026-12-02T01:00:00.000Z s [ERROR] boom");
    expect(renderLogLine(event, new Chalk({ level: 2 }))).toContain("\x1b[31m[ERROR] boom\x1b[39m");
    expect(renderLogLine({ ...event, message: "fine" }, new Chalk({ level: 2 }))).not.toContain("\x1b[31m");
    expect(logLineJson(event)).toEqual({ timestamp: "2026-12-02T01:00:00.000Z", stream: "s", message: "[ERROR] boom", group: GROUP });
    expect([formatWindow(15 * 60_000), formatWindow(5_400_000), formatWindow(90_000)]).toEqual(["15m", "1h30m", "1m30s"]);
  });
});

describe("logs usage errors (exit 2, one line)", () => {
  const cwd = mkdtempSync(join(tmpdir(), "cd-logs-usage-"));
  it.each([
    [["logs", "orders-fn", "--since", "nonsense"], 'error: --since: "nonsense" is not a duration (use e.g. 500ms, 30s, 5m, 1h)'],
    [["logs"], "error: name the logs to read: course-doctor logs FUNCTION|/LOG/GROUP (or --function, or --rule with --bus, or the config file)"],
    [["logs", "bad name!"], 'error: the argument: "bad name!" is neither a function name nor a log group (log groups start with "/")'],
    [["logs", "arn:aws:sqs:us-east-1:123456789012:orders-q"], 'error: the argument: "arn:aws:sqs:us-east-1:123456789012:orders-q" is a sqs ARN; give a function (name or ARN) or a log group (/aws/...)'],
    [["logs", "a-fn", "--function", "b-fn"], "error: two targets named: a-fn and --function b-fn; give one"],
    [["logs", "a-fn", "--format", "markdown"], "error: --format markdown is not available for this command (use pretty or json)"],
  ])("%j", async (argv, message) => {
    const result = await runCli(argv, { cwd, env: { AWS_REGION: "us-east-1", AWS_ENDPOINT_URL: "http://127.0.0.1:9" } });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`${message}\n`);
  });
});
