/** Condition tests, mostly the IAM User Guide's own examples (page named per block). */
import { describe, expect, test } from "vitest";
import { ContextReader, evaluateCondition } from "../../src/policy/condition.js";
import type { AccessRequest, ContextValue } from "../../src/policy/index.js";

/** One condition against a context; `absent` lists the keys known not to be there (others unknown). */
function check(operator: string, key: string, values: string | string[], context: Record<string, ContextValue>, absent: AccessRequest["absent"] = "all-others", variables = true) {
  const entry = { operator, key, values: Array.isArray(values) ? values : [values] };
  return evaluateCondition(entry, new ContextReader({ context, absent }), variables);
}
const holds = (...args: Parameters<typeof check>) => check(...args).matched;

describe("Condition operators page", () => {
  test("StringEquals on a tag the principal does not have is false", () => {
    expect(holds("StringEquals", "aws:PrincipalTag/job-category", "iamuser-admin", { "aws:PrincipalTag/job-category": "iamuser-admin" })).toBe(true);
    expect(holds("StringEquals", "aws:PrincipalTag/job-category", "iamuser-admin", {})).toBe(false);
  });

  test("StringLike with a policy variable: the home-directory example", () => {
    const prefixes = ["", "home/", "home/${aws:username}/"];
    expect(holds("StringLike", "s3:prefix", prefixes, { "s3:prefix": "home/bob/", "aws:username": "bob" })).toBe(true);
    expect(holds("StringLike", "s3:prefix", prefixes, { "s3:prefix": "home/alice/", "aws:username": "bob" })).toBe(false);
    expect(holds("StringLike", "s3:prefix", prefixes, { "s3:prefix": "" , "aws:username": "bob" })).toBe(true);
  });

  test("NumericLessThanEquals s3:max-keys 10", () => {
    expect(holds("NumericLessThanEquals", "s3:max-keys", "10", { "s3:max-keys": "10" })).toBe(true);
    expect(holds("NumericLessThanEquals", "s3:max-keys", "10", { "s3:max-keys": 11 })).toBe(false);
  });

  test("DateGreaterThan aws:TokenIssueTime: present only for temporary credentials", () => {
    expect(holds("DateGreaterThan", "aws:TokenIssueTime", "2020-01-01T00:00:01Z", { "aws:TokenIssueTime": "2020-06-01T12:00:00Z" })).toBe(true);
    expect(holds("DateGreaterThan", "aws:TokenIssueTime", "2020-01-01T00:00:01Z", { "aws:TokenIssueTime": "2019-12-31T23:59:59Z" })).toBe(false);
    expect(holds("DateGreaterThan", "aws:TokenIssueTime", "2020-01-01T00:00:01Z", {})).toBe(false);
    // Epoch (UNIX) time is accepted too.
    expect(holds("DateLessThan", "aws:CurrentTime", "1577836801", { "aws:CurrentTime": "2019-06-01T00:00:00Z" })).toBe(true);
  });

  test("Bool aws:SecureTransport false", () => {
    expect(holds("Bool", "aws:SecureTransport", "false", { "aws:SecureTransport": false })).toBe(true);
    expect(holds("Bool", "aws:SecureTransport", "false", { "aws:SecureTransport": "true" })).toBe(false);
    expect(holds("Bool", "aws:SecureTransport", "False", { "aws:SecureTransport": false })).toBe("unknown");
  });

  test("BinaryEquals compares the base-64 encoded bytes", () => {
    expect(holds("BinaryEquals", "key", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", { key: "QmluYXJ5VmFsdWVJbkJhc2U2NA==" })).toBe(true);
    expect(holds("BinaryEquals", "key", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", { key: "QmluYXJ5" })).toBe(false);
  });

  test("IpAddress, IPv4 and IPv6, and /32 by default", () => {
    const ranges = ["203.0.113.0/24", "2001:DB8:1234:5678::/64"];
    expect(holds("IpAddress", "aws:SourceIp", ranges, { "aws:SourceIp": "203.0.113.77" })).toBe(true);
    expect(holds("IpAddress", "aws:SourceIp", ranges, { "aws:SourceIp": "198.51.100.1" })).toBe(false);
    expect(holds("IpAddress", "aws:SourceIp", ranges, { "aws:SourceIp": "2001:db8:1234:5678:abcd::1" })).toBe(true);
    expect(holds("IpAddress", "aws:SourceIp", ranges, { "aws:SourceIp": "2001:db8:1234:5679::1" })).toBe(false);
    expect(holds("IpAddress", "aws:SourceIp", "203.0.113.7", { "aws:SourceIp": "203.0.113.8" })).toBe(false);
    expect(holds("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", { "aws:SourceIp": "198.51.100.1" })).toBe(true);
    // "The aws:SourceIp key is always present ... except when the requester uses a VPC endpoint ... the condition returns false."
    expect(holds("IpAddress", "aws:SourceIp", ranges, {})).toBe(false);
  });

  test("ArnEquals aws:SourceArn: absent when an IAM user acts directly", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:TOPIC-ID";
    expect(holds("ArnEquals", "aws:SourceArn", topic, { "aws:SourceArn": topic })).toBe(true);
    expect(holds("ArnEquals", "aws:SourceArn", topic, {})).toBe(false);
  });

  test("StringLikeIfExists ec2:InstanceType: true when the resource has no such key", () => {
    const types = ["t1.*", "t2.*", "m3.*"];
    expect(holds("StringLikeIfExists", "ec2:InstanceType", types, {})).toBe(true);
    expect(holds("StringLikeIfExists", "ec2:InstanceType", types, { "ec2:InstanceType": "t2.micro" })).toBe(true);
    expect(holds("StringLikeIfExists", "ec2:InstanceType", types, { "ec2:InstanceType": "m5.large" })).toBe(false);
    // Without IfExists the same statement does not work: "THISPOLICYDOESNOTWORK".
    expect(holds("StringLike", "ec2:InstanceType", types, {})).toBe(false);
  });

  test("StringNotEqualsIfExists with a missing tag holds: a Deny using it still denies", () => {
    expect(holds("StringNotEqualsIfExists", "aws:ResourceTag/team", "blue", {})).toBe(true);
  });

  test("Null aws:TokenIssueTime true: the key must be absent", () => {
    expect(holds("Null", "aws:TokenIssueTime", "true", {})).toBe(true);
    expect(holds("Null", "aws:TokenIssueTime", "true", { "aws:TokenIssueTime": "2020-01-01T00:00:00Z" })).toBe(false);
    expect(holds("Null", "aws:TokenIssueTime", "false", { "aws:TokenIssueTime": "2020-01-01T00:00:00Z" })).toBe(true);
  });

  test("negated operators on a missing key are true; plain ones false", () => {
    for (const op of ["StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals", "DateNotEquals", "NotIpAddress", "ArnNotEquals", "ArnNotLike"]) {
      expect(holds(op, "aws:Missing", "x", {}), op).toBe(true);
    }
    for (const op of ["StringEquals", "StringLike", "NumericEquals", "NumericLessThan", "DateEquals", "Bool", "BinaryEquals", "IpAddress", "ArnLike"]) {
      expect(holds(op, "aws:Missing", "x", {}), op).toBe(false);
    }
  });
});

describe("Condition element page: key names are case-insensitive, values are not", () => {
  test("aws:SourceIP and AWS:SourceIp are the same key", () => {
    expect(holds("IpAddress", "aws:SourceIP", "203.0.113.0/24", { "AWS:SourceIp": "203.0.113.1" })).toBe(true);
  });
  test("StringEquals aws:username johndoe refuses JohnDoe; StringEqualsIgnoreCase admits both", () => {
    expect(holds("StringEquals", "aws:username", "johndoe", { "aws:username": "JohnDoe" })).toBe(false);
    expect(holds("StringEqualsIgnoreCase", "aws:username", "johndoe", { "aws:username": "JohnDoe" })).toBe(true);
    expect(holds("StringNotEqualsIgnoreCase", "aws:username", "johndoe", { "aws:username": "JohnDoe" })).toBe(false);
  });
});

describe("Conditions with multiple context keys or values", () => {
  // The page's table: StringEquals on two tags AND ArnLike on aws:PrincipalArn.
  const block = (context: Record<string, ContextValue>) => {
    const results = [
      check("StringEquals", "aws:PrincipalTag/department", ["finance", "hr", "legal"], context),
      check("StringEquals", "aws:PrincipalTag/role", ["audit", "security"], context),
      check("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::222222222222:user/Ana", "arn:aws:iam::222222222222:user/Mary"], context),
    ];
    return results.every((r) => r.matched === true);
  };
  const mary = "arn:aws:iam::222222222222:user/Mary";
  test.each<[Record<string, ContextValue>, boolean]>([
    [{ "aws:PrincipalTag/department": "legal", "aws:PrincipalTag/role": "audit", "aws:PrincipalArn": mary }, true],
    [{ "aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "audit", "aws:PrincipalArn": "arn:aws:iam::222222222222:user/Nikki" }, false],
    [{ "aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "payroll", "aws:PrincipalArn": mary }, false],
    [{ "aws:PrincipalTag/department": "hr", "aws:PrincipalArn": mary }, false],
    [{ "aws:PrincipalArn": mary }, false],
  ])("%j → %s", (context, expected) => expect(block(context)).toBe(expected));

  // The same with ArnNotLike: the values work like a logical NOR.
  const negated = (context: Record<string, ContextValue>) =>
    [
      check("StringEquals", "aws:PrincipalTag/department", ["finance", "hr", "legal"], context),
      check("StringEquals", "aws:PrincipalTag/role", ["audit", "security"], context),
      check("ArnNotLike", "aws:PrincipalArn", ["arn:aws:iam::222222222222:user/Ana", mary], context),
    ].every((r) => r.matched === true);
  const nikki = "arn:aws:iam::222222222222:user/Nikki";
  test.each<[Record<string, ContextValue>, boolean]>([
    [{ "aws:PrincipalTag/department": "legal", "aws:PrincipalTag/role": "audit", "aws:PrincipalArn": nikki }, true],
    [{ "aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "audit", "aws:PrincipalArn": mary }, false],
    [{ "aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "payroll", "aws:PrincipalArn": nikki }, false],
    [{ "aws:PrincipalTag/department": "hr", "aws:PrincipalArn": nikki }, false],
    [{ "aws:PrincipalArn": nikki }, false],
  ])("ArnNotLike: %j → %s", (context, expected) => expect(negated(context)).toBe(expected));

  test("StringNotEquals with several accounts must match none of them", () => {
    expect(holds("StringNotEquals", "aws:PrincipalAccount", ["111111111111", "222222222222"], { "aws:PrincipalAccount": "111111111111" })).toBe(false);
    expect(holds("StringNotEquals", "aws:PrincipalAccount", ["111111111111", "222222222222"], { "aws:PrincipalAccount": "333333333333" })).toBe(true);
  });
});

describe("ForAllValues / ForAnyValue (multivalued context keys)", () => {
  const allowed = ["PostDateTime", "Message", "Tags"];
  test.each<[ContextValue | undefined, boolean]>([
    [["PostDateTime", "Message"], true],
    [["PostDateTime", "UserName"], false],
    [[], true],
    // "It also returns true if there are no keys in the request": the documented trap.
    [undefined, true],
  ])("ForAllValues:StringEquals dynamodb:Attributes, request %j → %s", (value, expected) => {
    expect(holds("ForAllValues:StringEquals", "dynamodb:Attributes", allowed, value === undefined ? {} : { "dynamodb:Attributes": value })).toBe(expected);
  });

  test.each<[ContextValue | undefined, boolean]>([
    [["UserName", "Message", "PostDateTime"], true],
    [["UserName"], false],
    [[], false],
    [undefined, false],
  ])("ForAnyValue:StringEquals dynamodb:Attributes [ID, PostDateTime], request %j → %s", (value, expected) => {
    expect(holds("ForAnyValue:StringEquals", "dynamodb:Attributes", ["ID", "PostDateTime"], value === undefined ? {} : { "dynamodb:Attributes": value })).toBe(expected);
  });

  // Multivalued context key examples: "ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"} in a Deny.
  test.each<[ContextValue | undefined, boolean]>([
    [["key1:legal"], false],
    [["key1:hr", "key1:personnel"], false],
    [["key2:audit"], true],
    [undefined, true],
  ])("ForAllValues:StringNotLike aws:TagKeys key1*, request %j → %s", (value, expected) => {
    expect(holds("ForAllValues:StringNotLike", "aws:TagKeys", "key1*", value === undefined ? {} : { "aws:TagKeys": value })).toBe(expected);
  });

  test("a plain operator on a multivalued value is not guessed", () => {
    expect(holds("StringEquals", "aws:TagKeys", "a", { "aws:TagKeys": ["a", "b"] })).toBe("unknown");
  });
});

describe("policy variables (IAM policy elements: Variables and tags)", () => {
  test("a variable whose key is absent is null: plain operators fail, negated ones hold", () => {
    const tag = "${aws:PrincipalTag/Team}";
    expect(holds("StringEquals", "s3:ExistingObjectTag/Team", tag, { "s3:ExistingObjectTag/Team": "red" })).toBe(false);
    expect(holds("StringNotEquals", "s3:ExistingObjectTag/Team", tag, { "s3:ExistingObjectTag/Team": "red" })).toBe(true);
    expect(holds("StringEquals", "s3:ExistingObjectTag/Team", tag, { "s3:ExistingObjectTag/Team": "red", "aws:PrincipalTag/Team": "red" })).toBe(true);
  });

  test("a default value stands in for an absent key", () => {
    expect(holds("StringEquals", "s3:prefix", "${aws:PrincipalTag/team, 'company-wide'}", { "s3:prefix": "company-wide" })).toBe(true);
  });

  test("${*} is a literal asterisk, not a wildcard", () => {
    expect(holds("StringLike", "k", "a${*}", { k: "a*" })).toBe(true);
    expect(holds("StringLike", "k", "a${*}", { k: "ab" })).toBe(false);
  });

  test("a variable the evaluator cannot resolve makes the condition unknown, and says which", () => {
    const result = check("StringEquals", "s3:prefix", "home/${aws:username}", { "s3:prefix": "home/bob" }, []);
    expect(result.matched).toBe("unknown");
    expect(result.reason).toContain("cannot resolve ${aws:username}");
  });

  test("without Version 2012-10-17 a variable is literal text", () => {
    expect(holds("StringEquals", "k", "${aws:username}", { k: "${aws:username}", "aws:username": "bob" }, "all-others", false)).toBe(true);
  });

  test("Numeric operators take no variables", () => {
    expect(holds("NumericEquals", "k", "${n}", { k: "1", n: "1" })).toBe(false);
  });
});

describe("what cannot be evaluated is named in words", () => {
  test("a key the request may or may not carry", () => {
    const result = check("StringEquals", "kms:ViaService", "sqs.us-east-1.amazonaws.com", {}, ["aws:PrincipalOrgID"]);
    expect(result).toMatchObject({ matched: "unknown" });
    expect(result.reason).toContain("cannot tell whether the request carries kms:ViaService");
  });

  test("an operator IAM does not define", () => {
    const result = check("StringStartsWith", "k", "a", { k: "abc" });
    expect(result).toMatchObject({ matched: "unknown" });
    expect(result.reason).toContain("StringStartsWith is not an operator this evaluator implements");
  });

  test("a negated condition's text keeps its negation", () => {
    const result = check("ArnNotLike", "aws:SourceArn", "arn:aws:events:*:*:rule/bus/*", { "aws:SourceArn": "arn:aws:events:us-east-1:1:rule/bus/x" });
    expect(result.matched).toBe(false);
    expect(result.reason).toMatch(/^ArnNotLike aws:SourceArn arn:aws:events:\*:\*:rule\/bus\/\* does not hold/);
  });
});
