import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { renderReport, renderReportSet } from "../../src/report/index.js";
import { diagnosis, diagnosisSet, healthyDiagnosis, incidentDiagnosis, INCIDENT_FIX } from "./fixtures.js";

const options = { chalk: new Chalk({ level: 2 }), columns: 80 };
const DIAGNOSIS_KEYS = ["schemaVersion", "status", "rootCause", "blockedBy", "findings", "target", "durationMs", "summary", "notes"];
const FINDING_KEYS = ["id", "status", "title", "detail", "evidence", "fix"];

describe("json report", () => {
  it("prints exactly the documented schema, keys in order", () => {
    const text = renderReport("json", incidentDiagnosis(), options);
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual(DIAGNOSIS_KEYS);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.status).toBe("fail");
    expect(Object.keys(doc.rootCause)).toEqual(["id", "title", "fix"]);
    expect(doc.rootCause).toMatchObject({ id: "publisher.bus", fix: INCIDENT_FIX });
    expect(Object.keys(doc.target)).toEqual(["region", "account", "bus", "rule"]);
    expect(doc.durationMs).toBe(2345);
    expect(doc.summary).toEqual({ pass: 11, warn: 1, fail: 1, skip: 1, error: 1 });
    expect(doc.notes).toHaveLength(1);
  });

  it("gives every finding the same keys, null where absent, subject after the id when set", () => {
    const doc = JSON.parse(renderReport("json", incidentDiagnosis(), options));
    for (const finding of doc.findings) {
      const expected = "subject" in finding ? ["id", "subject", ...FINDING_KEYS.slice(1)] : FINDING_KEYS;
      expect(Object.keys(finding)).toEqual(expected);
    }
    const state = doc.findings.find((finding: { id: string }) => finding.id === "rule.state");
    expect(state).toEqual({ id: "rule.state", status: "pass", title: "ENABLED", detail: null, evidence: {}, fix: null });
    const denied = doc.findings.find((finding: { id: string }) => finding.id === "target.permission");
    expect(denied).toMatchObject({ subject: "agent2-ingestor-api-dev", status: "error", evidence: { action: "lambda:GetPolicy" } });
  });

  it("has a null root cause when nothing failed, is indented by two spaces and carries no colors", () => {
    const text = renderReport("json", healthyDiagnosis(), options);
    expect(JSON.parse(text).rootCause).toBeNull();
    expect(text.split("\n")[1]).toBe('  "schemaVersion": 1,');
    expect(text).not.toContain("\u001b");
  });

  it("stays valid JSON whatever the evidence holds", () => {
    const d = diagnosis([
      { id: "metrics.matched", status: "warn", title: "odd", evidence: { gone: undefined, big: 10n, list: [undefined, 1], nan: Number.NaN, text: 'quote " and \u001b' } },
    ]);
    const text = renderReport("json", d, options);
    expect(text).not.toContain("undefined");
    const evidence = JSON.parse(text).findings[0].evidence;
    expect(evidence).toEqual({ big: "10", list: [null, 1], nan: null, text: 'quote " and \u001b' });
  });

  it("renders check --all as one document holding each rule's diagnosis", () => {
    const set = diagnosisSet([healthyDiagnosis(), incidentDiagnosis()]);
    const doc = JSON.parse(renderReportSet("json", set, options));
    expect(Object.keys(doc)).toEqual(["schemaVersion", "status", "bus", "region", "account", "durationMs", "rules"]);
    expect(doc.status).toBe("fail");
    expect(doc.rules).toHaveLength(2);
    for (const rule of doc.rules) expect(Object.keys(rule)).toEqual(DIAGNOSIS_KEYS);
    expect(doc.rules[1].rootCause.id).toBe("publisher.bus");
  });
});
