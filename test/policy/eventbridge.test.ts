/** The policies course-doctor's checks read, in the shapes EventBridge's documentation gives them. */
import { describe, expect, test } from "vitest";
import {
  describeDecision,
  describeStatement,
  evaluateAccess,
  evaluateActions,
  evaluatePolicy,
  eventBridgeDeliveryRequest,
  parsePolicy,
  roleRequest,
} from "../../src/policy/index.js";

const ACCOUNT = "123456789012";
const RULE = `arn:aws:events:us-east-1:${ACCOUNT}:rule/orders-bus/route-orders`;
const DEFAULT_FORM = `arn:aws:events:us-east-1:${ACCOUNT}:rule/route-orders`;
const FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:worker`;
const invoke = (resource = FN, ruleArn = RULE) => eventBridgeDeliveryRequest({ ruleArn, action: "lambda:InvokeFunction", resource });

/** The statement `aws lambda add-permission --principal events.amazonaws.com --source-arn RULE` creates. */
function lambdaPolicy(condition: object = { ArnLike: { "AWS:SourceArn": RULE } }, resource = FN, extra: object[] = []) {
  return parsePolicy({
    Version: "2012-10-17",
    Id: "default",
    Statement: [{ Sid: "events-invoke", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "lambda:InvokeFunction", Resource: resource, Condition: condition }, ...extra],
  });
}

describe("eventBridgeDeliveryRequest", () => {
  test("carries what EventBridge sends, and says which reading of aws:SourceAccount it uses", () => {
    const request = invoke();
    expect(request.principal).toEqual({ service: "events.amazonaws.com" });
    expect(request.context).toEqual({
      "aws:SourceArn": RULE,
      "aws:SourceAccount": ACCOUNT,
      "aws:PrincipalServiceName": "events.amazonaws.com",
      "aws:PrincipalIsAWSService": true,
    });
    expect(request.absent).toEqual(expect.arrayContaining(["aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalArn"]));
    expect(request.readings?.["aws:SourceAccount"]).toContain("read as the rule's account");
  });
});

describe("(1) a Lambda function policy", () => {
  test("the add-permission statement admits the rule", () => {
    expect(evaluatePolicy(lambdaPolicy(), invoke())).toMatchObject({ decision: "allowed", decidedBy: { index: 0, sid: "events-invoke" } });
  });

  test("the default-bus form rule/NAME does not admit a rule on a custom bus (rule/BUS/NAME), and says so", () => {
    const result = evaluatePolicy(lambdaPolicy({ ArnLike: { "AWS:SourceArn": DEFAULT_FORM } }), invoke());
    expect(result).toMatchObject({ decision: "denied", explicit: false });
    expect(result.statements[0]!.condition.reason).toBe(`ArnLike AWS:SourceArn ${DEFAULT_FORM} does not hold: the request's AWS:SourceArn is ${RULE}`);
  });

  test("a statement on the unqualified function does not admit the alias; one ending in * does", () => {
    expect(evaluatePolicy(lambdaPolicy(undefined, FN), invoke(`${FN}:live`)).statements[0]!.resource.reason).toBe(`it is on ${FN}, not on ${FN}:live`);
    expect(evaluatePolicy(lambdaPolicy(undefined, `${FN}*`), invoke(`${FN}:live`)).decision).toBe("allowed");
  });

  test("a SourceAccount condition decides with a stated reading, so a check can warn", () => {
    const result = evaluatePolicy(lambdaPolicy({ ArnLike: { "AWS:SourceArn": RULE }, StringEquals: { "AWS:SourceAccount": ACCOUNT } }), invoke());
    expect(result.decision).toBe("allowed");
    expect(result.notes).toEqual([expect.objectContaining({ key: "AWS:SourceAccount", statement: { index: 0, sid: "events-invoke" } })]);
    expect(result.notes[0]!.text).toMatch(/^decided by a SourceAccount condition/);
  });

  test("a SourceAccount of another account refuses it, with the reading noted", () => {
    const result = evaluatePolicy(lambdaPolicy({ StringEquals: { "aws:SourceAccount": "999999999999" } }), invoke());
    expect(result.decision).toBe("denied");
    expect(result.notes.map((n) => n.key)).toEqual(["aws:SourceAccount"]);
  });

  test("a Deny on aws:PrincipalOrgID with StringEquals is not applied: EventBridge sends no org id", () => {
    const deny = { Sid: "org", Effect: "Deny", Principal: "*", Action: "lambda:*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-123" } } };
    expect(evaluatePolicy(lambdaPolicy(undefined, FN, [deny]), invoke()).decision).toBe("allowed");
  });

  test("a Deny with StringNotEquals aws:PrincipalOrgID denies EventBridge (a negated operator holds on a missing key)…", () => {
    const deny = { Sid: "org", Effect: "Deny", Principal: "*", Action: "lambda:*", Resource: "*", Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-123" } } };
    const result = evaluatePolicy(lambdaPolicy(undefined, FN, [deny]), invoke());
    expect(result).toMatchObject({ decision: "denied", explicit: true, decidedBy: { sid: "org" } });
    expect(describeStatement(result.statements[1]!)).toBe("statement org (Deny) applies");
  });

  test("…unless it also spares AWS services (BoolIfExists aws:PrincipalIsAWSService false)", () => {
    const deny = {
      Sid: "org",
      Effect: "Deny",
      Principal: "*",
      Action: "lambda:*",
      Resource: "*",
      Condition: { StringNotEqualsIfExists: { "aws:PrincipalOrgID": "o-123" }, BoolIfExists: { "aws:PrincipalIsAWSService": "false" } },
    };
    expect(evaluatePolicy(lambdaPolicy(undefined, FN, [deny]), invoke()).decision).toBe("allowed");
  });

  test("a condition on a key EventBridge may or may not send leaves the answer open, naming the key", () => {
    const result = evaluatePolicy(lambdaPolicy({ ArnLike: { "AWS:SourceArn": RULE }, DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } }), invoke());
    expect(result.decision).toBe("allowed-unless");
    expect(describeDecision(result)).toContain("cannot tell whether the request carries aws:CurrentTime");
  });
});

describe("(2) an SQS queue policy", () => {
  const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`;
  const queuePolicy = parsePolicy({
    Version: "2012-10-17",
    Statement: {
      Sid: "AWSEvents_route-orders",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: QUEUE,
      Condition: { ArnEquals: { "aws:SourceArn": RULE } },
    },
  });
  const send = (ruleArn: string) => eventBridgeDeliveryRequest({ ruleArn, action: "sqs:SendMessage", resource: QUEUE });
  test("admits the rule its aws:SourceArn names", () => expect(evaluatePolicy(queuePolicy, send(RULE)).decision).toBe("allowed"));
  test("refuses another rule", () => expect(evaluatePolicy(queuePolicy, send(`arn:aws:events:us-east-1:${ACCOUNT}:rule/orders-bus/other`)).decision).toBe("denied"));
});

describe("(3) an SNS topic policy (no Condition, as the older pages give it)", () => {
  const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`;
  const topicPolicy = { Statement: { Sid: "PublishEventsToMyTopic", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: TOPIC } };
  test("admits EventBridge", () => {
    expect(evaluatePolicy(topicPolicy, eventBridgeDeliveryRequest({ ruleArn: RULE, action: "sns:Publish", resource: TOPIC })).decision).toBe("allowed");
  });
  test("does not admit another topic", () => {
    expect(evaluatePolicy(topicPolicy, eventBridgeDeliveryRequest({ ruleArn: RULE, action: "sns:Publish", resource: `${TOPIC}-2` })).decision).toBe("denied");
  });
});

describe("(4) a CloudWatch Logs resource policy, both actions on the log group's ARN with :*", () => {
  const GROUP = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/events/orders:*`;
  const logsPolicy = (resource: string) => ({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "TrustEventsToStoreLogEvent",
        Effect: "Allow",
        Principal: { Service: ["delivery.logs.amazonaws.com", "events.amazonaws.com"] },
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: resource,
      },
    ],
  });
  const request = { ...eventBridgeDeliveryRequest({ ruleArn: RULE, action: "", resource: GROUP }) };
  test("a policy on /aws/events/* admits both actions", () => {
    const result = evaluateActions({ resourcePolicy: logsPolicy(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/events/*:*`) }, request, ["logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(result.decision).toBe("allowed");
    expect(result.actions.map((a) => a.result.decision)).toEqual(["allowed", "allowed"]);
  });
  test("a policy on another group admits neither", () => {
    const result = evaluateActions({ resourcePolicy: logsPolicy(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/*:*`) }, request, ["logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(result.decision).toBe("denied");
  });
});

describe("(5) a bus policy admitting another account's PutEvents", () => {
  const BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/orders-bus`;
  const busPolicy = {
    Version: "2012-10-17",
    Statement: [{ Sid: "allow_account_to_put_events", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "events:PutEvents", Resource: BUS }],
  };
  const publisher = roleRequest({ roleArn: "arn:aws:iam::111122223333:role/publisher", action: "events:PutEvents", resource: BUS });
  const canPut = { Statement: { Effect: "Allow", Action: "events:PutEvents", Resource: BUS } };
  test("the bus policy names the account", () => expect(evaluatePolicy(busPolicy, publisher).decision).toBe("allowed"));
  test("cross account, the publisher's own role must allow PutEvents too", () => {
    expect(evaluateAccess({ resourcePolicy: busPolicy, identityPolicies: [canPut] }, publisher).decision).toBe("allowed");
    expect(evaluateAccess({ resourcePolicy: busPolicy, identityPolicies: [] }, publisher).decision).toBe("denied");
  });
  test("a third account is not admitted", () => {
    const stranger = roleRequest({ roleArn: "arn:aws:iam::444455556666:role/publisher", action: "events:PutEvents", resource: BUS });
    expect(evaluateAccess({ resourcePolicy: busPolicy, identityPolicies: [canPut] }, stranger).decision).toBe("denied");
  });
});

describe("(6) a KMS key policy for an encrypted queue or topic", () => {
  const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const rootOnly = { Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" };
  const forEvents = { Sid: "Allow EventBridge", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" };
  const request = eventBridgeDeliveryRequest({ ruleArn: RULE, action: "", resource: KEY });
  test("a statement for events.amazonaws.com admits both actions", () => {
    expect(evaluateActions({ resourcePolicy: { Statement: [rootOnly, forEvents] } }, request, ["kms:GenerateDataKey", "kms:Decrypt"]).decision).toBe("allowed");
  });
  test("the default key policy (the account only) does not admit the service", () => {
    const result = evaluateActions({ resourcePolicy: { Statement: [rootOnly] } }, request, ["kms:GenerateDataKey", "kms:Decrypt"]);
    expect(result.decision).toBe("denied");
    expect(result.actions[0]!.result.resource!.statements[0]!.principal.reason).toBe(`its principal is arn:aws:iam::${ACCOUNT}:root, not events.amazonaws.com`);
  });
  test("one action of two is not enough", () => {
    const decryptOnly = { ...forEvents, Action: "kms:Decrypt" };
    expect(evaluateActions({ resourcePolicy: { Statement: [decryptOnly] } }, request, ["kms:GenerateDataKey", "kms:Decrypt"]).decision).toBe("denied");
  });
});

describe("(7) a role's trust policy", () => {
  const ROLE = `arn:aws:iam::${ACCOUNT}:role/events-to-kinesis`;
  const assume = eventBridgeDeliveryRequest({ ruleArn: RULE, action: "sts:AssumeRole", resource: ROLE });
  const trust = (principal: object, condition?: object) => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }],
  });
  test("trusting events.amazonaws.com admits EventBridge", () => {
    expect(evaluateAccess({ resourcePolicy: trust({ Service: "events.amazonaws.com" }) }, assume).decision).toBe("allowed");
  });
  test("trusting only lambda.amazonaws.com does not", () => {
    const result = evaluateAccess({ resourcePolicy: trust({ Service: "lambda.amazonaws.com" }) }, assume);
    expect(result).toMatchObject({ decision: "denied", explicit: false });
    expect(result.reasons).toContain("a service principal is decided by the resource policy alone");
  });
  test("a confused-deputy guard on aws:SourceAccount admits it, with the reading noted", () => {
    const result = evaluateAccess({ resourcePolicy: trust({ Service: "events.amazonaws.com" }, { StringEquals: { "aws:SourceAccount": ACCOUNT } }) }, assume);
    expect(result.decision).toBe("allowed");
    expect(result.notes[0]).toMatchObject({ key: "aws:SourceAccount", statement: { policy: "resource" } });
  });
  test("a role without a trust policy for it cannot be assumed", () => {
    expect(evaluateAccess({}, assume).decision).toBe("denied");
  });
});

describe("(8) a target role's permission policies, with a boundary", () => {
  const ROLE = `arn:aws:iam::${ACCOUNT}:role/events-targets`;
  const MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:orders`;
  const STREAM = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/orders`;
  const DELIVERY = `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/orders`;
  const inline = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "states:StartExecution", Resource: MACHINE } };
  const managed = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kinesis:PutRecord", "firehose:PutRecord*"], Resource: [STREAM, DELIVERY] }] };
  const boundary = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: ["states:*", "kinesis:*", "lambda:*"], Resource: "*" } };
  const as = (action: string, resource: string) => evaluateAccess({ identityPolicies: [inline, managed], permissionsBoundary: boundary }, roleRequest({ roleArn: ROLE, action, resource }));
  test("inline and managed policies add up", () => {
    expect(as("states:StartExecution", MACHINE).decision).toBe("allowed");
    expect(as("kinesis:PutRecord", STREAM)).toMatchObject({ decision: "allowed", decidedBy: { policy: "identity", policyIndex: 1 } });
  });
  test("the boundary leaves firehose out", () => {
    const result = evaluateActions({ identityPolicies: [inline, managed], permissionsBoundary: boundary }, roleRequest({ roleArn: ROLE, action: "", resource: DELIVERY }), ["firehose:PutRecord", "firehose:PutRecordBatch"]);
    expect(result.decision).toBe("denied");
  });
  test("another state machine is not allowed, and the statement says on what it is", () => {
    const result = as("states:StartExecution", `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:other`);
    expect(result.decision).toBe("denied");
    expect(result.identity[0]!.statements[0]!.resource.reason).toBe(`it is on ${MACHINE}, not on arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:other`);
  });
  test("a qualified function under a trailing *", () => {
    const lambda = { Statement: { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: `${FN}*` } };
    expect(evaluateAccess({ identityPolicies: [lambda] }, roleRequest({ roleArn: ROLE, action: "lambda:InvokeFunction", resource: `${FN}:live` })).decision).toBe("allowed");
  });
});

describe("(9) a publisher's execution role allowing PutEvents only on the default bus", () => {
  const DEFAULT_BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`;
  const CUSTOM_BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/orders-bus`;
  const role = { Version: "2012-10-17", Statement: [{ Sid: "PutDefault", Effect: "Allow", Action: "events:PutEvents", Resource: DEFAULT_BUS }] };
  const put = (bus: string) => evaluateAccess({ identityPolicies: [role] }, roleRequest({ roleArn: `arn:aws:iam::${ACCOUNT}:role/publisher`, action: "events:PutEvents", resource: bus }));
  test("PutEvents to the default bus is allowed", () => expect(put(DEFAULT_BUS).decision).toBe("allowed"));
  test("PutEvents to the custom bus is not, and the reason names both buses", () => {
    const result = put(CUSTOM_BUS);
    expect(result.decision).toBe("denied");
    expect(describeStatement(result.identity[0]!.statements[0]!)).toBe(`statement PutDefault (Allow) does not apply: it is on ${DEFAULT_BUS}, not on ${CUSTOM_BUS}`);
  });
});
