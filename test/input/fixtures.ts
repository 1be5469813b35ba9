/** Events shared by the input-transformation tests. */

/** An event with every kind of value, as the service delivers it (compact). */
export const PROBE_EVENT = {
  version: "0",
  id: "fb42b945-8b7e-7a98-3070-558acd6048fc",
  "detail-type": "input-probe",
  source: "probe.owned",
  account: "111111111111",
  time: "2026-01-02T03:04:05Z",
  region: "us-east-1",
  resources: [],
  detail: {
    text: "hello",
    number: 42,
    flag: true,
    nothing: null,
    object: { first: "one", second: 2 },
    array: ["one", "two", { x: 3 }],
    items: [{ name: "first" }, { name: "second" }],
    "hyphen-key": "dash",
    under_score: "under",
    "slash/key": "slash",
    "dot.key": "dot",
    quoted: 'say "hello"',
    escaped: "line\nslash\\tab\tend",
  },
};

/** The probe event's JSON text, as EventBridge writes it. */
export const PROBE_TEXT = JSON.stringify(PROBE_EVENT);

export const PROBE_CONTEXT = {
  ruleName: "case-066",
  ruleArn: "arn:aws:events:us-east-1:111111111111:rule/probe-bus/case-066",
  ingestionTime: "2026-09-13T12:17:30.408Z",
};

/** The AWS guide's example EC2 event (eb-transform-target-input). */
export const EC2_EVENT = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-0123456789", state: "RUNNING" },
};

/** localstack's AWS-validated event (tests/aws/services/events, SPECIAL_EVENT_DETAIL). */
export const ACCOUNT_EVENT = {
  version: "0",
  id: "0d0a608b-b6bd-e22d-739b-365f723ccf4b",
  "detail-type": "core.update-account-command",
  source: "core.update-account-command",
  account: "111111111111",
  time: "2024-03-26T15:48:35Z",
  region: "us-east-1",
  resources: [],
  detail: {
    command: "update-account",
    payload: { acc_id: "0a787ecb-4015", sf_id: "baz" },
    listsingle: ["HIGH"],
    listmulti: ["ACTIVE", "INACTIVE"],
    valid: true,
  },
};
