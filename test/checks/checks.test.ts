import { describe, expect, test } from "vitest";
import { CHECKS, runChecks } from "../../src/checks/index.js";
import { diagnose } from "../../src/diagnose.js";
import { FINDING_IDS, type Finding, type FindingId, type FindingStatus } from "../../src/model/finding.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { ACCOUNT, broken, buildSnapshot, BUS, BUS_ARN, FUNCTION, PUBLISHER, REGION, RULE, RULE_ARN } from "../fixtures/snapshot.js";

function only(findings: Finding[], id: FindingId): Finding {
  const matching = findings.filter((f) => f.id === id);
  expect(matching, `one ${id} finding`).toHaveLength(1);
  return matching[0]!;
}

function diagnosisOf(snapshot: Snapshot, strict = false) {
  return diagnose(runChecks(snapshot), { target: { region: REGION, account: ACCOUNT, bus: BUS, rule: RULE }, durationMs: 5, strict });
}

describe("the registry", () => {
  test("holds one check per catalog id, in the catalog's causal order, without the probe's", () => {
    expect(CHECKS.map((c) => c.id)).toEqual(FINDING_IDS.filter((id) => !id.startsWith("probe.")));
  });

  test("a healthy pipeline passes every check that applies; the others say why they do not", () => {
    const findings = runChecks(buildSnapshot());
    expect(findings.map((f) => f.id)).toEqual(CHECKS.map((c) => c.id));
    expect(findings.filter((f) => f.status !== "pass" && f.status !== "skip")).toEqual([]);
    // A same-account publisher needs no bus policy; a Lambda target without a role, no role; nothing is encrypted.
    expect(findings.filter((f) => f.status === "skip").map((f) => [f.id, f.title])).toEqual([
      ["bus.policy", `${PUBLISHER} is in the bus's account: no bus policy is needed`],
      ["target.role", `function ${FUNCTION}: no role; EventBridge delivers as events.amazonaws.com (see target.permission)`],
      ["target.encryption", `function ${FUNCTION}: not a queue or topic, and no encrypted dead-letter queue`],
      ["bus.logs", "the bus does not log (LogConfig level OFF, the default)"],
    ]);
    expect(diagnosisOf(buildSnapshot())).toMatchObject({ status: "pass", rootCause: null });
  });

  test("the healthy titles read like DESIGN.md's example", () => {
    const titles = Object.fromEntries(runChecks(buildSnapshot()).map((f) => [f.id, f.title]));
    expect(titles).toMatchObject({
      "aws.access": `credentials for arn:aws:sts::${ACCOUNT}:assumed-role/dev/alice`,
      "bus.exists": BUS,
      "rule.exists": `on ${BUS}`,
      "rule.state": "ENABLED",
      "rule.pattern": "valid: source, detail-type",
      "event.matches": "matches (local engine; TestEventPattern agrees)",
      "targets.present": `1 target: function ${FUNCTION}`,
      "target.permission": `events.amazonaws.com may invoke it from rule/${BUS}/${RULE}`,
      "metrics.matched": "12 matched in the last 1h (EventBusName+RuleName)",
    });
    expect(titles["event.valid"]).toMatch(/^agent2\.ingestor \/ Document Processing Required, \d+ bytes$/);
  });

  test("a check that throws becomes an error finding for its id, and the rest still run", () => {
    const exploding = { id: "rule.state" as const, title: "x", run: () => { throw new Error("boom"); } };
    const findings = runChecks(buildSnapshot(), [CHECKS[0]!, exploding, CHECKS[2]!]);
    expect(findings.map((f) => [f.id, f.status])).toEqual([
      ["aws.access", "pass"],
      ["rule.state", "error"],
      ["rule.exists", "pass"],
    ]);
    expect(findings[1]!.title).toContain("boom");
  });

  test("findings are plain data: JSON round-trips them, and no ANSI colour codes", () => {
    for (const make of Object.values(broken)) {
      const findings = runChecks(make());
      const text = JSON.stringify(findings);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(findings)));
      expect(text).not.toMatch(/\u001b\[/);
    }
  });
});

interface Case {
  variant: keyof typeof broken;
  id: FindingId;
  status: FindingStatus;
  title: string;
  fix?: string[];
  rootCause?: FindingId | null;
}

const cases: Case[] = [
  {
    variant: "ingestorIncident",
    id: "publisher.bus",
    status: "fail",
    title: `${PUBLISHER} has no EVENT_BUS_NAME: it publishes to the default bus`,
    fix: [`add EVENT_BUS_NAME=${BUS} to ${PUBLISHER}'s environment`, "update-function-configuration replaces the whole set", "--region us-east-1", "jq"],
    rootCause: "publisher.bus",
  },
  { variant: "publisherOtherBus", id: "publisher.bus", status: "fail", title: `EVENT_BUS_NAME is agent2-ingestor-events-prod: the rule is on ${BUS}`, fix: [`EVENT_BUS_NAME=${BUS}`] },
  { variant: "publisherArnOtherRegion", id: "publisher.bus", status: "fail", title: "in eu-west-1; the rule is in us-east-1", fix: [`EVENT_BUS_NAME=${BUS}`] },
  { variant: "publisherArnSameBus", id: "publisher.bus", status: "pass", title: `publishes to ${BUS} (EVENT_BUS_NAME holds its ARN)`, rootCause: null },
  { variant: "eventEntryOtherBus", id: "publisher.bus", status: "fail", title: "the event's EventBusName is agent2-ingestor-events-prod", fix: [`Set EventBusName to ${BUS}`] },
  { variant: "busMissing", id: "bus.exists", status: "fail", title: `no bus named ${BUS} in us-east-1`, fix: ["aws events list-event-buses --region us-east-1"] },
  { variant: "ruleMissing", id: "rule.exists", status: "fail", title: `no rule ${RULE} on ${BUS}`, fix: [`aws events list-rules --event-bus-name ${BUS} --region us-east-1`] },
  {
    variant: "ruleOnAnotherBus",
    id: "rule.exists",
    status: "fail",
    title: `not on ${BUS}; a rule named ${RULE} is on default (ENABLED)`,
    fix: [`course-doctor check --bus default --rule ${RULE}`, `aws events put-rule --name ${RULE} --event-bus-name ${BUS}`],
  },
  { variant: "ruleDisabled", id: "rule.state", status: "fail", title: "DISABLED", fix: [`aws events enable-rule --name ${RULE} --event-bus-name ${BUS} --region us-east-1`] },
  {
    variant: "eventMismatch",
    id: "event.matches",
    status: "fail",
    title: 'detail-type: expected one of ["Document Processing Required"], got "Document processing required" (differs only in case)',
    fix: ["The code sends DetailType", "Change DetailType in the publisher", "at detail-type in the pattern"],
  },
  { variant: "reservedSource", id: "event.valid", status: "fail", title: 'sources starting with "aws." are reserved', fix: ["Source"] },
  { variant: "noTargets", id: "targets.present", status: "fail", title: "no targets", fix: [`aws events put-targets --rule ${RULE} --event-bus-name ${BUS}`, `--source-arn ${RULE_ARN}`] },
  { variant: "targetMissing", id: "target.exists", status: "fail", title: `${FUNCTION} does not exist`, fix: [`aws events remove-targets --rule ${RULE}`, "--region us-east-1"] },
  {
    variant: "throttledToZero",
    id: "target.exists",
    status: "fail",
    title: "throttled to zero: reserved concurrency 0",
    fix: [`aws lambda delete-function-concurrency --function-name ${FUNCTION} --region us-east-1`, "put-function-concurrency"],
  },
  {
    variant: "permissionMissing",
    id: "target.permission",
    status: "fail",
    title: "no resource policy",
    fix: [`aws lambda add-permission --function-name ${FUNCTION} --statement-id`, "--principal events.amazonaws.com", `--source-arn ${RULE_ARN} --region us-east-1`],
  },
  {
    variant: "permissionDefaultBusForm",
    id: "target.permission",
    status: "fail",
    title: `statement AllowEventBridgeDocumentProcessing names rule/${RULE}`,
    fix: [`--source-arn ${RULE_ARN}`, "The old SourceArn did not match: it uses the default-bus form", "aws lambda remove-permission"],
  },
  {
    variant: "permissionOtherRule",
    id: "target.permission",
    status: "fail",
    title: `names rule/${BUS}/agent2-ingestor-cleanup-dev`,
    fix: [`--source-arn ${RULE_ARN}`, "it names another rule, agent2-ingestor-cleanup-dev"],
  },
  { variant: "permissionBusArnInside", id: "target.permission", status: "fail", title: "may not invoke it", fix: ["puts the bus ARN inside the rule ARN", `--source-arn ${RULE_ARN}`] },
  { variant: "permissionDefaultSegment", id: "target.permission", status: "fail", title: `names rule/default/${RULE}`, fix: [`--source-arn ${RULE_ARN}`] },
  { variant: "permissionOtherRegion", id: "target.permission", status: "fail", title: "in eu-west-1", fix: ["region eu-west-1; the rule is in us-east-1"] },
  {
    variant: "aliasPermissionOnFunction",
    id: "target.permission",
    status: "fail",
    title: `is on the function, not on ${FUNCTION}:live`,
    fix: [`aws lambda add-permission --function-name ${FUNCTION} --qualifier live`, `--source-arn ${RULE_ARN}`],
  },
  { variant: "permissionWithSourceAccount", id: "target.permission", status: "warn", title: "SourceAccount", fix: ["aws lambda add-permission", "aws lambda remove-permission"], rootCause: null },
  { variant: "permissionWithoutSourceArn", id: "target.permission", status: "pass", title: "from any rule", rootCause: null },
  { variant: "failedInvocations", id: "metrics.delivery", status: "fail", title: "5 failed invocations in the last 1h: EventBridge could not invoke the target", fix: ["resource policy"] },
  { variant: "handlerErrors", id: "metrics.errors", status: "fail", title: "3 errors", fix: [`aws logs tail /aws/lambda/${FUNCTION} --since 1h`] },
  { variant: "handlerErrors", id: "logs.errors", status: "fail", title: "2 error lines", fix: [`/aws/lambda/${FUNCTION}`], rootCause: "metrics.errors" },
  { variant: "noLogsYet", id: "logs.errors", status: "warn", title: `no logs yet: /aws/lambda/${FUNCTION} does not exist`, fix: ["course-doctor probe"], rootCause: null },
  { variant: "zeroMatched", id: "metrics.matched", status: "warn", title: "0 matched in the last 1h (EventBusName+RuleName)", fix: ["Name=EventBusName,Value=", "Name=RuleName,Value="], rootCause: null },
];

describe("each broken variant", () => {
  test.each(cases)("$variant → $id $status", ({ variant, id, status, title, fix = [], rootCause }) => {
    const findings = runChecks(broken[variant]());
    const found = findings.find((f) => f.id === id && f.title.includes(title));
    expect(found, `${id} with "${title}" in ${JSON.stringify(findings.filter((f) => f.id === id).map((f) => f.title))}`).toBeDefined();
    expect(found!.status).toBe(status);
    for (const fragment of fix) expect(found!.fix).toContain(fragment);
    if (status !== "pass") expect(found!.evidence).toBeDefined();
    const diagnosis = diagnosisOf(broken[variant]());
    expect(diagnosis.rootCause?.id ?? null).toBe(rootCause === undefined ? (status === "fail" ? id : null) : rootCause);
  });

  test("every warn, fail and error finding carries evidence and a fix", () => {
    for (const [name, make] of Object.entries(broken)) {
      for (const f of runChecks(make())) {
        if (f.status === "pass" || f.status === "skip") continue;
        expect(f.evidence, `${name} ${f.id}`).toBeDefined();
        expect(f.fix, `${name} ${f.id}`).toBeTruthy();
      }
    }
  });

  test("the fix names the region in every aws command", () => {
    for (const [name, make] of Object.entries(broken)) {
      for (const f of runChecks(make())) {
        for (const line of (f.fix ?? "").split("\n")) {
          const commands = line.match(/aws (lambda|events|sqs|cloudwatch|logs) [a-z-]+/g) ?? [];
          if (commands.length > 0) expect(line, `${name} ${f.id}`).toContain("--region us-east-1");
        }
      }
    }
  });
});
