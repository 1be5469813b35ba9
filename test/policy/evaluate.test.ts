/** Statements, policies and combined access, from the IAM User Guide's examples (page named per block). */
import { describe, expect, test } from "vitest";
import { describeDecision, describeStatement, evaluateAccess, evaluatePolicy, parsePolicy, type AccessRequest, type PrincipalRef } from "../../src/policy/index.js";

function request(principal: PrincipalRef, action: string, resource: string, context: AccessRequest["context"] = {}): AccessRequest {
  return { principal, action, resource, context };
}
const user = (account: string, name: string): PrincipalRef => ({ arn: `arn:aws:iam::${account}:user/${name}` });

describe("Policy evaluation logic: Carlos and his buckets (same account)", () => {
  const carlos = user("123456789012", "carlossalazar");
  const identity = parsePolicy({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AllowS3ListRead", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints", "s3:ListAllMyBuckets"], Resource: "arn:aws:s3:::*" },
      { Sid: "AllowS3Self", Effect: "Allow", Action: "s3:*", Resource: ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"] },
      { Sid: "DenyS3Logs", Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::*log*" },
    ],
  });
  const bucket = parsePolicy({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:user/carlossalazar" }, Action: "s3:*", Resource: ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"] }],
  });
  const access = { identityPolicies: [identity], resourcePolicy: bucket, resourceAccount: "123456789012" };

  test("saving to carlossalazar-logs is explicitly denied by DenyS3Logs", () => {
    const result = evaluateAccess(access, request(carlos, "s3:PutObject", "arn:aws:s3:::carlossalazar-logs"));
    expect(result).toMatchObject({ decision: "denied", explicit: true, decidedBy: { sid: "DenyS3Logs", policy: "identity", policyIndex: 0 } });
    expect(describeDecision(result)).toBe("denied: statement DenyS3Logs of identity-based policy 1 explicitly denies it, and a Deny wins over any Allow");
  });

  test("saving to carlossalazar is allowed (both allow; either would do)", () => {
    expect(evaluateAccess(access, request(carlos, "s3:PutObject", "arn:aws:s3:::carlossalazar/notes.txt")).decision).toBe("allowed");
    expect(evaluateAccess({ ...access, identityPolicies: [] }, request(carlos, "s3:PutObject", "arn:aws:s3:::carlossalazar/notes.txt")).decision).toBe("allowed");
    expect(evaluateAccess({ ...access, resourcePolicy: null }, request(carlos, "s3:PutObject", "arn:aws:s3:::carlossalazar/notes.txt")).decision).toBe("allowed");
  });
});

describe("Policy evaluation logic: explicit and implicit denies (AllowGetList / DenyReports)", () => {
  const policy = parsePolicy({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AllowGetList", Effect: "Allow", Action: ["iam:Get*", "iam:List*"], Resource: "*" },
      { Sid: "DenyReports", Effect: "Deny", Action: "iam:*Report", Resource: "*" },
    ],
  });
  const as = (action: string) => evaluatePolicy(policy, request(user("1", "u"), action, "*"), { kind: "identity" });
  test.each([
    ["iam:GetUser", "allowed", false],
    ["iam:CreatePolicy", "denied", false],
    ["iam:GetOrganizationsAccessReport", "denied", true],
  ])("%s → %s (explicit: %s)", (action, decision, explicit) => expect(as(action)).toMatchObject({ decision, explicit }));
});

describe("Cross-account policy evaluation logic: Carlos (111111111111) and Production (222222222222)", () => {
  const carlos = user("111111111111", "carlossalazar");
  const identity = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AllowS3ListRead", Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" },
      { Sid: "AllowS3ProductionObjectActions", Effect: "Allow", Action: "s3:*Object*", Resource: "arn:aws:s3:::Production/*" },
      { Sid: "DenyS3Logs", Effect: "Deny", Action: "s3:*", Resource: ["arn:aws:s3:::*log*", "arn:aws:s3:::*log*/*"] },
    ],
  };
  const bucket = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["s3:GetObject*", "s3:PutObject*", "s3:ReplicateObject", "s3:RestoreObject"],
        Principal: { AWS: "arn:aws:iam::111111111111:user/carlossalazar" },
        Resource: "arn:aws:s3:::Production/*",
      },
    ],
  };
  const access = { identityPolicies: [identity], resourcePolicy: bucket, resourceAccount: "222222222222" };

  test("to Production-logs: denied in his own account", () => {
    expect(evaluateAccess({ ...access, resourcePolicy: null }, request(carlos, "s3:PutObject", "arn:aws:s3:::Production-logs/f"))).toMatchObject({ decision: "denied", explicit: true });
  });
  test("to Production: both accounts allow", () => {
    expect(evaluateAccess(access, request(carlos, "s3:PutObject", "arn:aws:s3:::Production/f")).decision).toBe("allowed");
  });
  test("cross account, either policy alone is not enough", () => {
    const put = request(carlos, "s3:PutObject", "arn:aws:s3:::Production/f");
    const noIdentity = evaluateAccess({ ...access, identityPolicies: [] }, put);
    expect(noIdentity).toMatchObject({ decision: "denied", explicit: false });
    expect(noIdentity.reasons).toContain("no identity-based policy allows it");
    expect(evaluateAccess({ ...access, resourcePolicy: null }, put)).toMatchObject({ decision: "denied", explicit: false });
  });
  test("he cannot delete: the bucket policy does not allow it", () => {
    expect(evaluateAccess(access, request(carlos, "s3:DeleteObject", "arn:aws:s3:::Production/f")).decision).toBe("denied");
  });
  test("identity policies not given: the answer says it cannot tell", () => {
    const result = evaluateAccess({ resourcePolicy: bucket, resourceAccount: "222222222222" }, request(carlos, "s3:PutObject", "arn:aws:s3:::Production/f"));
    expect(result.decision).toBe("allowed-unless");
    expect(describeDecision(result)).toContain("the principal's identity-based policies were not given");
  });
});

describe("Principal (IAM JSON policy elements: Principal)", () => {
  const statement = (principal: unknown) =>
    parsePolicy({ Statement: { Effect: "Allow", Principal: principal, Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:123456789012:q" } });
  const sessionArn = "arn:aws:sts::123456789012:assumed-role/app-role/worker-1";
  const q = "arn:aws:sqs:us-east-1:123456789012:q";
  test.each<[string, unknown, PrincipalRef, boolean]>([
    ['"*" admits a service', "*", { service: "events.amazonaws.com" }, true],
    ['{"AWS": "*"} is the same as "*"', { AWS: "*" }, { service: "events.amazonaws.com" }, true],
    ["a Service list", { Service: ["ecs.amazonaws.com", "events.amazonaws.com"] }, { service: "events.amazonaws.com" }, true],
    ["another service", { Service: "sns.amazonaws.com" }, { service: "events.amazonaws.com" }, false],
    ["an account id names its users", { AWS: "123456789012" }, user("123456789012", "bob"), true],
    ["the root ARN names the account, not only its root user", { AWS: "arn:aws:iam::123456789012:root" }, { arn: sessionArn }, true],
    ["an account names no service", { AWS: "123456789012" }, { service: "events.amazonaws.com" }, false],
    ["a role ARN names its sessions (its path is not in the session ARN)", { AWS: "arn:aws:iam::123456789012:role/service/app-role" }, { arn: sessionArn }, true],
    ["a role ARN does not name another role's session", { AWS: "arn:aws:iam::123456789012:role/other" }, { arn: sessionArn }, false],
    ["a session ARN names that session", { AWS: sessionArn }, { arn: sessionArn }, true],
    ["a user ARN is case sensitive", { AWS: "arn:aws:iam::123456789012:user/Bob" }, user("123456789012", "bob"), false],
    ["no wildcard inside a principal", { AWS: "arn:aws:iam::123456789012:user/*" }, user("123456789012", "bob"), false],
    ["a federated provider", { Federated: "cognito-identity.amazonaws.com" }, { federated: "cognito-identity.amazonaws.com" }, true],
  ])("%s", (_name, principal, who, expected) => {
    expect(evaluatePolicy(statement(principal), request(who, "sqs:SendMessage", q)).decision).toBe(expected ? "allowed" : "denied");
  });

  test("a session named by its role only: whether it is this session cannot be told", () => {
    const result = evaluatePolicy(statement({ AWS: sessionArn }), request({ arn: "arn:aws:iam::123456789012:role/app-role" }, "sqs:SendMessage", q));
    expect(result.decision).toBe("allowed-unless");
  });
});

describe("NotPrincipal (IAM JSON policy elements: NotPrincipal)", () => {
  const bucket = "arn:aws:s3:::BUCKETNAME/x";
  const deny = (names: string[]) =>
    parsePolicy({ Statement: [{ Effect: "Deny", NotPrincipal: { AWS: names }, Action: "s3:*", Resource: ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"] }] });
  const bob = user("444455556666", "Bob");
  test("Deny to all but Bob and his account: Bob is not denied, others are", () => {
    const policy = deny(["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]);
    expect(evaluatePolicy(policy, request(bob, "s3:GetObject", bucket)).explicit).toBe(false);
    expect(evaluatePolicy(policy, request(user("444455556666", "Alice"), "s3:GetObject", bucket))).toMatchObject({ decision: "denied", explicit: true });
    expect(evaluatePolicy(policy, request({ service: "events.amazonaws.com" }, "s3:GetObject", bucket))).toMatchObject({ decision: "denied", explicit: true });
  });
  test("naming Bob without his account may still deny him: AWS may validate the account first", () => {
    const result = evaluatePolicy(deny(["arn:aws:iam::444455556666:user/Bob"]), request(bob, "s3:GetObject", bucket));
    expect(result.statements[0]!.applies).toBe("unknown");
    expect(describeStatement(result.statements[0]!)).toContain("its NotPrincipal names arn:aws:iam::444455556666:user/Bob but not its account 444455556666");
  });
  test("a session excepted with its role and account is not denied", () => {
    const session = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app";
    const policy = deny([session, "arn:aws:iam::444455556666:role/cross-account-read-only-role", "arn:aws:iam::444455556666:root"]);
    expect(evaluatePolicy(policy, request({ arn: session }, "s3:GetObject", bucket)).statements[0]!.applies).toBe(false);
    expect(evaluatePolicy(deny([session, "arn:aws:iam::444455556666:root"]), request({ arn: session }, "s3:GetObject", bucket)).statements[0]!.applies).toBe("unknown");
  });
  test("with Allow it grants everyone but those named", () => {
    const allow = parsePolicy({
      Statement: { Effect: "Allow", NotPrincipal: { AWS: ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"] }, Action: "s3:GetObject", Resource: "*" },
    });
    expect(evaluatePolicy(allow, request({ service: "events.amazonaws.com" }, "s3:GetObject", bucket)).decision).toBe("allowed");
    expect(evaluatePolicy(allow, request(user("444455556666", "Alice"), "s3:GetObject", bucket)).decision).toBe("allowed");
    expect(evaluatePolicy(allow, request(bob, "s3:GetObject", bucket)).decision).toBe("denied");
  });
  test("with Deny it always denies a principal that has a permissions boundary (Permissions boundaries)", () => {
    const policy = deny(["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]);
    const boundary = { Statement: { Effect: "Allow", Action: "s3:*", Resource: "*" } };
    const result = evaluateAccess({ resourcePolicy: policy, identityPolicies: [boundary], permissionsBoundary: boundary, resourceAccount: "444455556666" }, request(bob, "s3:GetObject", bucket));
    expect(result).toMatchObject({ decision: "denied", explicit: true });
  });
});

describe("NotAction (IAM JSON policy elements: NotAction)", () => {
  test("Allow NotAction iam:* on * allows everything but IAM", () => {
    const policy = parsePolicy({ Statement: { Effect: "Allow", NotAction: "iam:*", Resource: "*" } });
    const as = (action: string) => evaluatePolicy(policy, request(user("1", "u"), action, "*"), { kind: "identity" }).decision;
    expect(as("s3:GetObject")).toBe("allowed");
    expect(as("IAM:CreateUser")).toBe("denied");
  });
  test("Allow NotAction s3:DeleteBucket on arn:aws:s3:::* does not allow other services' resources", () => {
    const policy = parsePolicy({ Statement: { Effect: "Allow", NotAction: "s3:DeleteBucket", Resource: "arn:aws:s3:::*" } });
    const as = (action: string, resource: string) => evaluatePolicy(policy, request(user("1", "u"), action, resource), { kind: "identity" }).decision;
    expect(as("s3:PutObject", "arn:aws:s3:::b/k")).toBe("allowed");
    expect(as("s3:DeleteBucket", "arn:aws:s3:::b")).toBe("denied");
    expect(as("sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q")).toBe("denied");
  });
  test("DenyAllUsersNotUsingMFA: Deny NotAction iam:* with BoolIfExists aws:MultiFactorAuthPresent false", () => {
    const policy = parsePolicy({
      Statement: { Sid: "DenyAllUsersNotUsingMFA", Effect: "Deny", NotAction: "iam:*", Resource: "*", Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } } },
    });
    const as = (action: string, context: AccessRequest["context"]) => evaluatePolicy(policy, request(user("1", "u"), action, "*", context), { kind: "identity" }).explicit;
    expect(as("s3:GetObject", { "aws:MultiFactorAuthPresent": false })).toBe(true);
    expect(as("iam:ChangePassword", { "aws:MultiFactorAuthPresent": false })).toBe(false);
    expect(as("s3:GetObject", { "aws:MultiFactorAuthPresent": true })).toBe(false);
    expect(as("s3:GetObject", {})).toBe(true);
  });
});

describe("NotResource (IAM JSON policy elements: NotResource)", () => {
  const policy = parsePolicy({ Statement: { Effect: "Deny", Action: "s3:*", NotResource: ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"] } });
  const as = (action: string, resource: string) => evaluatePolicy(policy, request(user("1", "hr"), action, resource), { kind: "identity" }).explicit;
  test.each([
    ["s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/march.csv", false],
    ["s3:GetObject", "arn:aws:s3:::HRBucket/Other/x", true],
    ["ec2:StartInstances", "arn:aws:ec2:us-east-1:1:instance/i-1", false],
  ])("%s on %s denied: %s", (action, resource, denied) => expect(as(action, resource)).toBe(denied));
});

describe("policy variables in Resource (Variables and tags)", () => {
  const table = parsePolicy({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "dynamodb:*", Resource: "arn:aws:dynamodb:us-east-2:123456789012:table/${aws:username}" } });
  const as = (name: string, context: AccessRequest["context"], absent: AccessRequest["absent"] = "all-others") =>
    evaluatePolicy(table, { ...request(user("123456789012", "bob"), "dynamodb:GetItem", `arn:aws:dynamodb:us-east-2:123456789012:table/${name}`, context), absent }, { kind: "identity" });
  test("the user's own table", () => {
    expect(as("bob", { "aws:username": "bob" }).decision).toBe("allowed");
    expect(as("alice", { "aws:username": "bob" }).decision).toBe("denied");
  });
  test("a variable with no value matches no resource", () => {
    expect(as("${aws:username}", {}).decision).toBe("denied");
  });
  test("a variable the evaluator cannot resolve: allowed-unless, not wrong", () => {
    const result = as("bob", {}, []);
    expect(result.decision).toBe("allowed-unless");
    expect(describeDecision(result)).toContain("cannot resolve ${aws:username}");
  });
  test("in a 2008-10-17 policy the variable is literal", () => {
    const old = parsePolicy({ Version: "2008-10-17", Statement: { Effect: "Allow", Action: "dynamodb:*", Resource: "arn:aws:dynamodb:us-east-2:123456789012:table/${aws:username}" } });
    const literal = request(user("123456789012", "bob"), "dynamodb:GetItem", "arn:aws:dynamodb:us-east-2:123456789012:table/${aws:username}", { "aws:username": "bob" });
    expect(evaluatePolicy(old, literal, { kind: "identity" }).decision).toBe("allowed");
  });
});

describe("Permissions boundaries for IAM entities", () => {
  const shirley = user("123456789012", "ShirleyRodriguez");
  const boundary = { Statement: { Effect: "Allow", Action: ["s3:*", "cloudwatch:*", "ec2:*"], Resource: "*" } };
  const createUser = { Statement: { Effect: "Allow", Action: "iam:CreateUser", Resource: "*" } };
  test("the boundary caps identity-based permissions: iam:CreateUser fails", () => {
    const result = evaluateAccess({ identityPolicies: [createUser], permissionsBoundary: boundary }, request(shirley, "iam:CreateUser", "arn:aws:iam::123456789012:user/new"));
    expect(result).toMatchObject({ decision: "denied", explicit: false });
    expect(result.reasons.join(" ")).toContain("the permissions boundary does not allow it");
  });
  test("the boundary grants nothing by itself", () => {
    expect(evaluateAccess({ identityPolicies: [], permissionsBoundary: boundary }, request(shirley, "s3:GetObject", "arn:aws:s3:::b/k")).decision).toBe("denied");
  });

  const queue = "arn:aws:sqs:us-east-1:123456789012:q";
  const sessionArn = "arn:aws:sts::123456789012:assumed-role/app/s1";
  const grant = (principal: string) => ({ Statement: { Effect: "Allow", Principal: { AWS: principal }, Action: "sqs:SendMessage", Resource: queue } });
  const tight = { Statement: { Effect: "Allow", Action: "s3:*", Resource: "*" } };
  test.each<[string, PrincipalRef, string, string]>([
    ["a grant to the user ARN is not limited by the boundary", shirley, "arn:aws:iam::123456789012:user/ShirleyRodriguez", "allowed"],
    ["a grant to the role ARN is limited by the boundary", { arn: sessionArn }, "arn:aws:iam::123456789012:role/app", "denied"],
    ["a grant to the session ARN is not limited by the boundary", { arn: sessionArn }, sessionArn, "allowed"],
    ["a grant to the account delegates to identity-based policies, capped by the boundary", { arn: sessionArn }, "123456789012", "denied"],
  ])("%s (same account)", (_name, who, principal, decision) => {
    const result = evaluateAccess({ resourcePolicy: grant(principal), identityPolicies: [], permissionsBoundary: tight }, request(who, "sqs:SendMessage", queue));
    expect(result.decision).toBe(decision);
  });
});

describe("role trust and KMS key policies must allow the principal themselves", () => {
  const role = "arn:aws:iam::123456789012:role/target-role";
  const admin = { arn: "arn:aws:iam::123456789012:user/admin" };
  const everything = { Statement: { Effect: "Allow", Action: "*", Resource: "*" } };
  test("an administrator cannot assume a role whose trust policy names only a service", () => {
    const trust = { Statement: { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" } };
    expect(evaluateAccess({ resourcePolicy: trust, identityPolicies: [everything] }, request(admin, "sts:AssumeRole", role)).decision).toBe("denied");
  });
  test("a trust policy naming the account lets identity-based policies decide", () => {
    const trust = { Statement: { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" } };
    expect(evaluateAccess({ resourcePolicy: trust, identityPolicies: [everything] }, request(admin, "sts:AssumeRole", role)).decision).toBe("allowed");
    expect(evaluateAccess({ resourcePolicy: trust, identityPolicies: [] }, request(admin, "sts:AssumeRole", role)).decision).toBe("denied");
  });
  test("a key policy without a statement for the principal or its account refuses even an administrator", () => {
    const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const keyPolicy = { Statement: { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "kms:*", Resource: "*" } };
    expect(evaluateAccess({ resourcePolicy: keyPolicy, identityPolicies: [everything] }, request(admin, "kms:Decrypt", key)).decision).toBe("denied");
  });
});

describe("combined uncertainty", () => {
  test("a Deny that may apply in an identity-based policy keeps a resource policy's grant open", () => {
    const queue = "arn:aws:sqs:us-east-1:123456789012:q";
    const who = user("123456789012", "bob");
    const grant = { Statement: { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:user/bob" }, Action: "sqs:SendMessage", Resource: queue } };
    const maybeDeny = { Statement: { Sid: "tls", Effect: "Deny", Action: "sqs:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } } };
    const result = evaluateAccess({ resourcePolicy: grant, identityPolicies: [maybeDeny] }, { ...request(who, "sqs:SendMessage", queue), absent: [] });
    expect(result).toMatchObject({ decision: "allowed-unless", uncertainties: [{ statement: { sid: "tls", policy: "identity", policyIndex: 0 }, effect: "Deny" }] });
  });
});

describe("single policy decisions", () => {
  const q = "arn:aws:sqs:us-east-1:123456789012:q";
  const who = { service: "events.amazonaws.com" };
  test("an Allow with a condition on a key that may be absent: allowed-unless, naming it", () => {
    const policy = parsePolicy({ Statement: { Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: q, Condition: { Bool: { "aws:SecureTransport": "true" } } } });
    const result = evaluatePolicy(policy, { ...request(who, "sqs:SendMessage", q), absent: [] });
    expect(result.decision).toBe("allowed-unless");
    expect(result.uncertainties[0]!.reasons[0]).toContain("cannot tell whether the request carries aws:SecureTransport");
  });
  test("a Deny that may apply over a certain Allow: allowed-unless, naming the Deny", () => {
    const policy = parsePolicy({
      Statement: [
        { Sid: "allow", Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: q },
        { Sid: "tls", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: q, Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ],
    });
    const result = evaluatePolicy(policy, { ...request(who, "sqs:SendMessage", q), absent: [] });
    expect(result).toMatchObject({ decision: "allowed-unless", decidedBy: { sid: "allow" }, uncertainties: [{ statement: { sid: "tls" }, effect: "Deny" }] });
    expect(describeDecision(result)).toMatch(/^allowed by statement allow, unless: statement tls \(Deny\): Bool aws:SecureTransport false cannot be evaluated/);
  });
  test("no statement at all: an implicit deny", () => {
    expect(evaluatePolicy({ Statement: [] }, request(who, "sqs:SendMessage", q))).toMatchObject({ decision: "denied", explicit: false, decidedBy: null });
  });
});
