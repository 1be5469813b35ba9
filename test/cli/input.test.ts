/**
 * `course-doctor input` as a user runs it: the built CLI on the shipped examples (pretty and
 * json), bad input as one line with exit 2, and the flags and exit codes in-process.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runBin, runCli } from "../helpers/cli.js";

const TARGET = "examples/ingestor-target-inputpath.json";
const EVENT = "examples/ingestor-event.json";
const ENTRY = "examples/ingestor-event-entry.json";
const detail = (JSON.parse(readFileSync(EVENT, "utf8")) as { detail: unknown }).detail;

describe("course-doctor input, the built CLI", () => {
  it("prints what the seeds' ingestor target receives, laid out, and warns on stderr that source/detail-type are gone", async () => {
    const result = await runBin(["input", TARGET, EVENT]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(detail);
    expect(result.stdout).toMatch(/^\{\n {2}"job_id": "89fdf15c/);
    expect(result.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^warning: the payload no longer has the event's source and detail-type/)]);
    expect(result.stdout).not.toMatch(/\x1b\[/);
  });

  it("--format json: payload, json and warnings", async () => {
    const result = await runBin(["input", TARGET, EVENT, "--format", "json"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { payload: string; json: unknown; warnings: Array<{ code: string; message: string }>; delivered: boolean };
    expect(JSON.parse(doc.payload)).toEqual(detail);
    expect(doc.json).toEqual(detail);
    expect(doc.warnings.map((w) => w.code)).toEqual(["drops-envelope"]);
    expect(doc.delivered).toBe(true);
    expect(result.stderr).toBe("");
  });

  it("bad input: exit 2, one line naming the problem, no stack trace", async () => {
    const result = await runBin(["input", '{"InputTransformer":{"InputPathsMap":{"a":"$.detail.a"},"InputTemplate":"{\\"b\\": <b>}"}}', EVENT]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toBe('error: TRANSFORMER (inline JSON): $.InputTransformer.InputTemplate: <b> is not defined in InputPathsMap; PutTargets: "InputTemplate contains invalid placeholder b"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("course-doctor input, in-process", () => {
  it("a PutEvents entry is turned into the event first; the payload is its Detail", async () => {
    const result = await runCli(["input", '{"InputPath":"$.detail"}', ENTRY, "--format", "json"]);
    expect(result.code).toBe(0);
    const entry = JSON.parse(readFileSync(ENTRY, "utf8")) as { Detail: string };
    expect((JSON.parse(result.stdout) as { payload: string }).payload).toBe(entry.Detail);
  });

  it("a whole target from list-targets-by-rule on stdin", async () => {
    const listed = JSON.stringify({ Targets: [JSON.parse(readFileSync(TARGET, "utf8"))] });
    const result = await runCli(["input", "-", EVENT], { stdin: listed });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(detail);
  });

  it("the rule values come from the flags; the rule name follows --rule-arn", async () => {
    const template = { InputTemplate: '{"rule": <aws.events.rule-name>, "arn": <aws.events.rule-arn>, "at": <aws.events.event.ingestion-time>}' };
    const arn = "arn:aws:events:us-east-1:123456789012:rule/agent2-ingestor-events-dev/agent2-ingestor-document-processing-dev";
    const given = await runCli(["input", JSON.stringify(template), EVENT, "--rule-arn", arn, "--ingestion-time", "2025-12-12T10:15:31.250Z", "--format", "json"]);
    expect((JSON.parse(given.stdout) as { json: unknown }).json).toEqual({ rule: "agent2-ingestor-document-processing-dev", arn, at: "2025-12-12T10:15:31.250Z" });
    const defaults = await runCli(["input", JSON.stringify(template), EVENT, "--format", "json"]);
    expect((JSON.parse(defaults.stdout) as { json: unknown }).json).toEqual({ rule: "example", arn: "arn:aws:events:us-east-1:123456789012:rule/example", at: "2025-12-12T10:15:30.000Z" });
  });

  it("a quoted object placeholder: the text printed, exit 1, and why on stderr", async () => {
    const settings = { InputTransformer: { InputPathsMap: { d: "$.detail" }, InputTemplate: '{"d": "<d>"}' } };
    const result = await runCli(["input", JSON.stringify(settings), EVENT]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\{"d": "\{"job_id"/);
    expect(result.stderr).toMatch(/<d> holds an object and is inside quotes/);
    expect(result.stderr).toMatch(/EventBridge would not deliver this payload/);
    const json = await runCli(["input", JSON.stringify(settings), EVENT, "--format", "json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ json: null, delivered: false, warnings: [{ code: "quoted-object-placeholder", placeholder: "d" }] });
  });

  it("--strict: a warning fails too; number literals keep their spelling", async () => {
    const constant = { Input: '{"price":1.50}' };
    const plain = await runCli(["input", JSON.stringify(constant), EVENT]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe('{\n  "price": 1.50\n}\n');
    expect((await runCli(["input", JSON.stringify(constant), EVENT, "--strict"])).code).toBe(1);
    expect((await runCli(["input", "{}", EVENT, "--strict"])).code).toBe(0);
  });

  it("text that is not JSON is printed as it is", async () => {
    const result = await runCli(["input", JSON.stringify({ InputPathsMap: { id: "$.detail.job_id" }, InputTemplate: '"job <id>"\n"queued"' }), EVENT]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('"job 89fdf15c-2f1e-4c57-9d0b-6f1f3c2a7e11"\n"queued"\n');
    expect(result.stderr).toMatch(/several quoted lines/);
  });

  const bad: Array<[string, string[], RegExp]> = [
    ["a missing file", ["nope.json", EVENT], /^error: TRANSFORMER: no such file "nope\.json"/],
    ["settings that are not JSON", ["{nope", EVENT], /^error: TRANSFORMER \(inline JSON\): .*not valid JSON/],
    ["no input settings at all", ['{"Foo":1}', EVENT], /^error: TRANSFORMER \(inline JSON\): \$: no Input, InputPath or InputTransformer here/],
    ["both InputPath and InputTransformer", ['{"InputPath":"$","InputTransformer":{"InputTemplate":"{}"}}', EVENT], /Only one of Input, InputPath, or InputTransformer/],
    ["an event that is not an object", ['{"InputPath":"$"}', "[1]"], /^error: EVENT \(inline JSON\): an event must be a JSON object/],
    ["an entry PutEvents rejects", ['{"InputPath":"$"}', '{"Source":"a"}'], /^error: EVENT \(inline JSON\): PutEvents rejects this entry.*DetailType/],
    ["a rule ARN that is not one", ['{"InputPath":"$"}', EVENT, "--rule-arn", "my-rule"], /^error: --rule-arn "my-rule" is not a rule ARN/],
    ["an ingestion time that is not a time", ['{"InputPath":"$"}', EVENT, "--ingestion-time", "yesterday"], /^error: --ingestion-time "yesterday" is not an ISO 8601 time/],
    ["both from stdin", ["-", "-"], /^error: TRANSFORMER and EVENT cannot both be read from standard input/],
    ["a format it does not offer", ['{"InputPath":"$"}', EVENT, "--format", "junit"], /junit/],
  ];
  for (const [name, args, message] of bad) {
    it(`bad input, exit 2: ${name}`, async () => {
      const result = await runCli(["input", ...args], { stdin: "" });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.split("\n")[0]).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it("--help explains the inputs, the defaults and the exit codes, with examples", async () => {
    const result = await runCli(["input", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--rule-arn/);
    expect(result.stdout).toMatch(/Exit codes: 0 EventBridge delivers the payload/);
    expect(result.stdout).toContain("course-doctor input examples/ingestor-target-inputpath.json examples/ingestor-event.json");
  });
});
