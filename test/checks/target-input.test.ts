/**
 * target.input from snapshot fixtures: what the target receives for the application's
 * event, in every shape its input settings take, and the paste-ready put-targets fix.
 */
import { describe, expect, test } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { diagnose } from "../../src/diagnose.js";
import type { Finding, FindingId } from "../../src/model/finding.js";
import type { Snapshot, TargetInfo, TargetInputSettings } from "../../src/model/snapshot.js";
import { renderPretty } from "../../src/report/pretty.js";
import { Chalk } from "chalk";
import { ACCOUNT, APP_ENTRY, BUS, FUNCTION, REGION, RULE, RULE_ARN, buildSnapshot, metricsState, ok, variant } from "../fixtures/snapshot.js";

function withInput(input: TargetInputSettings | undefined, change?: (s: Snapshot) => void): Snapshot {
  return variant((s) => {
    if (!s.targets.ok) return;
    const target = s.targets.value[0]!;
    if (input === undefined) delete target.input;
    else target.input = input;
    change?.(s);
  });
}

function one(snapshot: Snapshot, id: FindingId = "target.input"): Finding {
  const found = runChecks(snapshot).filter((f) => f.id === id);
  expect(found, `one ${id} finding`).toHaveLength(1);
  return found[0]!;
}

const DETAIL = JSON.parse(APP_ENTRY.Detail) as Record<string, unknown>;

describe("target.input", () => {
  test("no input settings: the event as is, a pass with the event as the payload", () => {
    const f = one(buildSnapshot());
    expect(f).toMatchObject({ status: "pass", title: "receives the event as is", subject: FUNCTION });
    expect(f.evidence).toMatchObject({ mode: "event", delivered: true, json: { source: "agent2.ingestor", "detail-type": "Document Processing Required", detail: DETAIL } });
    expect(JSON.parse(f.evidence!.payload as string)).toMatchObject({ source: "agent2.ingestor" });
  });

  test("InputPath $.detail drops source and detail-type: a warning naming both, with the payload", () => {
    const f = one(withInput({ InputPath: "$.detail" }));
    expect(f.status).toBe("warn");
    expect(f.title).toMatch(/^InputPath \$\.detail drops the event's source and detail-type: the handler receives \{"job_id":"7f3c2a4e/);
    expect(f.evidence).toMatchObject({ mode: "input-path", json: DETAIL, delivered: true, settings: { InputPath: "$.detail" } });
    expect(f.evidence!.payload).toBe(APP_ENTRY.Detail);
    expect(f.detail).toMatch(/no-op/);
  });

  test("the fix for InputPath: put-targets that removes it and keeps the target's other settings", () => {
    const f = one(withInput({ InputPath: "$.detail" }));
    const lines = f.fix!.split("\n");
    const put = lines.find((line) => line.includes("aws events put-targets"))!;
    expect(put).toContain(`--rule ${RULE} --event-bus-name ${BUS} --region ${REGION}`);
    expect(put).toContain(`list-targets-by-rule --rule ${RULE}`);
    expect(put).toContain(`Targets[?Id=='\\''${FUNCTION}'\\'']`);
    expect(put).toContain("jq -c 'map(del(.Input, .InputPath, .InputTransformer))'");
    expect(f.fix).toMatch(/Remove InputPath: the target receives the whole event/);
    // Offline preview with the real rule ARN and event.
    expect(lines.some((line) => line.trim().startsWith("course-doctor input ") && line.includes(RULE_ARN))).toBe(true);
  });

  test("an InputTransformer that keeps source and detail-type passes, with a preview in the title", () => {
    const f = one(
      withInput({
        InputTransformer: {
          InputPathsMap: { source: "$.source", type: "$.detail-type", job: "$.detail.job_id" },
          InputTemplate: '{"source": <source>, "detail-type": <type>, "job": <job>}',
        },
      }),
    );
    expect(f.status).toBe("pass");
    expect(f.title).toBe('InputTransformer: the handler receives {"source": "agent2.ingestor", "detail-type": "Document Proc…');
    expect(f.evidence!.json).toEqual({ source: "agent2.ingestor", "detail-type": "Document Processing Required", job: DETAIL.job_id });
  });

  test("<aws.events.event.json> keeps the whole event", () => {
    const f = one(withInput({ InputTransformer: { InputTemplate: '{"event": <aws.events.event.json>, "source": "x", "detail-type": "y"}' } }));
    expect(f.status).toBe("pass");
  });

  test("an InputTransformer that drops them: the fix adds them back, verified by the engine", () => {
    const f = one(withInput({ InputTransformer: { InputPathsMap: { job: "$.detail.job_id" }, InputTemplate: '{"job": <job>}' } }));
    expect(f.status).toBe("warn");
    expect(f.evidence!.corrected).toEqual({
      InputTransformer: { InputPathsMap: { job: "$.detail.job_id", source: "$.source", "detail-type": "$.detail-type" }, InputTemplate: '{"source":<source>,"detail-type":<detail-type>,"job": <job>}' },
    });
    expect(JSON.parse(f.evidence!.correctedPayload as string)).toEqual({ source: "agent2.ingestor", "detail-type": "Document Processing Required", job: DETAIL.job_id });
    expect(f.fix).toMatch(/Add source and detail-type to the template, read from the event\./);
    expect(f.fix).toContain(`map(del(.Input, .InputPath, .InputTransformer) + {"InputTransformer":{"InputPathsMap":{"job":"$.detail.job_id","source":"$.source","detail-type":"$.detail-type"}`);
    // Removing is offered too.
    expect(f.fix).toMatch(/Or remove the transformation/);
  });

  test("a constant Input: a warning (no source), the fix turns it into a template that adds them", () => {
    const f = one(withInput({ Input: '{"job":"nightly"}' }));
    expect(f.status).toBe("warn");
    expect(f.title).toBe(`Input (a constant) drops the event's source and detail-type: the handler receives {"job":"nightly"}`);
    expect(f.evidence!.corrected).toEqual({ InputTransformer: { InputPathsMap: { source: "$.source", "detail-type": "$.detail-type" }, InputTemplate: '{"source":<source>,"detail-type":<detail-type>,"job":"nightly"}' } });
  });

  test("a quoted object placeholder fails: accepted, and nothing is delivered; the fix unquotes it", () => {
    const settings = { InputTransformer: { InputPathsMap: { detail: "$.detail", source: "$.source", type: "$.detail-type" }, InputTemplate: '{"source": <source>, "detail-type": <type>, "detail": "<detail>"}' } };
    const f = one(withInput(settings));
    expect(f.status).toBe("fail");
    expect(f.title).toBe("InputTransformer puts <detail> (an object) inside quotes: EventBridge accepts it and delivers nothing (INVALID_JSON)");
    expect(f.evidence!.delivered).toBe(false);
    expect(f.evidence).not.toHaveProperty("json");
    expect(f.detail).toMatch(/INVALID_JSON/);
    expect((f.evidence!.corrected as TargetInputSettings).InputTransformer!.InputTemplate).toBe('{"source": <source>, "detail-type": <type>, "detail": <detail>}');
    expect(f.fix).toMatch(/Write <detail> without quotes/);
  });

  test("a quoted object placeholder is the root cause, and the delivery symptoms point at it", () => {
    const s = withInput({ InputTransformer: { InputPathsMap: { d: "$.detail" }, InputTemplate: '{"d": "<d>"}' } }, (s) => {
      s.metrics = ok(metricsState({ failed: 12, invocations: 12, lambdaInvocations: 0 }));
      s.lambdaTargets[FUNCTION]!.logs = ok({ group: `/aws/lambda/${FUNCTION}`, groupExists: false, errorLines: [], scannedLines: 0 });
    });
    const d = diagnose(runChecks(s), { target: { region: REGION, account: ACCOUNT, bus: BUS, rule: RULE }, durationMs: 1, strict: false });
    expect(d.status).toBe("fail");
    expect(d.rootCause?.id).toBe("target.input");
    expect(d.rootCause?.fix).toContain("aws events put-targets");
    const delivery = d.findings.find((f) => f.id === "metrics.delivery")!;
    expect(delivery.title).toMatch(/consistent with the cause above/);
    expect(d.findings.find((f) => f.id === "logs.errors")!.title).toMatch(/consistent with the cause above/);
  });

  test("text that is not JSON fails; lines of quoted text warn for a Lambda only", () => {
    const invalid = one(withInput({ InputTransformer: { InputPathsMap: { id: "$.detail.job_id" }, InputTemplate: "job <id> queued" } }));
    // A bare text template is rejected by PutTargets: the engine says so, as an error.
    expect(invalid.status).toBe("error");
    const lines = { InputTransformer: { InputPathsMap: { id: "$.detail.job_id" }, InputTemplate: '"job <id>"\n"queued"' } };
    const lambda = one(withInput(lines));
    expect(lambda.status).toBe("warn");
    expect(lambda.title).toMatch(/lines of text, not one JSON value/);
    const queue = withInput(undefined, (s) => {
      if (!s.targets.ok) return;
      s.targets.value = [{ id: "audit", arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:audit`, kind: "sqs", input: lines }];
      s.lambdaTargets = {};
    });
    const q = one(queue);
    // A queue takes text; only the envelope is gone.
    expect(q.status).toBe("warn");
    expect(q.title).toMatch(/^InputTransformer drops the event's source and detail-type: it receives "job 7f3c/);
    expect(q.evidence!.warnings).not.toEqual(expect.arrayContaining([expect.stringMatching(/Lambda target cannot parse/)]));
  });

  test("a text payload with a quote in a value is not JSON: nothing is delivered", () => {
    const s = withInput({ InputTransformer: { InputPathsMap: { key: "$.detail.key" }, InputTemplate: '"file <key>"' } }, (s) => {
      s.event = { origin: "file", input: { ...APP_ENTRY, Detail: JSON.stringify({ key: 'report "final".pdf' }) } };
    });
    const f = one(s);
    expect(f.status).toBe("fail");
    expect(f.title).toBe("InputTransformer builds text that is not JSON: EventBridge delivers nothing (INVALID_JSON)");
  });

  test("a variable that resolves to nothing warns, naming it; the payload holds an empty value", () => {
    const f = one(withInput({ InputTransformer: { InputPathsMap: { source: "$.source", type: "$.detail-type", cmd: "$.detail.command" }, InputTemplate: '{"source": <source>, "detail-type": <type>, "command": <cmd>}' } }));
    expect(f.status).toBe("warn");
    expect(f.title).toMatch(/^InputTransformer: <cmd> finds nothing in the event: the handler receives \{"source"/);
    expect(f.evidence!.json).toMatchObject({ command: "" });
    expect(f.fix).toContain("course-doctor input");
  });

  test("an InputPath that finds nothing sends {}", () => {
    const f = one(withInput({ InputPath: "$.detail.missing" }));
    expect(f.status).toBe("warn");
    expect(f.evidence!.payload).toBe("{}");
  });

  test("no application event: a stand-in from the rule's pattern, never a failure", () => {
    const s = withInput({ InputPath: "$.detail" }, (s) => (s.event = null));
    const f = one(s);
    expect(f.status).toBe("warn");
    expect(f.title).toMatch(/drops the event's source and detail-type: the handler receives \{\} \(for a stand-in event: give --event for yours\)$/);
    expect(f.evidence!.event).toMatch(/stand-in/);
    const quoted = one(withInput({ InputTransformer: { InputPathsMap: { d: "$.detail" }, InputTemplate: '{"d": "<d>"}' } }, (s) => (s.event = null)));
    expect(quoted.status).toBe("warn");
    const noSettings = one(withInput({}, (s) => (s.event = null)));
    expect(noSettings.status).toBe("pass");
  });

  test("an old snapshot without the target's input settings: skip, never a pass", () => {
    expect(one(withInput(undefined))).toMatchObject({ status: "skip", title: expect.stringMatching(/does not record the target's input settings/) });
    const rewrites = withInput(undefined, (s) => s.targets.ok && (s.targets.value[0]!.transformsInput = true));
    expect(one(rewrites)).toMatchObject({ status: "skip", title: expect.stringMatching(/rewrites the event, but this snapshot does not record how/) });
  });

  test("an event that cannot be read: skip (event.valid says why)", () => {
    const f = one(withInput({ InputPath: "$.detail" }, (s) => (s.event = { origin: "inline", input: [1, 2] })));
    expect(f.status).toBe("skip");
  });

  test("every target kind is checked; each has its subject", () => {
    const s = variant((s) => {
      if (!s.targets.ok) return;
      const queue: TargetInfo = { id: "audit", arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:audit`, kind: "sqs", input: { InputPath: "$.detail" } };
      s.targets.value.push(queue);
    });
    const findings = runChecks(s).filter((f) => f.id === "target.input");
    expect(findings.map((f) => [f.subject, f.status])).toEqual([
      [FUNCTION, "pass"],
      ["audit", "warn"],
    ]);
    expect(findings[1]!.title).toMatch(/it receives \{"job_id"/);
  });

  test("the pretty report shows the payload on one line under the warning", () => {
    const s = withInput({ InputPath: "$.detail" });
    const d = diagnose(runChecks(s), { target: { region: REGION, account: ACCOUNT, bus: BUS, rule: RULE }, durationMs: 1, strict: false });
    const text = renderPretty(d, { chalk: new Chalk({ level: 0 }), columns: 100 });
    const line = text.split("\n").find((l) => l.trim().startsWith("payload:"))!;
    expect(line).toContain(APP_ENTRY.Detail.slice(0, 40));
    expect(text).toMatch(/⚠ target\.input/);
  });
});
