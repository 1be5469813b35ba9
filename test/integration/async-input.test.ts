/**
 * target.input and target.async end to end against moto: input transformers,
 * asynchronous invocation settings (PutFunctionEventInvokeConfig, with a qualifier) and
 * Lambda's async metrics (PutMetricData in AWS/Lambda with the dimensions Lambda publishes)
 * seeded with the SDK, and `check` asserted on its root cause, status, exit code and fix.
 */
import { describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../helpers/cli.js";
import { MOTO_ACCOUNT, MOTO_REGION, type Moto } from "../helpers/moto.js";
import { useMoto } from "../helpers/use-moto.js";
import { type IngestorNames, type Seeder } from "../helpers/seed.js";

let moto: Moto;
let seed: Seeder;
let env: Record<string, string>;

useMoto((world) => ({ moto, seed, env } = world));

const DETAIL = '{"job_id":"89fdf15c","files":["a.pdf"]}';
const APP_EVENT = ["--source", "agent2.ingestor", "--detail-type", "Document Processing Required", "--detail", DETAIL];

interface Finding {
  id: string;
  status: string;
  title: string;
  subject?: string;
  detail?: string;
  fix?: string;
  evidence?: Record<string, unknown>;
}
interface Report {
  status: string;
  rootCause: { id: string; title: string; fix: string | null } | null;
  findings: Finding[];
}

function args(names: IngestorNames, extra: string[] = []): string[] {
  return ["--bus", names.bus, "--rule", names.rule, "--publisher", names.publisher, ...APP_EVENT, ...extra];
}

async function check(argv: string[]): Promise<{ result: CliResult; report: Report }> {
  const result = await runCli(["check", "--format", "json", ...argv], { env });
  try {
    return { result, report: JSON.parse(result.stdout) as Report };
  } catch {
    throw new Error(`check did not print JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

function finding(report: Report, id: string): Finding {
  const found = report.findings.find((f) => f.id === id);
  if (!found) throw new Error(`no ${id} in ${report.findings.map((f) => f.id).join(", ")}`);
  return found;
}

/** The ingestor's target again, with other input settings (put-targets replaces the target whole). */
async function retarget(names: IngestorNames, input: Record<string, unknown>, arn = names.fnArn): Promise<void> {
  await seed.target(names.rule, names.bus, arn, { Id: "target-1", RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: names.dlqArn }, ...input });
}

describe("target.input against moto", () => {
  it("InputPath $.detail: a warning with the payload the handler receives, a put-targets fix that keeps the rest; exit 0, and the same offline", async () => {
    const names = await seed.ingestor();
    await retarget(names, { InputPath: "$.detail" });
    const { result, report } = await check(args(names));
    expect(result.code).toBe(0);
    expect(report.status).toBe("warn");
    const f = finding(report, "target.input");
    expect(f.status).toBe("warn");
    expect(f.title).toBe(`InputPath $.detail drops the event's source and detail-type: the handler receives ${DETAIL}`);
    expect(f.evidence).toMatchObject({ payload: DETAIL, json: JSON.parse(DETAIL), mode: "input-path", settings: { InputPath: "$.detail" } });
    const put = f.fix!.split("\n").find((line) => line.includes("aws events put-targets"))!;
    expect(put).toContain(`--rule ${names.rule} --event-bus-name ${names.bus} --region ${MOTO_REGION}`);
    expect(put).toContain(`--endpoint-url ${moto.endpoint}`);
    expect(put).toContain("jq -c 'map(del(.Input, .InputPath, .InputTransformer))'");

    // The pretty report shows the payload under the warning.
    const pretty = await runCli(["check", ...args(names)], { env });
    expect(pretty.stdout).toMatch(new RegExp(`payload:\\s+${DETAIL.replace(/[[\]{}.]/g, "\\$&")}`));

    // The snapshot keeps the settings: check --from says the same, with no AWS at all.
    const saved = await runCli(["snapshot", ...args(names)], { env });
    const offline = await runCli(["check", "--format", "json", "--from", "-"], { env: {}, stdin: saved.stdout });
    expect(finding(JSON.parse(offline.stdout) as Report, "target.input")).toMatchObject({ status: "warn", title: f.title });
  });

  it("a quoted object placeholder: root cause target.input, exit 1, the fix unquotes it", async () => {
    const names = await seed.ingestor();
    await retarget(names, {
      InputTransformer: { InputPathsMap: { source: "$.source", type: "$.detail-type", detail: "$.detail" }, InputTemplate: '{"source": <source>, "detail-type": <type>, "detail": "<detail>"}' },
    });
    const { result, report } = await check(args(names));
    expect(report.rootCause?.id, JSON.stringify(report.findings.filter((f) => f.status !== "pass"), null, 2)).toBe("target.input");
    expect(result.code).toBe(1);
    expect(report.status).toBe("fail");
    expect(report.rootCause!.title).toMatch(/puts <detail> \(an object\) inside quotes: EventBridge accepts it and delivers nothing/);
    expect(report.rootCause!.fix).toContain('"InputTemplate":"{\\"source\\": <source>, \\"detail-type\\": <type>, \\"detail\\": <detail>}"');
  });

  it("an InputTransformer that keeps source and detail-type passes", async () => {
    const names = await seed.ingestor();
    await retarget(names, { InputTransformer: { InputPathsMap: { job: "$.detail.job_id" }, InputTemplate: '{"source": "agent2.ingestor", "detail-type": "Document Processing Required", "job": <job>}' } });
    const { result, report } = await check(args(names));
    expect(finding(report, "target.input")).toMatchObject({ status: "pass", evidence: { json: { source: "agent2.ingestor", "detail-type": "Document Processing Required", job: "89fdf15c" } } });
    expect(result.code).toBe(0);
  });
});

describe("target.async against moto", () => {
  it("none configured: Lambda's defaults, a pass; GetFunctionEventInvokeConfig's not-found is 'none'", async () => {
    const names = await seed.ingestor();
    const { result, report } = await check(args(names));
    expect(finding(report, "target.async")).toMatchObject({ status: "pass", title: "Lambda's defaults: 2 retries, events kept up to 6h; no on-failure destination or function dead-letter queue" });
    expect(finding(report, "target.async").evidence).toMatchObject({ asyncEventsDropped: 0, deadLetterErrors: 0, destinationDeliveryFailures: 0 });
    expect(result.code).toBe(0);
  });

  it("0 retries and 60 s, no destination: a warning, and the exact put-function-event-invoke-config", async () => {
    const names = await seed.ingestor();
    await seed.asyncConfig(names.fn, { retries: 0, maxAgeSeconds: 60 });
    const { result, report } = await check(args(names));
    const f = finding(report, "target.async");
    expect(f.status).toBe("warn");
    expect(f.title).toMatch(/^0 retries and no on-failure destination or function dead-letter queue/);
    expect(f.evidence).toMatchObject({ maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60, onFailure: null });
    // Where the diagnosis looked (the emulator's endpoint), with the settings in place kept.
    expect(f.fix).toContain(
      `  aws lambda put-function-event-invoke-config --endpoint-url ${moto.endpoint} --function-name ${names.fn} --maximum-retry-attempts 2 --maximum-event-age-in-seconds 60 --destination-config '{"OnFailure":{"Destination":"arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:${names.fn}-async-failures"}}' --region ${MOTO_REGION}\n`,
    );
    // The execution role, by its real name, may write to the queue.
    expect(f.fix).toMatch(/aws iam put-role-policy .*--role-name lambda-role-\w+ --policy-name course-doctor-async-on-failure/);
    expect(result.code).toBe(0);
    // target.retry no longer suggests its DLQ covers this.
    expect(finding(report, "target.retry").title).toMatch(/not function errors \(see target\.async\)/);
  });

  it("AsyncEventsDropped in the window: root cause target.async, exit 1, with the age and throttles as evidence", async () => {
    const names = await seed.ingestor();
    await seed.asyncConfig(names.fn, { retries: 0, maxAgeSeconds: 60 });
    await seed.metric("AWS/Lambda", "AsyncEventsDropped", { FunctionName: names.fn }, 4);
    await seed.metric("AWS/Lambda", "AsyncEventAge", { FunctionName: names.fn }, 59_000);
    await seed.metric("AWS/Lambda", "Throttles", { FunctionName: names.fn }, 6);
    const { result, report } = await check(args(names));
    expect(report.rootCause?.id, JSON.stringify(report.findings.filter((f) => f.status !== "pass"), null, 2)).toBe("target.async");
    expect(result.code).toBe(1);
    expect(report.rootCause!.title).toMatch(/^agent2-ingestor-api-dev: 4 events dropped by Lambda after it accepted them in the last 1h \(AsyncEventsDropped\): no on-failure destination/);
    expect(finding(report, "target.async").evidence).toMatchObject({ asyncEventsDropped: 4, asyncEventAgeMaxMs: 59_000 });
    expect(report.rootCause!.fix).toContain("put-function-event-invoke-config");
    expect(finding(report, "metrics.errors").title).toMatch(/consistent with the cause above/);
  });

  it("an alias target: its own settings (Qualifier) and its own metrics (FunctionName + Resource)", async () => {
    const names = await seed.ingestor({ suffix: "-alias" });
    const aliasArn = await seed.alias(names.fn, "live");
    await seed.permission(names.fn, names.ruleArn, { qualifier: "live", sid: "EventBridgeLive" });
    await retarget(names, {}, aliasArn);
    await seed.asyncConfig(names.fn, { retries: 0, maxAgeSeconds: 120, qualifier: "live" });
    await seed.metric("AWS/Lambda", "AsyncEventsDropped", { FunctionName: names.fn, Resource: `${names.fn}:live` }, 2);
    const { result, report } = await check(args(names));
    expect(report.rootCause?.id, JSON.stringify(report.findings.filter((f) => f.status !== "pass"), null, 2)).toBe("target.async");
    expect(result.code).toBe(1);
    const f = finding(report, "target.async");
    expect(f.subject).toBe(`${names.fn}:live`);
    expect(f.evidence).toMatchObject({ maximumRetryAttempts: 0, maximumEventAgeInSeconds: 120, asyncEventsDropped: 2 });
    expect(f.fix).toContain(`--function-name ${names.fn} --qualifier live --maximum-retry-attempts 2 --maximum-event-age-in-seconds 120`);
  });

  it("an on-failure destination: a pass naming it", async () => {
    const names = await seed.ingestor();
    const failures = await seed.queue("agent2-ingestor-async-failures");
    await seed.asyncConfig(names.fn, { retries: 0, maxAgeSeconds: 60, onFailure: failures.arn });
    const { result, report } = await check(args(names));
    expect(finding(report, "target.async")).toMatchObject({ status: "pass", title: "failed or expired events go to on-failure destination queue agent2-ingestor-async-failures (0 retries, events kept up to 1m)" });
    expect(result.code).toBe(0);
  });

  it("a function DLQ set at CreateFunction: moto 5 does not keep DeadLetterConfig, so what it answers is 'none' (the real answer is covered in test/collect)", async () => {
    const names = await seed.ingestor();
    const dlq = await seed.queue("agent2-ingestor-fn-dlq");
    const fnArn = await seed.fn("agent2-ingestor-dlq-fn", {}, { deadLetterArn: dlq.arn });
    await seed.permission("agent2-ingestor-dlq-fn", names.ruleArn);
    await retarget(names, {}, fnArn);
    await seed.asyncConfig("agent2-ingestor-dlq-fn", { retries: 0 });
    const { report } = await check(args(names));
    const f = finding(report, "target.async");
    expect(f.evidence).toMatchObject({ functionDeadLetter: null, maximumRetryAttempts: 0 });
    expect(f.status).toBe("warn");
  });
});
