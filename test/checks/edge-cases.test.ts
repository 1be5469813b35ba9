import { describe, expect, test } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import type { Finding, FindingId } from "../../src/model/finding.js";
import type { Snapshot, TargetInfo } from "../../src/model/snapshot.js";
import {
  ACCOUNT,
  APP_ENTRY,
  broken,
  buildSnapshot,
  BUS,
  DLQ_ARN,
  failed,
  FUNCTION,
  lambdaTargetState,
  metricsState,
  ok,
  permissionStatement,
  PUBLISHER,
  REGION,
  RULE,
  RULE_ARN,
  variant,
} from "../fixtures/snapshot.js";

function findingsOf(snapshot: Snapshot, id: FindingId): Finding[] {
  return runChecks(snapshot).filter((f) => f.id === id);
}

function one(snapshot: Snapshot, id: FindingId): Finding {
  const found = findingsOf(snapshot, id);
  expect(found, id).toHaveLength(1);
  return found[0]!;
}

describe("could not tell is not broken", () => {
  test("a denied GetPolicy is an error naming the action; the other checks still run", () => {
    const s = variant((s) => (s.lambdaTargets[FUNCTION]!.policy = failed("access-denied", "lambda:GetPolicy")));
    const f = one(s, "target.permission");
    expect(f).toMatchObject({ status: "error", subject: FUNCTION });
    expect(f.detail).toMatch(/^Add lambda:GetPolicy to the policy of the identity you run as \(course-doctor iam-policy prints all it needs\)\. The service said: AccessDeniedException/);
    expect(f.fix).toContain("lambda:GetPolicy");
    expect(runChecks(s).filter((x) => x.status !== "pass" && x.status !== "skip").map((x) => x.id)).toEqual(["target.permission"]);
  });

  test("a denied DescribeRule is an error on rule.exists, and what needs the rule is skipped", () => {
    const s = variant((s) => {
      s.rule = failed("access-denied", "events:DescribeRule");
      s.targets = failed("access-denied", "events:ListTargetsByRule");
    });
    const findings = runChecks(s);
    expect(findings.find((f) => f.id === "rule.exists")).toMatchObject({ status: "error", title: `could not read rule ${RULE}: access denied (events:DescribeRule)` });
    for (const id of ["rule.state", "rule.pattern", "event.matches", "targets.present", "target.permission", "metrics.matched"] as const) {
      expect(findings.find((f) => f.id === id)?.status, id).toBe("skip");
    }
  });

  test("no credentials: aws.access says so once, and the rest is skipped rather than failed", () => {
    const s = buildSnapshot({
      identity: failed("no-credentials", undefined, "CredentialsProviderError: Could not load credentials from any providers"),
      bus: failed("no-credentials"),
      rule: failed("no-credentials"),
      ruleElsewhere: failed("no-credentials"),
      targets: failed("no-credentials"),
      metrics: failed("no-credentials"),
      lambdaTargets: {},
      deadLetterQueues: {},
      publisher: { name: PUBLISHER, busEnvVar: "EVENT_BUS_NAME", environment: failed("no-credentials") },
      remoteMatch: failed("no-credentials"),
    });
    const findings = runChecks(s);
    expect(findings[0]).toMatchObject({ id: "aws.access", status: "error", title: "no usable credentials" });
    expect(findings.filter((f) => f.status === "error")).toHaveLength(1);
    expect(findings.filter((f) => f.status === "fail")).toEqual([]);
  });

  test("throttled metrics: metrics.matched is an error, metrics.delivery a skip", () => {
    const s = variant((s) => (s.metrics = failed("throttled", undefined, "ThrottlingException: Rate exceeded")));
    expect(one(s, "metrics.matched")).toMatchObject({ status: "error" });
    expect(one(s, "metrics.matched").detail).toBe("Throttled past the SDK's retries: run again in a moment.");
    expect(one(s, "metrics.delivery").status).toBe("skip");
  });

  test("a deadline cut says so", () => {
    const s = variant((s) => (s.lambdaTargets[FUNCTION]!.logs = failed("timeout")));
    expect(one(s, "logs.errors")).toMatchObject({ status: "error", detail: "Cut by the deadline: raise --timeout if the service is just slow." });
  });

  test("a missing log group is 'no logs yet', a warning, not an error", () => {
    expect(one(broken.noLogsYet(), "logs.errors")).toMatchObject({ status: "warn", title: `no logs yet: /aws/lambda/${FUNCTION} does not exist` });
  });
});

describe("rule", () => {
  test("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS is enabled", () => {
    const s = variant((s) => s.rule.ok && (s.rule.value.state = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"));
    expect(one(s, "rule.state").status).toBe("pass");
  });

  test("a scheduled rule has no pattern, and an application event never triggers it", () => {
    const s = variant((s) => {
      if (!s.rule.ok) return;
      delete s.rule.value.eventPattern;
      s.rule.value.scheduleExpression = "rate(5 minutes)";
    });
    expect(one(s, "rule.pattern")).toMatchObject({ status: "pass", title: "no pattern: a scheduled rule (rate(5 minutes))" });
    expect(one(s, "event.matches")).toMatchObject({ status: "fail" });
  });

  test("an invalid pattern fails with the path", () => {
    const s = variant((s) => s.rule.ok && (s.rule.value.eventPattern = '{"detail":{"size":[{"numeric":[">","x"]}]}}'));
    const f = one(s, "rule.pattern");
    expect(f.status).toBe("fail");
    expect(f.title).toMatch(/^invalid at detail\.size/);
    expect(one(s, "event.matches").status).toBe("skip");
  });

  test("lint warnings make a warning", () => {
    const s = variant((s) => s.rule.ok && (s.rule.value.eventPattern = '{"source":["agent2.ingestor"],"detailType":["Document Processing Required"]}'));
    const f = one(s, "rule.pattern");
    expect(f.status).toBe("warn");
    expect(f.title).toContain("detailType");
  });

  test("an aws.* source on a custom bus is a warning; on the default bus it is fine", () => {
    const pattern = '{"source":["aws.s3"],"detail-type":["Object Created"]}';
    const custom = variant((s) => s.rule.ok && (s.rule.value.eventPattern = pattern));
    expect(one(custom, "rule.pattern")).toMatchObject({ status: "warn" });
    expect(one(custom, "rule.pattern").title).toContain("reach only the default bus");
    const onDefault = variant((s) => {
      if (!s.rule.ok) return;
      s.rule.value = { ...s.rule.value, busName: "default", arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${RULE}`, eventPattern: pattern };
      s.event = null;
    });
    expect(one(onDefault, "rule.pattern").status).toBe("pass");
  });

  test("no rule given: rule.exists is skipped", () => {
    const s = variant((s) => {
      s.request.rule = null;
      s.rule = failed("not-found");
    });
    expect(one(s, "rule.exists")).toMatchObject({ status: "skip" });
  });
});

describe("the application's event", () => {
  test("none given: skipped, with the advice against hand-made events", () => {
    const s = buildSnapshot({ event: null, remoteMatch: null });
    const valid = one(s, "event.valid");
    expect(valid).toMatchObject({ status: "skip", title: "no application event given" });
    expect(valid.detail).toContain("hand-made event hides the real mismatch");
    expect(one(s, "event.matches").status).toBe("skip");
  });

  test("a full event is accepted and checked as the entry it implies", () => {
    const s = buildSnapshot({
      event: { origin: "file", input: { source: "agent2.ingestor", "detail-type": "Document Processing Required", detail: { job_id: "1" } } },
    });
    expect(one(s, "event.valid")).toMatchObject({ status: "pass" });
    expect(one(s, "event.matches").status).toBe("pass");
  });

  test("Detail that is not a JSON object fails event.valid", () => {
    const s = buildSnapshot({ event: { origin: "inline", input: { ...APP_ENTRY, Detail: "[1,2]" } } });
    expect(one(s, "event.valid")).toMatchObject({ status: "fail" });
    expect(one(s, "event.valid").title).toContain("Detail must be a JSON object");
  });

  test.each([
    ["not asked", null, "pass", "matches (local engine)"],
    ["answered without a result", ok({ result: null }), "pass", "matches (local engine; the service answered without a result)"],
    ["denied", failed("access-denied", "events:TestEventPattern"), "pass", "TestEventPattern could not run: access denied (events:TestEventPattern)"],
    ["disagrees", ok({ result: false }), "fail", "no match per TestEventPattern"],
  ] as const)("TestEventPattern %s", (_name, remote, status, title) => {
    const f = one(buildSnapshot({ remoteMatch: remote }), "event.matches");
    expect(f.status).toBe(status);
    expect(f.title).toContain(title);
  });

  test("when the service says it matches and the engine does not, the service wins (warn)", () => {
    const s = variant((s) => {
      s.event = { origin: "file", input: { ...APP_ENTRY, DetailType: "Document processing required" } };
      s.remoteMatch = ok({ result: true });
    });
    expect(one(s, "event.matches")).toMatchObject({ status: "warn" });
  });

  test("a missing field names the field to add in the code", () => {
    const s = variant((s) => {
      if (s.rule.ok) s.rule.value.eventPattern = '{"source":["agent2.ingestor"],"detail":{"priority":["high"]}}';
      s.remoteMatch = null;
    });
    const f = one(s, "event.matches");
    expect(f.status).toBe("fail");
    expect(f.fix).toContain("add Detail.priority to the entry the code sends");
  });
});

describe("publisher.bus", () => {
  test("no publisher given: skipped with advice", () => {
    const f = one(buildSnapshot({ publisher: null }), "publisher.bus");
    expect(f.status).toBe("skip");
    expect(f.detail).toContain("default bus");
  });

  test("rule on the default bus and the variable unset: pass", () => {
    const s = variant((s) => {
      if (!s.rule.ok) return;
      s.rule.value = { ...s.rule.value, busName: "default", arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${RULE}` };
      s.publisher = { name: PUBLISHER, busEnvVar: "EVENT_BUS_NAME", environment: ok({ busValue: null, variables: {} }) };
    });
    expect(one(s, "publisher.bus")).toMatchObject({ status: "pass", title: `${PUBLISHER} has no EVENT_BUS_NAME: it publishes to the default bus, where the rule lives` });
  });

  test("an empty variable is the default bus", () => {
    const s = variant((s) => (s.publisher = { name: PUBLISHER, busEnvVar: "EVENT_BUS_NAME", environment: ok({ busValue: "", variables: { EVENT_BUS_NAME: "" } }) }));
    expect(one(s, "publisher.bus")).toMatchObject({ status: "fail" });
  });

  test("a custom variable name is used in the title and the fix", () => {
    const s = variant((s) => (s.publisher = { name: PUBLISHER, busEnvVar: "BUS", environment: ok({ busValue: null, variables: {} }) }));
    const f = one(s, "publisher.bus");
    expect(f.title).toBe(`${PUBLISHER} has no BUS: it publishes to the default bus`);
    expect(f.fix).toContain(`"BUS": "${BUS}"`);
  });

  test("a publisher that does not exist is a warning, not the root cause", () => {
    const s = variant((s) => (s.publisher = { name: "nope", busEnvVar: "EVENT_BUS_NAME", environment: failed("not-found") }));
    expect(one(s, "publisher.bus")).toMatchObject({ status: "warn", subject: "nope" });
  });

  test("the redacted variables never show their values", () => {
    const f = one(broken.publisherUnset(), "publisher.bus");
    expect(JSON.stringify(f)).not.toContain("<redacted>");
    expect(f.evidence?.variables).toEqual(["JOBS_TABLE", "UPLOAD_BUCKET", "API_KEY"]);
  });
});

describe("targets", () => {
  const queueTarget: TargetInfo = { id: "audit-queue", arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:audit`, kind: "sqs", input: {} };

  test("a queue target is checked as far as applies, never failed for not being a function", () => {
    const s = variant((s) => {
      if (s.targets.ok) s.targets.value.push(queueTarget);
      const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: queueTarget.arn, Condition: { ArnEquals: { "aws:SourceArn": RULE_ARN } } }] };
      s.targetResources = { "audit-queue": { targetId: "audit-queue", kind: "sqs", location: { account: ACCOUNT, region: REGION, via: "caller" }, resource: ok({ policy: JSON.stringify(policy), kmsKeyId: null, sqsManagedSse: true }) } };
    });
    const findings = runChecks(s).filter((f) => f.subject === "audit-queue");
    expect(findings.map((f) => [f.id, f.status])).toEqual([
      ["target.exists", "pass"],
      ["target.permission", "pass"],
      ["target.role", "skip"],
      ["target.encryption", "pass"],
      ["target.input", "pass"],
      ["target.async", "skip"],
      ["target.retry", "warn"],
      ["target.dlq", "skip"],
      ["metrics.errors", "skip"],
      ["logs.errors", "skip"],
    ]);
    expect(one(s, "targets.present").title).toBe(`2 targets: function ${FUNCTION}, queue audit`);
  });

  test("one finding per target, each with its subject", () => {
    const s = variant((s) => {
      if (!s.targets.ok) return;
      s.targets.value.push({ id: "second", arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:second`, kind: "lambda", function: { name: "second" }, deadLetterArn: DLQ_ARN });
      s.lambdaTargets.second = lambdaTargetState({ targetId: "second", functionName: "second", policy: ok({ statements: [] }) });
    });
    const permission = findingsOf(s, "target.permission");
    expect(permission.map((f) => [f.subject, f.status])).toEqual([
      [FUNCTION, "pass"],
      ["second", "fail"],
    ]);
  });

  test("--function limits the per-target checks, and a function the rule does not target fails targets.present", () => {
    const limited = variant((s) => {
      s.request.function = FUNCTION;
      if (s.targets.ok) s.targets.value.push(queueTarget);
    });
    expect(findingsOf(limited, "target.exists").map((f) => f.subject)).toEqual([FUNCTION]);
    const other = variant((s) => (s.request.function = "someone-else"));
    expect(one(other, "targets.present")).toMatchObject({ status: "fail" });
    expect(one(other, "targets.present").title).toContain("no target is function someone-else");
    expect(one(other, "target.exists").status).toBe("skip");
  });

  test("a function invoked through a role is checked on that path, not failed for lacking a resource-policy statement", () => {
    const s = variant((s) => {
      if (s.targets.ok) s.targets.value[0]!.roleArn = `arn:aws:iam::${ACCOUNT}:role/eventbridge-invoke`;
      s.lambdaTargets[FUNCTION]!.policy = ok({ statements: [] });
    });
    const f = one(s, "target.permission");
    expect(f.status).toBe("skip");
    expect(f.title).toContain("invoked through role arn:aws:iam::123456789012:role/eventbridge-invoke (see target.role)");
    // The role itself was not collected in this snapshot: could not tell, never healthy.
    expect(one(s, "target.role").status).toBe("error");
  });

  test("a function still Pending is a warning; a Failed one fails", () => {
    const pending = variant((s) => (s.lambdaTargets[FUNCTION]!.configuration = ok({ arn: "x", state: "Pending" })));
    expect(one(pending, "target.exists")).toMatchObject({ status: "warn" });
    const failedFn = variant((s) => (s.lambdaTargets[FUNCTION]!.configuration = ok({ arn: "x", state: "Failed", stateReason: "image gone" })));
    expect(one(failedFn, "target.exists")).toMatchObject({ status: "fail", title: `${FUNCTION} is Failed: image gone` });
  });

  test("reserved concurrency that could not be read does not fail the function", () => {
    const s = variant((s) => (s.lambdaTargets[FUNCTION]!.concurrency = failed("access-denied", "lambda:GetFunctionConcurrency")));
    const f = one(s, "target.exists");
    expect(f.status).toBe("pass");
    expect(f.detail).toContain("lambda:GetFunctionConcurrency");
  });

  test("a permission statement on the wrong function's alias does not admit the target", () => {
    const s = variant((s) => (s.lambdaTargets[FUNCTION]!.policy = ok({ statements: [permissionStatement({ Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FUNCTION}:live` })] })));
    expect(one(s, "target.permission").title).toContain(`is on ${FUNCTION}:live, not the unqualified function`);
  });

  test("a permission for another rule is not offered for removal (that rule may need it)", () => {
    const f = one(broken.permissionOtherRule(), "target.permission");
    expect(f.fix).not.toContain("remove-permission");
  });

  test("a Deny that applies: the fix removes or narrows it first, and adds nothing while an Allow exists", () => {
    const deny = permissionStatement({ Sid: "DenyOutsideOrg", Effect: "Deny", Principal: "*", sourceArn: null, Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-123" } } });
    const s = variant((s) => (s.lambdaTargets[FUNCTION]!.policy = ok({ statements: [permissionStatement(), deny] })));
    const f = one(s, "target.permission");
    expect(f).toMatchObject({ status: "fail", title: "statement DenyOutsideOrg denies events.amazonaws.com" });
    expect(f.fix!.split("\n")[0]).toBe("Remove or narrow statement DenyOutsideOrg, which denies the invocation (a Deny wins over any Allow):");
    expect(f.fix).toContain("aws lambda remove-permission");
    expect(f.fix).not.toContain("add-permission");
  });

  test("a Deny whose condition cannot hold for EventBridge is not applied", () => {
    const deny = permissionStatement({ Sid: "DenyOtherOrgs", Effect: "Deny", Principal: "*", sourceArn: null, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-other" } } });
    const s = variant((s) => (s.lambdaTargets[FUNCTION]!.policy = ok({ statements: [permissionStatement(), deny] })));
    expect(one(s, "target.permission").status).toBe("pass");
  });

  test("a Deny the evaluator cannot settle is a warning naming it", () => {
    const deny = permissionStatement({ Sid: "DenyPlainHttp", Effect: "Deny", Principal: "*", sourceArn: null, Condition: { Bool: { "aws:SecureTransport": "false" } } });
    const s = variant((s) => (s.lambdaTargets[FUNCTION]!.policy = ok({ statements: [permissionStatement(), deny] })));
    const f = one(s, "target.permission");
    expect(f).toMatchObject({ status: "warn" });
    expect(f.title).toContain("unless statement DenyPlainHttp denies it");
    expect(f.detail).toContain("Bool aws:SecureTransport");
    expect(f.fix).toContain("narrow or remove statement DenyPlainHttp first");
  });
});

describe("dead-letter queue", () => {
  test("messages without a peek: the fix reads them without deleting", () => {
    const s = variant((s) => (s.deadLetterQueues[DLQ_ARN] = ok({ arn: DLQ_ARN, depth: 3 })));
    const f = one(s, "target.dlq");
    expect(f).toMatchObject({ status: "fail", title: "3 messages in agent2-ingestor-events-dlq-dev: deliveries failed" });
    expect(f.fix).toContain("--visibility-timeout 0");
    expect(f.fix).toContain("--peek-dlq");
  });

  test("NO_PERMISSIONS points at target.permission", () => {
    const f = one(broken.permissionDefaultBusForm(), "target.dlq");
    expect(f.title).toContain("(NO_PERMISSIONS)");
    expect(f.fix).toContain("target.permission");
    expect(f.detail).toContain("is not authorized to perform: lambda:InvokeFunction");
  });

  test("a queue that does not exist is a warning", () => {
    const s = variant((s) => (s.deadLetterQueues[DLQ_ARN] = failed("not-found")));
    expect(one(s, "target.dlq")).toMatchObject({ status: "warn" });
  });

  test("no dead-letter queue: target.retry warns with the default retry policy, target.dlq is skipped", () => {
    const s = variant((s) => {
      if (!s.targets.ok) return;
      delete s.targets.value[0]!.deadLetterArn;
      delete s.targets.value[0]!.retryPolicy;
    });
    const retry = one(s, "target.retry");
    expect(retry).toMatchObject({ status: "warn" });
    expect(retry.title).toContain("24h, 185 attempts");
    expect(retry.fix).toContain("DeadLetterConfig");
    expect(one(s, "target.dlq").status).toBe("skip");
  });
});

describe("metrics", () => {
  test("the dimension set ListMetrics discovered wins over the documented one", () => {
    const s = variant((s) => {
      if (!s.rule.ok) return;
      s.rule.value = { ...s.rule.value, busName: "default", arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${RULE}` };
      s.request.bus = "default";
      s.publisher = null;
      s.metrics = ok(metricsState({ ruleDimensions: { EventBusName: "default", RuleName: RULE } }));
    });
    expect(one(s, "metrics.matched").title).toBe("12 matched in the last 1h (EventBusName+RuleName)");
  });

  test("a RuleName-only series does not count for a rule on a custom bus, and the detail says why", () => {
    const s = variant((s) => {
      const m = metricsState({ ruleDimensions: { RuleName: RULE } });
      m.discovered = [];
      s.metrics = ok(m);
    });
    const f = one(s, "metrics.matched");
    expect(f).toMatchObject({ status: "warn", title: "0 matched in the last 1h (EventBusName+RuleName)" });
    expect(f.detail).toContain("A query with RuleName alone returns nothing for a rule on a custom bus");
  });

  test("zero matched is a warning, never a failure, and a window under 5 minutes says it proves nothing", () => {
    const s = variant((s) => {
      s.request.sinceMs = 120_000;
      s.metrics = ok(metricsState({ matched: 0, start: "2026-11-22T21:58:00.000Z" }));
    });
    const f = one(s, "metrics.matched");
    expect(f.status).toBe("warn");
    expect(f.title).toBe("0 matched in the last 2m (EventBusName+RuleName); the window is too short to tell");
    expect(f.detail).toContain("shorter than 5 minutes");
  });

  test("matched but not invoked is a warning", () => {
    const s = variant((s) => (s.metrics = ok(metricsState({ invocations: 0 }))));
    expect(one(s, "metrics.delivery")).toMatchObject({ status: "warn", title: "12 matched, 0 invocations in the last 1h" });
  });

  test("Lambda throttles are a warning", () => {
    const s = variant((s) => (s.metrics = ok(metricsState({ throttles: 4 }))));
    expect(one(s, "metrics.errors")).toMatchObject({ status: "warn" });
  });
});

test("bus named by ARN that does not exist reports the ARN's region", () => {
  const s = variant((s) => {
    s.request.bus = `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/${BUS}`;
    s.bus = failed("not-found");
  });
  expect(one(s, "bus.exists").title).toBe(`no bus named ${BUS} in eu-west-1 (account ${ACCOUNT})`);
});

test("an AWS service event given for a default-bus rule is not a PutEvents mistake", () => {
  const s = variant((s) => {
    if (!s.rule.ok) return;
    s.rule.value = { ...s.rule.value, busName: "default", arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${RULE}`, eventPattern: '{"source":["aws.s3"]}' };
    s.publisher = null;
    s.remoteMatch = null;
    s.event = { origin: "file", input: { source: "aws.s3", "detail-type": "Object Created", detail: { bucket: { name: "b" } } } };
  });
  expect(one(s, "event.valid")).toMatchObject({ status: "pass" });
  expect(one(s, "event.matches")).toMatchObject({ status: "pass" });
  // The same source sent as a PutEvents entry is refused by the service.
  const entry = variant((s) => (s.event = { origin: "flags", input: { ...APP_ENTRY, Source: "aws.s3" } }));
  expect(one(entry, "event.valid")).toMatchObject({ status: "fail" });
});
