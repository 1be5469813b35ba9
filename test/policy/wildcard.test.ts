import { describe, expect, test } from "vitest";
import { actionMatches, arnLikeMatches, globMatches, resourceMatches } from "../../src/policy/wildcard.js";

const FN = "arn:aws:lambda:us-east-1:123456789012:function:fn";

describe("actions: case-insensitive, with * and ? (IAM JSON policy elements: Action)", () => {
  test.each([
    ["iam:ListAccessKeys", "IAM:listaccesskeys", true],
    ["lambda:Invoke*", "lambda:InvokeFunction", true],
    ["lambda:Invoke*", "lambda:GetFunction", false],
    ["*", "kms:Decrypt", true],
    ["iam:*AccessKey*", "iam:CreateAccessKey", true],
    ["firehose:PutRecord?atch", "firehose:PutRecordBatch", true],
    ["firehose:PutRecord", "firehose:PutRecordBatch", false],
    ["s3:*", "s3:GetObject", true],
    ["s3:*", "sqs:SendMessage", false],
  ])("%s ~ %s → %s", (pattern, action, expected) => expect(actionMatches(pattern, action)).toBe(expected));
});

describe("Resource ARNs (IAM JSON policy elements: Resource)", () => {
  test.each([
    ["*", FN, true],
    ["*", "not-even-an-arn", true],
    [FN, FN, true],
    [FN, `${FN}:live`, false],
    // "If the * wildcard is the last character of a resource ARN segment, it can expand to match beyond the colon boundaries."
    [`${FN}*`, `${FN}:live`, true],
    ["arn:aws:lambda:us-east-1:123456789012:function:*", `${FN}:live`, true],
    ["arn:aws:lambda:*:123456789012:function:fn", FN, true],
    // Inside a segment a * or ? does not cross a colon.
    ["arn:aws:lambda:us-east-1:123456789012:function:f*n", "arn:aws:lambda:us-east-1:123456789012:function:f:n", false],
    ["arn:aws:lambda:us-east-1:123456789012:function:fn?live", `${FN}:live`, false],
    ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/orders:*", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/orders:*", true],
    ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/orders:*", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/orders:log-stream:x", true],
    ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/orders:*", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/orders-2:*", false],
    ["arn:aws:s3:::carlossalazar-logs", "arn:aws:s3:::Carlossalazar-logs", false],
  ])("%s ~ %s → %s", (pattern, resource, expected) => expect(resourceMatches(pattern, resource)).toBe(expected));

  // The page's own example: "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*".
  const S3 = "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*";
  test.each([
    "DOC-EXAMPLE-BUCKET/1/test/object.jpg",
    "DOC-EXAMPLE-BUCKET/1/2/test/object.jpg",
    "DOC-EXAMPLE-BUCKET/1/2/test/3/object.jpg",
    "DOC-EXAMPLE-BUCKET/1/2/3/test/4/object.jpg",
    "DOC-EXAMPLE-BUCKET/1///test///object.jpg",
    "DOC-EXAMPLE-BUCKET/1/test/.jpg",
    "DOC-EXAMPLE-BUCKET//test/object.jpg",
    "DOC-EXAMPLE-BUCKET/1/test/",
  ])(`${S3} matches %s`, (key) => expect(resourceMatches(S3, `arn:aws:s3:::${key}`)).toBe(true));
  test.each(["DOC-EXAMPLE-BUCKET/1-test/object.jpg", "DOC-EXAMPLE-BUCKET/test/object.jpg", "DOC-EXAMPLE-BUCKET/1/2/test.jpg"])(
    `${S3} does not match %s`,
    (key) => expect(resourceMatches(S3, `arn:aws:s3:::${key}`)).toBe(false),
  );
});

describe("ArnLike compares the six components one by one (Condition operators, ARN)", () => {
  // The page's example: StringLike matches, ArnLike does not.
  const pattern = "arn:aws:someservice:*:111122223333:finance/*";
  const value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
  test("the documented StringLike / ArnLike difference", () => {
    expect(globMatches(pattern, value)).toBe(true);
    expect(arnLikeMatches(pattern, value)).toBe(false);
  });

  test.each([
    ["arn:aws:events:*:123456789012:rule/*", "arn:aws:events:us-east-1:123456789012:rule/bus/x", true],
    ["arn:aws:events:us-east-1:123456789012:rule/x", "arn:aws:events:us-east-1:123456789012:rule/bus/x", false],
    ["arn:aws:lambda:*:*:function:fn*", "arn:aws:lambda:us-east-1:1:function:fn:live", true],
    ["arn:aws:events:*:*:*", "arn:aws:events:us-east-1:1:rule/x", true],
    ["arn:aws:events:us-east-1:123456789012:rule/X", "arn:aws:events:us-east-1:123456789012:rule/x", false],
    ["arn:aws:events:us-east-1:123456789012:rule/x", "not an arn", false],
  ])("%s ~ %s → %s", (p, v, expected) => expect(arnLikeMatches(p, v)).toBe(expected));

  const CUSTOM = "arn:aws:events:us-east-1:123456789012:rule/orders-bus/route-orders";
  test.each([
    [CUSTOM, true],
    ["arn:aws:events:us-east-1:123456789012:rule/orders-bus/*", true],
    ["arn:aws:events:*:123456789012:rule/orders-bus/route-?rders", true],
    ["arn:aws:events:us-east-1:123456789012:rule/*", true],
    ["arn:aws:events:us-*:123456789012:rule/orders-bus/*", true],
    // Each part is matched on its own: a star in the region never reaches into the account.
    ["arn:aws:events:us-east-1*:rule/orders-bus/route-orders", false],
    ["arn:aws:events", false],
    ["arn:aws:events:us-east-1:123456789012:rule/route-orders", false],
    ["arn:aws:events:us-east-1:123456789012:rule/orders-bus/Route-Orders", false],
  ])("%s ~ a custom-bus rule → %s", (pattern, expected) => expect(arnLikeMatches(pattern, CUSTOM)).toBe(expected));

  test("a pattern that is no ARN at all is not comparable", () => {
    expect(arnLikeMatches("*", "arn:aws:events:us-east-1:1:rule/x")).toBeNull();
  });
});

test("matching stays fast on a pattern that makes a backtracking matcher explode", () => {
  const start = performance.now();
  expect(globMatches("*a".repeat(30) + "b", "a".repeat(400))).toBe(false);
  expect(performance.now() - start).toBeLessThan(500);
});
