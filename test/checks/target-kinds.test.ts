/**
 * Every target kind, every account: the shapes real pipelines have, each with the root cause
 * (or precise warning) it must get, the fix a user can paste, and no false claim.
 */
import { describe, expect, test } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { diagnose } from "../../src/diagnose.js";
import type { Finding, FindingId } from "../../src/model/finding.js";
import type { KeyFacts, ResourceFacts, RoleFacts, Snapshot, TargetInfo, TargetResourceState } from "../../src/model/snapshot.js";
import { ACCOUNT, failed, FUNCTION, ok, PUBLISHER, PUBLISHER_ROLE_ARN, publisherRole, REGION, RULE_ARN, variant } from "../fixtures/snapshot.js";

const OTHER = "999999999999";

function diagnosisOf(s: Snapshot) {
  return diagnose(runChecks(s), { target: { region: REGION, account: ACCOUNT, bus: "b", rule: "r" }, durationMs: 1, strict: false });
}

function findings(s: Snapshot, id: FindingId, subject?: string): Finding[] {
  return runChecks(s).filter((f) => f.id === id && (subject === undefined || f.subject === subject));
}

function one(s: Snapshot, id: FindingId, subject?: string): Finding {
  const found = findings(s, id, subject);
  if (found.length !== 1) throw new Error(`expected one ${id}${subject ? ` (${subject})` : ""}, got ${found.length}: ${JSON.stringify(found)}`);
  return found[0]!;
}

/** Replaces the rule's Lambda target with `target`, whose resource reads as `resource`. */
function withTarget(target: TargetInfo, resource?: TargetResourceState["resource"], extra: (s: Snapshot) => void = () => undefined): Snapshot {
  return variant((s) => {
    s.targets = ok([target]);
    s.lambdaTargets = {};
    if (resource) {
      const [, , , region = REGION, account = ACCOUNT] = target.arn.split(":");
      s.targetResources = { [target.id]: { targetId: target.id, kind: target.kind, location: { account, region, via: "caller" }, resource } };
    }
    extra(s);
  });
}

function policyOf(...statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`;
const queue: TargetInfo = { id: "q", arn: QUEUE_ARN, kind: "sqs" };
const sendFromRule = (sourceArn = RULE_ARN) => ({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: QUEUE_ARN, Condition: { ArnEquals: { "aws:SourceArn": sourceArn } } });

function queueFacts(facts: Partial<ResourceFacts> = {}): TargetResourceState["resource"] {
  return ok({ policy: policyOf(sendFromRule()), kmsKeyId: null, sqsManagedSse: false, fifo: false, ...facts });
}

describe("SQS targets", () => {
  test("a queue policy that admits the rule: exists, permission and encryption pass", () => {
    const s = withTarget(queue, queueFacts());
    expect(runChecks(s).filter((f) => f.subject === "q").map((f) => [f.id, f.status])).toEqual(
      expect.arrayContaining([
        ["target.exists", "pass"],
        ["target.permission", "pass"],
        ["target.encryption", "pass"],
      ]),
    );
    expect(diagnosisOf(s).rootCause).toBeNull();
  });

  test("no queue policy at all: target.permission is the root cause, the fix sets a policy with the rule's ARN", () => {
    const s = withTarget(queue, queueFacts({ policy: null }));
    const d = diagnosisOf(s);
    expect(d.rootCause?.id).toBe("target.permission");
    const f = one(s, "target.permission");
    expect(f.title).toBe("queue orders: its queue policy does not let events.amazonaws.com sqs:SendMessage");
    expect(f.fix).toContain("aws sqs set-queue-attributes --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/orders --attributes");
    expect(f.fix).toContain(RULE_ARN);
  });

  test("a policy naming the default-bus form of the rule's ARN does not admit it, and the fix keeps the old statement", () => {
    const wrong = { ...sendFromRule(`arn:aws:events:${REGION}:${ACCOUNT}:rule/agent2-ingestor-document-processing-dev`), Sid: "Old" };
    const s = withTarget(queue, queueFacts({ policy: policyOf(wrong) }));
    const f = one(s, "target.permission");
    expect(f.status).toBe("fail");
    const attributes = JSON.parse(/--attributes '([^']+)'/.exec(f.fix!)![1]!) as { Policy: string };
    const statements = (JSON.parse(attributes.Policy) as { Statement: Array<{ Sid?: string }> }).Statement;
    expect(statements.map((st) => st.Sid)).toEqual(["Old", expect.stringMatching(/^EventBridge/)]);
  });

  test("an explicit Deny that applies to EventBridge wins over the Allow", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: QUEUE_ARN };
    const s = withTarget(queue, queueFacts({ policy: policyOf(sendFromRule(), deny) }));
    expect(one(s, "target.permission").status).toBe("fail");
  });

  test("encrypted with the AWS managed key alias/aws/sqs: target.encryption fails with the customer-managed-key fix", () => {
    const s = withTarget(queue, queueFacts({ kmsKeyId: "alias/aws/sqs" }), (s) => {
      s.keys = { "alias/aws/sqs": ok({ keyId: "k-aws", arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k-aws`, manager: "AWS" }) };
    });
    expect(diagnosisOf(s).rootCause?.id).toBe("target.encryption");
    const f = one(s, "target.encryption");
    expect(f.title).toBe("queue orders is encrypted with the AWS managed key alias/aws/sqs: EventBridge cannot be allowed to use it");
    expect(f.fix).toContain("aws kms create-key");
    expect(f.fix).toContain("KmsMasterKeyId");
  });

  test("the AWS managed key is known from its alias even when DescribeKey was refused", () => {
    const s = withTarget(queue, queueFacts({ kmsKeyId: "alias/aws/sqs" }), (s) => (s.keys = { "alias/aws/sqs": failed("access-denied", "kms:DescribeKey") }));
    expect(one(s, "target.encryption").status).toBe("fail");
  });

  const cmk = (policy: string): KeyFacts => ({ keyId: "k-1", arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k-1`, manager: "CUSTOMER", policy });
  test("a customer managed key whose policy does not admit events.amazonaws.com fails; the fix keeps the key's statements", () => {
    const admin = { Sid: "Admin", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" };
    const s = withTarget(queue, queueFacts({ kmsKeyId: "k-1" }), (s) => (s.keys = { "k-1": ok(cmk(policyOf(admin))) }));
    const f = one(s, "target.encryption");
    expect(f.status).toBe("fail");
    expect(f.fix).toContain("aws kms put-key-policy --key-id k-1 --policy-name default --policy");
    expect(f.fix).toContain('"Sid":"Admin"');
  });

  test("a customer managed key that admits events.amazonaws.com for both actions passes", () => {
    const use = { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: "*" };
    const s = withTarget(queue, queueFacts({ kmsKeyId: "k-1" }), (s) => (s.keys = { "k-1": ok(cmk(policyOf(use))) }));
    expect(one(s, "target.encryption").status).toBe("pass");
  });

  test("a key policy granting only Decrypt is not enough", () => {
    const half = { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "kms:Decrypt", Resource: "*" };
    const s = withTarget(queue, queueFacts({ kmsKeyId: "k-1" }), (s) => (s.keys = { "k-1": ok(cmk(policyOf(half))) }));
    expect(one(s, "target.encryption")).toMatchObject({ status: "fail" });
  });

  test("a queue that does not exist: target.exists fails, naming its region and account", () => {
    const s = withTarget(queue, failed("not-found", "sqs:GetQueueAttributes", "QueueDoesNotExist"));
    expect(one(s, "target.exists")).toMatchObject({ status: "fail", title: `queue orders does not exist in ${REGION} (account ${ACCOUNT})` });
    expect(one(s, "target.permission").status).toBe("skip");
  });
});

describe("SNS and CloudWatch Logs targets", () => {
  const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:jobs`;
  const topic: TargetInfo = { id: "t", arn: TOPIC_ARN, kind: "sns" };
  test("a topic whose policy admits only the account owner: fail, with the set-topic-attributes fix", () => {
    const owner = { Effect: "Allow", Principal: { AWS: "*" }, Action: "sns:Publish", Resource: TOPIC_ARN, Condition: { StringEquals: { "AWS:SourceOwner": ACCOUNT } } };
    const s = withTarget(topic, ok({ policy: policyOf(owner), kmsKeyId: null }));
    const f = one(s, "target.permission");
    expect(f.status).not.toBe("pass");
    expect(f.fix).toContain(`aws sns set-topic-attributes --topic-arn ${TOPIC_ARN} --attribute-name Policy --attribute-value`);
  });

  test("a topic policy admitting events.amazonaws.com passes", () => {
    const publish = { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: TOPIC_ARN };
    expect(one(withTarget(topic, ok({ policy: policyOf(publish), kmsKeyId: null })), "target.permission").status).toBe("pass");
  });

  const GROUP_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/events/audit`;
  const group: TargetInfo = { id: "g", arn: GROUP_ARN, kind: "logs" };
  test("a log group target without a Logs resource policy for EventBridge: fail with put-resource-policy", () => {
    const s = withTarget(group, ok({ logPolicies: [] }));
    const f = one(s, "target.permission");
    expect(f.status).toBe("fail");
    expect(f.fix).toContain("aws logs put-resource-policy --policy-name");
    expect(f.fix).toContain(`${GROUP_ARN}:*`);
  });

  test("one of the account's Logs policies admitting both actions on the group is enough", () => {
    const other = { name: "other", document: policyOf({ Effect: "Allow", Principal: { Service: "delivery.logs.amazonaws.com" }, Action: "logs:PutLogEvents", Resource: "*" }) };
    const good = { name: "events", document: policyOf({ Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] }, Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/events/*:*` }) };
    expect(one(withTarget(group, ok({ logPolicies: [other, good] })), "target.permission").status).toBe("pass");
  });
});

describe("role-based targets", () => {
  const SM_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:course-pipeline`;
  const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/eventbridge-start`;
  const trust = policyOf({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" });
  const role = (statements: object[], trustPolicy = trust): RoleFacts => ({ arn: ROLE_ARN, trustPolicy, policies: [{ name: "start", kind: "inline", document: policyOf(...statements) }], boundary: null });
  const machine: TargetInfo = { id: "sm", arn: SM_ARN, kind: "stepfunctions", roleArn: ROLE_ARN };
  const start = { Effect: "Allow", Action: "states:StartExecution", Resource: SM_ARN };

  test("a state machine with a role that is trusted and allows StartExecution: target.role passes; target.permission does not pretend", () => {
    const s = withTarget(machine, ok({ status: "ACTIVE" }), (s) => (s.roles = { ...s.roles, [ROLE_ARN]: ok(role([start])) }));
    expect(one(s, "target.role").status).toBe("pass");
    const permission = one(s, "target.permission");
    expect(permission.status).toBe("skip");
    expect(permission.title).not.toMatch(/resource policy grants/);
    expect(diagnosisOf(s).rootCause).toBeNull();
  });

  test("a role without states:StartExecution: target.role is the root cause, with the put-role-policy fix", () => {
    const s = withTarget(machine, ok({ status: "ACTIVE" }), (s) => (s.roles = { ...s.roles, [ROLE_ARN]: ok(role([{ Effect: "Allow", Action: "states:DescribeExecution", Resource: "*" }])) }));
    const d = diagnosisOf(s);
    expect(d.rootCause?.id).toBe("target.role");
    expect(one(s, "target.role").fix).toContain("aws iam put-role-policy --role-name eventbridge-start");
  });

  test("a role that does not trust events.amazonaws.com fails on its trust policy", () => {
    const lambdaTrust = policyOf({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
    const s = withTarget(machine, ok({ status: "ACTIVE" }), (s) => (s.roles = { ...s.roles, [ROLE_ARN]: ok(role([start], lambdaTrust)) }));
    const f = one(s, "target.role");
    expect(f).toMatchObject({ status: "fail", title: "role eventbridge-start does not let events.amazonaws.com assume it" });
    expect(f.fix).toContain("aws iam update-assume-role-policy --role-name eventbridge-start");
  });

  test("a role denied by its permissions boundary fails", () => {
    const bounded: RoleFacts = { ...role([start]), boundary: { arn: `arn:aws:iam::${ACCOUNT}:policy/boundary`, document: policyOf({ Effect: "Allow", Action: "logs:*", Resource: "*" }) } };
    const s = withTarget(machine, ok({ status: "ACTIVE" }), (s) => (s.roles = { ...s.roles, [ROLE_ARN]: ok(bounded) }));
    expect(one(s, "target.role").status).toBe("fail");
  });

  test("a managed policy that could not be read makes a refusal 'could not tell', not a denial", () => {
    const unread: RoleFacts = { arn: ROLE_ARN, trustPolicy: trust, policies: [{ name: "managed", kind: "managed", arn: "arn:aws:iam::aws:policy/X", document: null, error: "access denied (iam:GetPolicyVersion)" }], boundary: null };
    const s = withTarget(machine, ok({ status: "ACTIVE" }), (s) => (s.roles = { ...s.roles, [ROLE_ARN]: ok(unread) }));
    expect(one(s, "target.role").status).toBe("warn");
  });

  test("a Kinesis stream is not read yet: target.exists skips naming it, target.role still evaluates the role", () => {
    const STREAM = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/clicks`;
    const s = withTarget({ id: "k", arn: STREAM, kind: "kinesis", roleArn: ROLE_ARN }, undefined, (s) => {
      s.targetResources = {};
      s.roles = { ...s.roles, [ROLE_ARN]: ok(role([{ Effect: "Allow", Action: "kinesis:PutRecord", Resource: STREAM }])) };
    });
    expect(one(s, "target.exists")).toMatchObject({ status: "skip", title: "stream clicks: not read — course-doctor does not read Kinesis streams yet" });
    expect(one(s, "target.role").status).toBe("pass");
  });

  test("a kind course-doctor does not know is skipped with its name, never a claim about its permissions", () => {
    const s = withTarget({ id: "cb", arn: `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/build`, kind: "other", service: "codebuild" }, undefined, (s) => (s.targetResources = {}));
    for (const id of ["target.exists", "target.permission"] as const) {
      const f = one(s, id);
      expect(f.status).toBe("skip");
      expect(f.title).toContain("codebuild");
      expect(f.title).not.toMatch(/grants|allowed|may/);
    }
  });
});

describe("targets in another account", () => {
  const REMOTE_FN = `arn:aws:lambda:${REGION}:${OTHER}:function:${FUNCTION}`;
  test("a Lambda target in account 999999999999 the run cannot read: never 'does not exist', could not tell (exit 2), how to give access", () => {
    const ROLE = `arn:aws:iam::${ACCOUNT}:role/invoke-remote`;
    const s = variant((s) => {
      s.targets = ok([{ id: "remote", arn: REMOTE_FN, kind: "lambda", function: { name: FUNCTION }, roleArn: ROLE }]);
      s.roles = {
        ...s.roles,
        [ROLE]: ok({ arn: ROLE, trustPolicy: policyOf({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" }), policies: [{ name: "p", kind: "inline", document: policyOf({ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: REMOTE_FN }) }], boundary: null }),
      };
      const unread = { ok: false as const, reason: "other-account" as const, error: `in account ${OTHER}, which the run has no credentials for: add accounts.${OTHER} (a profile or roleArn) to course-doctor.config.json` };
      s.lambdaTargets = { remote: { targetId: "remote", functionName: FUNCTION, location: { account: OTHER, region: REGION, via: null }, configuration: unread, concurrency: unread, policy: unread, logs: unread } };
    });
    const exists = one(s, "target.exists");
    expect(exists.status).toBe("error");
    expect(exists.title).toContain("account 999999999999: not read");
    expect(exists.fix).toContain(`"accounts": { "${OTHER}"`);
    expect(runChecks(s).map((f) => `${f.title} ${f.fix ?? ""}`).join("\n")).not.toMatch(/does not exist|Deploy|add-permission/);
    expect(diagnosisOf(s).status).toBe("unknown");
  });

  test("a cross-account target without a role: target.role fails (since February 2023 a role is needed)", () => {
    const s = variant((s) => {
      s.targets = ok([{ id: "remote", arn: REMOTE_FN, kind: "lambda", function: { name: FUNCTION } }]);
      s.lambdaTargets = {};
    });
    expect(one(s, "target.role")).toMatchObject({ status: "fail" });
    expect(one(s, "target.role").title).toContain("account 999999999999");
  });

  const BUS_TARGET = `arn:aws:events:${REGION}:${OTHER}:event-bus/central`;
  test("a bus in another account without a role: a warning, and its bus policy must admit the sending account", () => {
    const s = withTarget({ id: "bus", arn: BUS_TARGET, kind: "events" }, ok({ policy: null }));
    expect(one(s, "target.role").status).toBe("warn");
    const permission = one(s, "target.permission");
    expect(permission.status).toBe("fail");
    expect(permission.fix).toContain("aws events put-permission --event-bus-name central");
    expect(permission.fix).toContain(`arn:aws:iam::${ACCOUNT}:root`);
  });

  test("a bus in another account with a role: the receiving bus policy must admit the role", () => {
    const ROLE = `arn:aws:iam::${ACCOUNT}:role/forward`;
    const admit = { Effect: "Allow", Principal: { AWS: ROLE }, Action: "events:PutEvents", Resource: BUS_TARGET };
    const s = withTarget({ id: "bus", arn: BUS_TARGET, kind: "events", roleArn: ROLE }, ok({ policy: policyOf(admit) }), (s) => {
      s.roles = { ...s.roles, [ROLE]: ok({ arn: ROLE, trustPolicy: policyOf({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" }), policies: [{ name: "p", kind: "inline", document: policyOf({ Effect: "Allow", Action: "events:PutEvents", Resource: BUS_TARGET }) }], boundary: null }) };
    });
    expect(one(s, "target.permission").status).toBe("pass");
    expect(one(s, "target.role").status).toBe("pass");
  });
});

describe("the publisher", () => {
  test("a role that may put events only on the default bus: publisher.permission is the root cause", () => {
    const s = variant((s) => (s.roles = { [PUBLISHER_ROLE_ARN]: ok(publisherRole([{ Effect: "Allow", Action: "events:PutEvents", Resource: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default` }])) }));
    const d = diagnosisOf(s);
    expect(d.rootCause?.id).toBe("publisher.permission");
    const f = one(s, "publisher.permission");
    expect(f.title).toBe(`${PUBLISHER}'s role ${PUBLISHER}-role may not events:PutEvents on agent2-ingestor-events-dev`);
    expect(f.fix).toContain(`aws iam put-role-policy --role-name ${PUBLISHER}-role --policy-name eventbridge-put-events`);
  });

  test("a role with no policy at all fails too", () => {
    const s = variant((s) => (s.roles = { [PUBLISHER_ROLE_ARN]: ok({ ...publisherRole(), policies: [] }) }));
    expect(one(s, "publisher.permission").status).toBe("fail");
  });

  test("a role that could not be read is an error naming the action, not a failure", () => {
    const s = variant((s) => (s.roles = { [PUBLISHER_ROLE_ARN]: failed("access-denied", "iam:GetRole") }));
    expect(one(s, "publisher.permission")).toMatchObject({ status: "error" });
    expect(one(s, "publisher.permission").title).toContain("iam:GetRole");
  });

  test("a publisher in another account and a bus without a policy: bus.policy is the root cause", () => {
    const s = variant((s) => {
      if (s.publisher) s.publisher.function = ok({ arn: `arn:aws:lambda:${REGION}:${OTHER}:function:${PUBLISHER}`, roleArn: `arn:aws:iam::${OTHER}:role/uploader` });
      s.roles = { [`arn:aws:iam::${OTHER}:role/uploader`]: ok({ arn: `arn:aws:iam::${OTHER}:role/uploader`, trustPolicy: "{}", policies: [{ name: "p", kind: "inline", document: policyOf({ Effect: "Allow", Action: "events:PutEvents", Resource: "*" }) }], boundary: null }) };
    });
    const d = diagnosisOf(s);
    expect(d.rootCause?.id).toBe("bus.policy");
    expect(one(s, "bus.policy").fix).toMatch(/aws events put-permission .*--event-bus-name agent2-ingestor-events-dev --policy/);
  });
});

describe("the dead-letter queue's own policy", () => {
  test("a DLQ that does not admit events.amazonaws.com: failed deliveries are lost (target.dlq fails)", () => {
    const s = variant((s) => {
      const [arn, dlq] = Object.entries(s.deadLetterQueues)[0]!;
      if (dlq.ok) s.deadLetterQueues[arn] = ok({ ...dlq.value, policy: null });
    });
    const f = one(s, "target.dlq");
    expect(f.status).toBe("fail");
    expect(f.title).toContain("does not admit events.amazonaws.com");
  });
});

describe("older snapshots", () => {
  test("a snapshot without the new pieces skips what it does not hold, and never crashes", () => {
    const s = variant((s) => {
      delete s.targetResources;
      delete s.roles;
      delete s.keys;
      if (s.publisher) delete s.publisher.function;
      s.targets = ok([queue]);
      s.lambdaTargets = {};
    });
    const all = runChecks(s);
    expect(all.filter((f) => f.title.startsWith("the check itself failed"))).toEqual([]);
    expect(one(s, "target.exists").title).toContain("not collected");
  });
});

describe("not-found hints", () => {
  test("a rule name given in the wrong case names the rule that exists", () => {
    const s = variant((s) => {
      s.rule = failed("not-found", "events:DescribeRule");
      s.ruleElsewhere = ok([{ bus: "agent2-ingestor-events-dev", arn: RULE_ARN, state: "ENABLED", name: "Agent2-Ingestor-Document-Processing-Dev" }]);
    });
    const f = one(s, "rule.exists");
    expect(f.title).toBe("no rule agent2-ingestor-document-processing-dev on agent2-ingestor-events-dev; rule Agent2-Ingestor-Document-Processing-Dev on agent2-ingestor-events-dev differs only in case");
    expect(f.fix).toContain("--rule Agent2-Ingestor-Document-Processing-Dev");
  });

  test("a rule in another region says where it is, and the fix points there", () => {
    const s = variant((s) => {
      s.rule = failed("not-found", "events:DescribeRule");
      s.ruleElsewhere = ok([{ bus: "agent2-ingestor-events-dev", arn: RULE_ARN.replace("us-east-1", "eu-west-1"), state: "ENABLED", region: "eu-west-1" }]);
    });
    const f = one(s, "rule.exists");
    expect(f.title).toContain("it is in eu-west-1");
    expect(f.fix).toContain("course-doctor check --region eu-west-1");
  });

  test("a bus in another region: no create-event-bus in the wrong region", () => {
    const s = variant((s) => {
      s.bus = failed("not-found", "events:DescribeEventBus");
      s.busElsewhere = ok([{ region: "eu-west-1", arn: "arn:aws:events:eu-west-1:123456789012:event-bus/agent2-ingestor-events-dev" }]);
    });
    const f = one(s, "bus.exists");
    expect(f.title).toContain("it is in eu-west-1");
    expect(f.fix).not.toContain("create-event-bus");
  });

  test("a bus found nowhere says the newer bus type is not read yet", () => {
    const s = variant((s) => {
      s.bus = failed("not-found", "events:DescribeEventBus");
      s.busElsewhere = ok([]);
    });
    expect(one(s, "bus.exists").detail).toContain("newer type");
  });
});

describe("a Lambda function invoked through a role (issue: newer AWS pages allow it)", () => {
  test("checked on the role path: target.role passes, target.permission is not failed for lacking a statement", () => {
    const ROLE = `arn:aws:iam::${ACCOUNT}:role/invoke-api`;
    const s = variant((s) => {
      if (s.targets.ok) s.targets.value[0]!.roleArn = ROLE;
      s.lambdaTargets[FUNCTION]!.policy = ok({ statements: [] });
      s.roles = {
        ...s.roles,
        [ROLE]: ok({ arn: ROLE, trustPolicy: policyOf({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" }), policies: [{ name: "invoke", kind: "inline", document: policyOf({ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FUNCTION}*` }) }], boundary: null }),
      };
    });
    expect(one(s, "target.permission").status).toBe("skip");
    expect(one(s, "target.role").status).toBe("pass");
    expect(diagnosisOf(s).rootCause).toBeNull();
  });
});
