import { EventBridgeClient, TestEventPatternCommand } from "@aws-sdk/client-eventbridge";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runBin, runCli } from "../helpers/cli.js";
import { motoEnv, startMoto, type Moto } from "../helpers/moto.js";

const PATTERN = "examples/ingestor-rule-pattern.json";
const SENT = "examples/ingestor-event-sent.json";
const GOOD = "examples/ingestor-event.json";
const ENTRY = "examples/ingestor-event-entry.json";

describe("pattern test", () => {
  it("exits 0 and says match for a matching event", async () => {
    const r = await runCli(["pattern", "test", PATTERN, GOOD]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ match\s+agent2.ingestor \/ Document Processing Required\n$/);
    expect(r.stderr).toBe("");
  });

  it("builds the event from a PutEvents entry", async () => {
    const r = await runCli(["pattern", "test", PATTERN, ENTRY]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(PutEvents entry)");
  });

  it("explains the mismatch of the event the application really sends, exit 1", async () => {
    const r = await runCli(["pattern", "test", PATTERN, SENT]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✖ no match");
    expect(r.stdout).toContain('detail-type: expected one of ["Document Processing Required"], got "Document processing required" (differs only in case)');
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it("colours only on a terminal", async () => {
    const r = await runCli(["pattern", "test", PATTERN, SENT], { tty: true });
    expect(r.stdout).toMatch(/\x1b\[/);
    const plain = await runCli(["--no-color", "pattern", "test", PATTERN, SENT], { tty: true });
    expect(plain.stdout).not.toMatch(/\x1b\[/);
  });

  it("prints one JSON object with --format json", async () => {
    const r = await runCli(["--format", "json", "pattern", "test", PATTERN, SENT]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ index: 1, form: "entry", matches: false, entryProblems: [] });
    expect(out.mismatches[0]).toMatchObject({ path: "detail-type", hint: "differs only in case", present: true });
  });

  it("tests JSON Lines from stdin, one JSON line per event", async () => {
    const lines = [
      '{"source":"agent2.ingestor","detail-type":"Document Processing Required","detail":{}}',
      "",
      '{"Source":"agent2.ingestor","DetailType":"Document processing required","Detail":"{}"}',
    ].join("\n");
    const pretty = await runCli(["pattern", "test", PATTERN, "-"], { stdin: lines });
    expect(pretty.code).toBe(1);
    expect(pretty.stdout).toContain("#1 agent2.ingestor");
    expect(pretty.stdout).toContain("1 of 2 events match");
    const json = await runCli(["--format", "json", "pattern", "test", PATTERN, "-"], { stdin: lines });
    const rows = json.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.index, r.matches])).toEqual([[1, true], [2, false]]);
  });

  it("accepts inline JSON and reports PutEvents problems", async () => {
    const r = await runCli(["pattern", "test", '{"source":["aws.s3"]}', '{"Source":"aws.s3","DetailType":"x","Detail":"{}"}']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✔ match");
    expect(r.stdout).toContain("PutEvents would reject this entry (NotAuthorizedForSourceException)");
  });

  it("keeps exact number literals from the files", async () => {
    const r = await runCli(["pattern", "test", '{"detail":{"n":[12345678901234567890]}}', '{"detail":{"n":12345678901234567891}}']);
    expect(r.code).toBe(1);
  });

  it("exits 2 with one clear message for bad input", async () => {
    const cases: [string[], RegExp][] = [
      [["pattern", "test", "missing.json", GOOD], /PATTERN: no such file "missing.json"/],
      [["pattern", "test", '{"source": "x"}', GOOD], /PATTERN \(inline JSON\) is not a valid event pattern: \$\.source: must be an object or an array/],
      [["pattern", "test", PATTERN, "{nope"], /EVENT \(inline JSON\) is not valid JSON/],
      [["pattern", "test", PATTERN, "[1]"], /event 1: an event must be a JSON object/],
      [["pattern", "test", PATTERN, "-"], /EVENT \(stdin\) is empty/],
      [["pattern", "test", "-", "-"], /cannot both be read from standard input/],
      [["--format", "junit", "pattern", "test", PATTERN, GOOD], /--format junit is not available/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv, { stdin: "" });
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const lines = await runCli(["pattern", "test", PATTERN, "-"], { stdin: '{"source":"a"}\n{oops\n' });
    expect(lines.code).toBe(2);
    expect(lines.stderr).toMatch(/line 2: not valid JSON/);
  });
});

describe("pattern lint", () => {
  it("is clean for a good pattern", async () => {
    const r = await runCli(["pattern", "lint", PATTERN]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("valid, no known mistakes");
  });

  it("reports errors with their JSON path and exits 1", async () => {
    const r = await runCli(["pattern", "lint", '{"detail":{"size":[{"numeric":[">","5"]}]}}']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error\s+\$\.detail\.size\[0\]\.numeric\[1\]\s+the value of ">" must be a number/);
  });

  it("prints warnings, exits 0, or 1 with --strict", async () => {
    const pattern = '{"detailType":["Created"],"source":["orders.*"]}';
    const r = await runCli(["pattern", "lint", pattern]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("[detail-type-key]");
    expect(r.stdout).toContain("[literal-wildcard]");
    expect((await runCli(["pattern", "lint", pattern, "--strict"])).code).toBe(1);
  });

  it("cross-checks a sample event and prints JSON", async () => {
    const r = await runCli(["--format", "json", "pattern", "lint", PATTERN, "--event", SENT]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.issues.map((i: { code: string }) => i.code)).toEqual(["sample-does-not-match"]);
    expect((await runCli(["pattern", "lint", "nope.json"])).code).toBe(2);
  });
});

describe("pattern test --remote", () => {
  const events = mockClient(EventBridgeClient);
  const sts = mockClient(STSClient);
  const env = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_REGION: "eu-west-1", AWS_EC2_METADATA_DISABLED: "true" };
  afterEach(() => {
    events.reset();
    sts.reset();
  });
  afterAll(() => {
    events.restore();
    sts.restore();
  });

  it("reports agreement, using the caller's account and region in the event", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: "111122223333" });
    events.on(TestEventPatternCommand).resolves({ Result: true });
    const r = await runCli(["pattern", "test", PATTERN, ENTRY, "--remote"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("TestEventPattern agrees: match");
    const sent = JSON.parse(events.commandCalls(TestEventPatternCommand)[0]!.args[0].input.Event!);
    expect(sent).toMatchObject({ account: "111122223333", region: "eu-west-1", source: "agent2.ingestor" });
    for (const key of ["id", "account", "source", "time", "region", "resources", "detail-type"]) expect(sent).toHaveProperty(key);
  });

  it("reports a disagreement and exits 1", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: "111122223333" });
    events.on(TestEventPatternCommand).resolves({ Result: false });
    const r = await runCli(["--format", "json", "pattern", "test", PATTERN, GOOD, "--remote"], { env });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).remote).toMatchObject({ status: "disagrees", result: false });
  });

  it("an event without source or detail-type is bad input for TestEventPattern (exit 2, no call), while the local engine alone still answers", async () => {
    const bare = JSON.stringify({ detail: { job_id: "1" } });
    const r = await runCli(["pattern", "test", PATTERN, bare, "--remote"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("TestEventPattern needs every envelope field, and this event has no source and no detail-type");
    expect(events.commandCalls(TestEventPatternCommand)).toHaveLength(0);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
    expect((await runCli(["pattern", "test", PATTERN, bare], { env })).code).toBe(1);
  });

  it("prints the local verdict and one clear note when access is denied (exit 2)", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: "111122223333" });
    const denied = Object.assign(new Error("User: arn:aws:iam::111122223333:user/dev is not authorized to perform: events:TestEventPattern"), {
      name: "AccessDeniedException",
      $metadata: { httpStatusCode: 400 },
    });
    events.on(TestEventPatternCommand).rejects(denied);
    const r = await runCli(["pattern", "test", PATTERN, SENT, "--remote"], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("✖ no match");
    expect(r.stderr).toMatch(/TestEventPattern could not run: access denied: the caller needs events:TestEventPattern/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("pattern test --remote against moto", () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it("says so when the service answers without a result", async () => {
    const r = await runBin(["pattern", "test", PATTERN, ENTRY, "--remote"], { env: motoEnv(moto) });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("TestEventPattern answered without a Result");
    expect(r.code).toBe(0);
  });
});
