/**
 * target.async from snapshot fixtures: what Lambda does with an event after it accepted it
 * (retries, maximum age, on-failure destination, the function's own DLQ, AsyncEventsDropped),
 * and target.retry saying which dead-letter queue catches what.
 */
import { describe, expect, test } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { diagnose } from "../../src/diagnose.js";
import type { Finding, FindingId } from "../../src/model/finding.js";
import type { EventInvokeConfig, LambdaTargetState, Snapshot } from "../../src/model/snapshot.js";
import { ACCOUNT, BUS, FUNCTION, FUNCTION_ARN, REGION, RULE, buildSnapshot, failed, metricsState, ok, variant, type MetricCounts } from "../fixtures/snapshot.js";

const FAILURES_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:ingestor-async-failures`;
const FUNCTION_DLQ_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:ingestor-function-dlq`;

function state(s: Snapshot): LambdaTargetState {
  return s.lambdaTargets[FUNCTION]!;
}

function withAsync(config: EventInvokeConfig | null, options: { reserved?: number | null; functionDlq?: string | null; metrics?: MetricCounts } = {}): Snapshot {
  return variant((s) => {
    const t = state(s);
    t.eventInvokeConfig = ok(config);
    if (options.reserved !== undefined) t.concurrency = ok({ reserved: options.reserved });
    if (options.functionDlq !== undefined && t.configuration.ok) t.configuration.value.deadLetterTargetArn = options.functionDlq;
    if (options.metrics) s.metrics = ok(metricsState(options.metrics));
  });
}

function one(snapshot: Snapshot, id: FindingId = "target.async"): Finding {
  const found = runChecks(snapshot).filter((f) => f.id === id);
  expect(found, `one ${id} finding`).toHaveLength(1);
  return found[0]!;
}

function diagnosisOf(snapshot: Snapshot) {
  return diagnose(runChecks(snapshot), { target: { region: REGION, account: ACCOUNT, bus: BUS, rule: RULE }, durationMs: 1, strict: false });
}

describe("target.async", () => {
  test("none configured: Lambda's defaults apply, a pass that says there is no destination", () => {
    const f = one(buildSnapshot());
    expect(f).toMatchObject({ status: "pass", subject: FUNCTION, title: "Lambda's defaults: 2 retries, events kept up to 6h; no on-failure destination or function dead-letter queue" });
    expect(f.evidence).toMatchObject({ maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600, configured: "none: Lambda's defaults apply", onFailure: null, functionDeadLetter: null });
  });

  test("0 retries, no destination, no DLQ: failed or throttled events are discarded without a trace", () => {
    const f = one(withAsync({ maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 }));
    expect(f.status).toBe("warn");
    expect(f.title).toBe("0 retries and no on-failure destination or function dead-letter queue: an event whose invocation fails once, or is throttled until it expires, is discarded without a trace");
    expect(f.detail).toMatch(/FailedInvocations stays 0/);
  });

  test("the fix: a queue, put-function-event-invoke-config with it as the on-failure destination, and the role's permission", () => {
    const f = one(withAsync({ maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 }));
    const lines = f.fix!.split("\n");
    expect(lines).toContain(`  aws sqs create-queue --queue-name ${FUNCTION}-async-failures --region ${REGION}`);
    const put = lines.find((l) => l.includes("put-function-event-invoke-config"))!;
    expect(put.trim()).toBe(
      `aws lambda put-function-event-invoke-config --function-name ${FUNCTION} --maximum-retry-attempts 2 --maximum-event-age-in-seconds 60 --destination-config '{"OnFailure":{"Destination":"arn:aws:sqs:${REGION}:${ACCOUNT}:${FUNCTION}-async-failures"}}' --region ${REGION}`,
    );
    expect(f.fix).toMatch(/sqs:SendMessage/);
    expect(f.fix).toContain(`aws iam put-role-policy --role-name ${FUNCTION}-role`);
    expect(f.fix).toContain(`--dead-letter-config TargetArn=arn:aws:sqs:${REGION}:${ACCOUNT}:${FUNCTION}-async-failures`);
    // Every command on its own line, whole.
    for (const line of lines.filter((l) => l.includes("aws "))) expect(line.startsWith("  aws ")).toBe(true);
  });

  test("a short maximum age with low reserved concurrency warns", () => {
    const f = one(withAsync({ maximumEventAgeInSeconds: 60 }, { reserved: 2 }));
    expect(f.status).toBe("warn");
    expect(f.title).toBe("events expire after 1m with reserved concurrency 2 and no on-failure destination or function dead-letter queue: a burst that waits longer for a free instance is discarded without a trace");
    // The settings in place are kept by the fix (the retries were not set: the default 2).
    expect(f.fix).toContain("--maximum-retry-attempts 2 --maximum-event-age-in-seconds 60 --destination-config");
  });

  test("a short maximum age without reserved concurrency (the account's pool), or a long one, passes", () => {
    expect(one(withAsync({ maximumEventAgeInSeconds: 60 }, { reserved: null })).status).toBe("pass");
    expect(one(withAsync({ maximumEventAgeInSeconds: 3600 }, { reserved: 2 })).status).toBe("pass");
  });

  test("an on-failure destination: a pass naming it, whatever the retries", () => {
    const f = one(withAsync({ maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60, onFailure: FAILURES_ARN }, { reserved: 1 }));
    expect(f).toMatchObject({ status: "pass", title: "failed or expired events go to on-failure destination queue ingestor-async-failures (0 retries, events kept up to 1m)" });
    expect(f.evidence!.onFailure).toBe(FAILURES_ARN);
  });

  test("the function's own dead-letter queue: a pass naming it", () => {
    const f = one(withAsync({ maximumRetryAttempts: 0 }, { functionDlq: FUNCTION_DLQ_ARN }));
    expect(f).toMatchObject({ status: "pass", title: "failed or expired events go to the function's dead-letter queue ingestor-function-dlq (0 retries, events kept up to 6h)" });
  });

  test("AsyncEventsDropped above zero fails with the other async metrics as evidence, and is the root cause", () => {
    const s = withAsync({ maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 }, { reserved: 1, metrics: { asyncDropped: 7, asyncAgeMs: 58_000, throttles: 9 } });
    const f = one(s);
    expect(f.status).toBe("fail");
    expect(f.title).toBe("7 events dropped by Lambda after it accepted them in the last 1h (AsyncEventsDropped): no on-failure destination or function dead-letter queue, so they left no trace");
    expect(f.evidence).toMatchObject({ asyncEventsDropped: 7, asyncEventAgeMaxMs: 58_000, deadLetterErrors: "not read", destinationDeliveryFailures: "not read" });
    expect(f.detail).toMatch(/the oldest waited 58s of the 1m allowed/);
    expect(f.fix).toMatch(/9 throttles in the last 1h/);
    expect(f.fix).toContain("put-function-event-invoke-config");
    const d = diagnosisOf(s);
    expect(d.rootCause?.id).toBe("target.async");
    expect(d.status).toBe("fail");
    // The throttles are how the queue dropped them: a sign of the same cause.
    expect(d.findings.find((x) => x.id === "metrics.errors")!.title).toMatch(/consistent with the cause above/);
  });

  test("events dropped into a destination still fail (the work was not done), and the fix says where they are", () => {
    const f = one(withAsync({ onFailure: FAILURES_ARN }, { metrics: { asyncDropped: 3 } }));
    expect(f.status).toBe("fail");
    expect(f.title).toMatch(/; sent to on-failure destination queue ingestor-async-failures$/);
    expect(f.fix).toMatch(/^The dropped events are in on-failure destination queue ingestor-async-failures: read them there/);
  });

  test("Lambda could not write to the destination: a warning with the role permission", () => {
    const f = one(withAsync({ onFailure: FAILURES_ARN }, { metrics: { destinationFailures: 2 } }));
    expect(f.status).toBe("warn");
    expect(f.title).toBe("Lambda could not write 2 failed events to on-failure destination queue ingestor-async-failures in the last 1h (DeadLetterErrors, DestinationDeliveryFailures)");
    expect(f.fix).toContain(`"Action":"sqs:SendMessage","Resource":"${FAILURES_ARN}"`);
  });

  test("a qualified target: its own settings, and the fix names the qualifier (and offers no function DLQ)", () => {
    const s = variant((s) => {
      const aliasArn = `${FUNCTION_ARN}:live`;
      if (s.targets.ok) s.targets.value = [{ ...s.targets.value[0]!, arn: aliasArn, function: { name: FUNCTION, qualifier: "live" } }];
      const t = state(s);
      t.qualifier = "live";
      t.eventInvokeConfig = ok({ maximumRetryAttempts: 0 });
    });
    const f = one(s);
    expect(f).toMatchObject({ status: "warn", subject: `${FUNCTION}:live` });
    expect(f.fix).toContain(`--function-name ${FUNCTION} --qualifier live --maximum-retry-attempts 2`);
    expect(f.fix).toContain(`--queue-name ${FUNCTION}-live-async-failures`);
    expect(f.fix).not.toContain("update-function-configuration");
  });

  test("an old snapshot without the settings: skip, never a pass; and no metrics read is said so", () => {
    const old = variant((s) => {
      delete state(s).eventInvokeConfig;
    });
    expect(one(old)).toMatchObject({ status: "skip", title: expect.stringMatching(/does not record its asynchronous invocation settings/) });
    const noMetrics = variant((s) => (s.metrics = failed("access-denied", "cloudwatch:GetMetricData")));
    expect(one(noMetrics).evidence).toMatchObject({ asyncMetrics: "not read (see metrics.matched)" });
  });

  test("a denied GetFunctionEventInvokeConfig is an error naming the action", () => {
    const s = variant((s) => (state(s).eventInvokeConfig = failed("access-denied", "lambda:GetFunctionEventInvokeConfig")));
    const f = one(s);
    expect(f.status).toBe("error");
    expect(f.title).toMatch(/lambda:GetFunctionEventInvokeConfig/);
    // Not a check the verdict rests on: the run is a warning, not "could not diagnose".
    expect(diagnosisOf(s).status).toBe("warn");
  });

  test("a missing function or a non-function target: skip", () => {
    const missing = variant((s) => {
      state(s).configuration = failed("not-found");
      state(s).eventInvokeConfig = ok(null);
    });
    expect(one(missing).status).toBe("skip");
    const queue = variant((s) => {
      if (s.targets.ok) s.targets.value = [{ id: "q", arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:q`, kind: "sqs", input: {} }];
      s.lambdaTargets = {};
    });
    expect(one(queue)).toMatchObject({ status: "skip", title: expect.stringMatching(/not a function/) });
  });
});

describe("target.retry says which dead-letter queue catches what", () => {
  test("a Lambda target's DLQ catches what EventBridge could not deliver, never function errors", () => {
    const f = one(buildSnapshot(), "target.retry");
    expect(f.status).toBe("pass");
    expect(f.title).toBe("dead-letter queue agent2-ingestor-events-dlq-dev catches what EventBridge cannot deliver, not function errors (see target.async); 2 retries, max age 1h");
    expect(f.detail).toMatch(/Never a function error/);
    expect(f.evidence!.catches).toMatch(/no permission, a missing target, throttled/);
  });

  test("without one, the warning says what it would and would not catch", () => {
    const s = variant((s) => s.targets.ok && delete s.targets.value[0]!.deadLetterArn);
    const f = one(s, "target.retry");
    expect(f.status).toBe("warn");
    expect(f.title).toBe("no dead-letter queue (2 retries, max age 1h): events EventBridge cannot deliver are dropped");
    expect(f.detail).toMatch(/see target\.async/);
  });
});
