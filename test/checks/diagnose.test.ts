import { describe, expect, test } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { crossReference, diagnose, exitCodeFor, exitCodeForAll, orderFindings, worstStatus } from "../../src/diagnose.js";
import type { Finding, FindingId, FindingStatus } from "../../src/model/finding.js";
import { broken } from "../fixtures/snapshot.js";

const target = { region: "us-east-1", account: "123456789012", bus: "b", rule: "r" };

function f(id: FindingId, status: FindingStatus, extra: Partial<Finding> = {}): Finding {
  return { id, status, title: `${id} ${status}`, ...extra };
}

function run(findings: Finding[], strict = false) {
  return diagnose(findings, { target, durationMs: 42, strict });
}

describe("root cause", () => {
  test("is the first fail in causal order, whatever order the findings came in", () => {
    const d = run([f("metrics.delivery", "fail"), f("target.permission", "fail", { fix: "aws lambda add-permission ..." }), f("rule.state", "pass")]);
    expect(d.findings.map((x) => x.id)).toEqual(["rule.state", "target.permission", "metrics.delivery"]);
    expect(d.rootCause).toEqual({ id: "target.permission", title: "target.permission fail", fix: "aws lambda add-permission ..." });
    expect(d.status).toBe("fail");
  });

  test("is null when nothing fails; warnings and peripheral errors make the status warn and exit 0", () => {
    const d = run([f("aws.access", "pass"), f("metrics.matched", "warn"), f("target.dlq", "error")]);
    expect(d).toMatchObject({ status: "warn", rootCause: null, blockedBy: null, summary: { pass: 1, warn: 1, fail: 0, skip: 0, error: 1 } });
    expect(exitCodeFor(d)).toBe(0);
  });
});

describe("could not tell", () => {
  test.each(["aws.access", "bus.exists", "rule.exists", "rule.state", "targets.present", "target.exists", "target.permission"] as const)(
    "%s in error with nothing failed is unknown, exit 2, naming what blocked it",
    (id) => {
      const d = run([f("metrics.matched", "pass"), f(id, "error", { fix: "raise --timeout" })]);
      expect(d).toMatchObject({ status: "unknown", rootCause: null, blockedBy: { id, title: `${id} error`, fix: "raise --timeout" } });
      expect(exitCodeFor(d)).toBe(2);
    },
  );

  test("a failure elsewhere still decides: fail, exit 1, nothing blocked", () => {
    const d = run([f("rule.exists", "error"), f("publisher.bus", "fail")]);
    expect(d).toMatchObject({ status: "fail", rootCause: { id: "publisher.bus" }, blockedBy: null });
    expect(exitCodeFor(d)).toBe(1);
  });

  test("--strict cannot make unknown known, nor turn it into a failure", () => {
    const d = run([f("rule.exists", "error"), f("metrics.matched", "warn")], true);
    expect(d).toMatchObject({ status: "unknown", rootCause: null, blockedBy: { id: "rule.exists" } });
    expect(exitCodeFor(d)).toBe(2);
  });

  test("check --all: the worst rule decides, 1 over 2 over 0", () => {
    const ok = run([f("rule.state", "pass")]);
    const unknown = run([f("rule.state", "error")]);
    const broken = run([f("rule.state", "fail")]);
    expect(exitCodeForAll([ok, unknown])).toBe(2);
    expect(exitCodeForAll([unknown, broken, ok])).toBe(1);
    expect(exitCodeForAll([ok, ok])).toBe(0);
    expect(worstStatus(["pass", "unknown", "warn"])).toBe("unknown");
  });

  test("a fix-less root cause has fix null", () => {
    expect(run([f("rule.state", "fail")]).rootCause?.fix).toBeNull();
  });

  test("per-target findings keep their order", () => {
    const d = run([f("target.permission", "pass", { subject: "a" }), f("target.exists", "pass", { subject: "b" }), f("target.permission", "fail", { subject: "c" }), f("target.exists", "pass", { subject: "d" })]);
    expect(d.findings.map((x) => x.subject)).toEqual(["b", "d", "a", "c"]);
  });
});

describe("strict", () => {
  test("warnings and errors fail the run; the root cause stays the first real fail", () => {
    const d = run([f("rule.pattern", "warn"), f("target.permission", "fail"), f("aws.access", "error")], true);
    expect(d.status).toBe("fail");
    expect(d.rootCause?.id).toBe("target.permission");
  });

  test("without any fail, the first warning or error is the root cause", () => {
    const d = run([f("metrics.matched", "warn"), f("target.dlq", "error"), f("rule.state", "pass")], true);
    expect(d).toMatchObject({ status: "fail", rootCause: { id: "target.dlq" } });
    expect(exitCodeFor(d)).toBe(1);
  });

  test("a clean run passes under strict too", () => {
    const d = run([f("rule.state", "pass"), f("publisher.bus", "skip")], true);
    expect(d).toMatchObject({ status: "pass", rootCause: null });
    expect(exitCodeFor(d)).toBe(0);
  });
});

test.each([
  [[f("rule.state", "pass")], false, 0],
  [[f("rule.state", "fail")], false, 1],
  [[f("rule.state", "warn")], false, 0],
  [[f("rule.state", "warn")], true, 1],
  [[f("rule.state", "error")], false, 2],
  [[f("rule.state", "error")], true, 2],
  [[f("logs.errors", "error")], false, 0],
  [[f("logs.errors", "error")], true, 1],
  [[f("rule.state", "skip")], true, 0],
] as const)("exit code %#", (findings, strict, code) => {
  expect(exitCodeFor(run([...findings], strict))).toBe(code);
});

describe("cross-references", () => {
  test("symptoms explained by the root cause say so; the input is not changed", () => {
    const input = [f("publisher.bus", "fail"), f("metrics.matched", "warn", { title: "0 matched in the last 1h (EventBusName+RuleName)" }), f("logs.errors", "warn")];
    const d = run(input);
    expect(d.findings[1]!.title).toBe("0 matched in the last 1h (EventBusName+RuleName) — consistent with the cause above");
    expect(d.findings[1]!.detail).toContain("(publisher.bus)");
    expect(d.findings[2]!.title).toContain("consistent with the cause above");
    expect(input[1]!.title).toBe("0 matched in the last 1h (EventBusName+RuleName)");
  });

  test("a symptom the cause does not explain is left alone", () => {
    // A permission problem does not explain zero matched events.
    const d = run([f("target.permission", "fail"), f("metrics.matched", "warn"), f("metrics.delivery", "fail")]);
    expect(d.findings[1]!.title).toBe("metrics.matched warn");
    expect(d.findings[2]!.title).toContain("consistent with the cause above");
  });

  test("nothing before the root cause is marked, and applying twice adds nothing", () => {
    const findings = [f("metrics.matched", "warn"), f("metrics.delivery", "fail")];
    const once = crossReference(orderFindings(findings), findings[1]!);
    expect(once[0]!.title).toBe("metrics.matched warn");
    expect(crossReference(once, once[1]!)).toEqual(once);
  });

  test("the ingestor incident: publisher.bus is the cause and zero matched is consistent with it", () => {
    const d = run(runChecks(broken.ingestorIncident()));
    expect(d.rootCause?.id).toBe("publisher.bus");
    const matched = d.findings.find((x) => x.id === "metrics.matched")!;
    expect(matched.title).toBe("0 matched in the last 1h (EventBusName+RuleName) — consistent with the cause above");
  });
});

test("the diagnosis carries the target, duration, schema version and notes (deduplicated)", () => {
  const d = diagnose([f("rule.state", "pass")], { target, durationMs: 7, strict: false, notes: ["metrics lag", "metrics lag"] });
  expect(d).toMatchObject({ schemaVersion: 1, target, durationMs: 7, notes: ["metrics lag"] });
});

test("a per-target root cause names its target", () => {
  const d = run([f("target.permission", "fail", { subject: "api-dev", title: "events.amazonaws.com may not invoke it" })]);
  expect(d.rootCause?.title).toBe("api-dev: events.amazonaws.com may not invoke it");
  const named = run([f("target.exists", "fail", { subject: "api-dev", title: "api-dev does not exist" })]);
  expect(named.rootCause?.title).toBe("api-dev does not exist");
});
