import { describe, expect, it } from "vitest";
import { applyTargetInput, type TargetInputSettings } from "../../src/input/index.js";
import { ACCOUNT_EVENT, PROBE_CONTEXT, PROBE_EVENT, PROBE_TEXT } from "./fixtures.js";

// Payloads the running service produced, recorded with an SQS target (and its DLQ for the
// ones it refused: ERROR_CODE INVALID_JSON). `delivered` false = only the DLQ saw it.
const map = (paths: Record<string, string>, template: string): TargetInputSettings => ({ InputTransformer: { InputPathsMap: paths, InputTemplate: template } });
const one = (path: string, template = "{\"value\":<value>}") => map({ value: path }, template);
const detail = JSON.stringify(PROBE_EVENT.detail);

type Row = [name: string, settings: TargetInputSettings, payload: string, delivered: boolean];
const rows: Row[] = [
  ["no input settings: the event", {}, PROBE_TEXT, true],
  ["Input object, spacing kept", { Input: '{ "fixed": true }' }, '{ "fixed": true }', true],
  ["Input array", { Input: '[1,"two"]' }, '[1,"two"]', true],
  ["Input string", { Input: '"constant"' }, '"constant"', true],
  ["Input number", { Input: "17" }, "17", true],
  ["Input null", { Input: "null" }, "null", true],
  ["Input empty: nothing arrives", { Input: "" }, "", false],
  ["InputPath $", { InputPath: "$" }, PROBE_TEXT, true],
  ["InputPath object", { InputPath: "$.detail.object" }, '{"first":"one","second":2}', true],
  ["InputPath array", { InputPath: "$.detail.array" }, '["one","two",{"x":3}]', true],
  ["InputPath string", { InputPath: "$.detail.text" }, '"hello"', true],
  ["InputPath number", { InputPath: "$.detail.number" }, "42", true],
  ["InputPath null sends {}", { InputPath: "$.detail.nothing" }, "{}", true],
  ["InputPath missing sends {}", { InputPath: "$.detail.missing" }, "{}", true],
  ["InputPath empty sends {}", { InputPath: "" }, "{}", true],
  ["InputPath index", { InputPath: "$.detail.array[1]" }, '"two"', true],
  ["InputPath nested index", { InputPath: "$.detail.items[1].name" }, '"second"', true],
  ["InputPath [*]", { InputPath: "$.detail.items[*].name" }, '["first","second"]', true],
  ["InputPath hyphen", { InputPath: "$.detail.hyphen-key" }, '"dash"', true],
  ["InputPath underscore", { InputPath: "$.detail.under_score" }, '"under"', true],
  ["InputPath slash", { InputPath: "$.detail.slash/key" }, '"slash"', true],
  ["InputPath $.detail", { InputPath: "$.detail" }, detail, true],
  ["map $", one("$"), `{"value":${PROBE_TEXT}}`, true],
  ["map missing: empty string", one("$.detail.missing"), '{"value":""}', true],
  ["map index", one("$.detail.array[1]"), '{"value":"two"}', true],
  ["map [*]", one("$.detail.items[*].name"), '{"value":["first","second"]}', true],
  ["map hyphen", one("$.detail.hyphen-key"), '{"value":"dash"}', true],
  ["map underscore", one("$.detail.under_score"), '{"value":"under"}', true],
  ["map slash", one("$.detail.slash/key"), '{"value":"slash"}', true],
  ["typed values unquoted", map({ text: "$.detail.text", number: "$.detail.number", flag: "$.detail.flag", nothing: "$.detail.nothing", object: "$.detail.object", array: "$.detail.array" }, '{"text":<text>,"number":<number>,"flag":<flag>,"nothing":<nothing>,"object":<object>,"array":<array>}'), '{"text":"hello","number":42,"flag":true,"nothing":null,"object":{"first":"one","second":2},"array":["one","two",{"x":3}]}', true],
  ["typed values quoted: objects break it", map({ text: "$.detail.text", number: "$.detail.number", object: "$.detail.object", array: "$.detail.array" }, '{"text":"<text>","number":"<number>","object":"<object>","array":"<array>"}'), '{"text":"hello","number":"42","object":"{"first":"one","second":2}","array":"["one","two",{"x":3}]"}', false],
  ["text template: objects lose their quotes", map({ text: "$.detail.text", object: "$.detail.object", array: "$.detail.array" }, '"text=<text>; object=<object>; array=<array>"'), '"text=hello; object={first:one,second:2}; array=[one,two,{x:3}]"', true],
  ["JSON template: a string's escapes kept", one("$.detail.escaped"), String.raw`{"value":"line\nslash\\tab\tend"}`, true],
  ["JSON template: a string's quotes escaped", one("$.detail.quoted"), String.raw`{"value":"say \"hello\""}`, true],
  ["text template: a string's quotes pasted raw", one("$.detail.quoted", '"prefix <value> suffix"'), '"prefix say "hello" suffix"', false],
  ["text template: the template's escapes kept", one("$.detail.text", String.raw`"prefix \"<value>\" suffix"`), String.raw`"prefix \"hello\" suffix"`, true],
  ["text template: missing is nothing", one("$.detail.missing", '"before <value> after"'), '"before  after"', true],
  ["JSON template: missing between values", one("$.detail.missing", '{"before":1,"missing":<value>,"after":2}'), '{"before":1,"missing":"","after":2}', true],
  ["root array: missing is nothing", one("$.detail.missing", "[1,<value>,2]"), "[1,,2]", false],
  ["no InputPathsMap: <undefined> stays as text", { InputTransformer: { InputTemplate: '"before <undefined> after"' } }, '"before <undefined> after"', true],
  ["no InputPathsMap: <undefined> breaks JSON", { InputTransformer: { InputTemplate: '{"value":<undefined>}' } }, '{"value":<undefined>}', false],
  ["bare <object>", one("$.detail.object", "<value>"), "{first:one,second:2}", false],
  ["bare <string>", one("$.detail.text", "<value>"), "hello", false],
  ["bare <number>", one("$.detail.number", "<value>"), "42", true],
  ["bare <null>", one("$.detail.nothing", "<value>"), "null", true],
  ["bare <missing>: empty", one("$.detail.missing", "<value>"), "", false],
  ["quoted lines", one("$.detail.text", '"first <value>"\n"second <value>"'), '"first hello"\n"second hello"', true],
  ["template null", { InputTransformer: { InputTemplate: "null" } }, "null", true],
  ["root array with a number", one("$.detail.number", '["fixed",<value>]'), '["fixed",42]', true],
  ["root array: a string pasted raw", one("$.detail.text", "[<value>]"), "[hello]", false],
  ["root array: an object loses quotes", one("$.detail.object", "[<value>]"), "[{first:one,second:2}]", false],
  ["root array: an array loses quotes", one("$.detail.array", "[<value>]"), "[[one,two,{x:3}]]", false],
  ["root array: null", one("$.detail.nothing", "[<value>]"), "[null]", true],
  ["root array: missing inside an object", one("$.detail.missing", '[{"value":<value>}]'), '[{"value":}]', false],
  ["JSON template: missing inside an array", one("$.detail.missing", '{"value":[<value>]}'), '{"value":[""]}', true],
  ["JSON template: an object inside a string", one("$.detail.object", '{"value":"prefix <value> suffix"}'), '{"value":"prefix {"first":"one","second":2} suffix"}', false],
  ["JSON template: quotes inside a string", one("$.detail.quoted", '{"value":"prefix <value> suffix"}'), String.raw`{"value":"prefix say \"hello\" suffix"}`, true],
  ["JSON template: escapes inside a string", one("$.detail.escaped", '{"value":"prefix <value> suffix"}'), String.raw`{"value":"prefix line\nslash\\tab\tend suffix"}`, true],
  ["text template: escapes pasted raw", one("$.detail.escaped", '"prefix <value> suffix"'), '"prefix line\nslash\\tab\tend suffix"', false],
  ["reserved variables in JSON", { InputTransformer: { InputTemplate: '{"name":<aws.events.rule-name>,"arn":<aws.events.rule-arn>,"ingested":<aws.events.event.ingestion-time>,"event":<aws.events.event>,"full":<aws.events.event.json>}' } }, `{"name":"case-066","arn":"arn:aws:events:us-east-1:111111111111:rule/probe-bus/case-066","ingested":"2026-09-13T12:17:30.408Z","event":{"id":"fb42b945-8b7e-7a98-3070-558acd6048fc","account":"111111111111","detailType":"input-probe","time":1767323045000,"source":"probe.owned","region":"us-east-1","resources":[],"version":"0"},"full":${PROBE_TEXT}}`, true],
  ["reserved variables in text", { InputTransformer: { InputTemplate: '"<aws.events.rule-name> triggered <aws.events.rule-arn>"' } }, '"case-066 triggered arn:aws:events:us-east-1:111111111111:rule/probe-bus/case-066"', true],
  ["unknown aws.events name stays as text", { InputTransformer: { InputTemplate: '{"value":<aws.events.unknown>}' } }, '{"value":<aws.events.unknown>}', false],
];

describe("payloads recorded from the service (probe event)", () => {
  it.each(rows)("%s", (_name, settings, payload, delivered) => {
    const result = applyTargetInput(settings, PROBE_TEXT, PROBE_CONTEXT);
    expect(result.payload).toBe(payload);
    expect(result.delivered).toBe(delivered);
  });
});

// localstack's tests/aws/services/events/test_events_inputs.py, validated against AWS.
const account = (template: string): TargetInputSettings =>
  map({ userId: "$.detail.payload.acc_id", payload: "$.detail.payload", systemstring: "$.detail.awsAccountId", listsingle: "$.detail.listsingle", listmulti: "$.detail.listmulti", valid: "$.detail.valid" }, template);
const command = (template: string, commandPath = "$.detail.command"): TargetInputSettings => map({ "detail-type": "$.detail-type", timestamp: "$.time", command: commandPath }, template);
const accountRows: [string, TargetInputSettings, unknown][] = [
  ["object unquoted, id in a path", account('{"method": "PUT", "path": "users-service/users/<userId>", "bod": <payload>}'), { method: "PUT", path: "users-service/users/0a787ecb-4015", bod: { acc_id: "0a787ecb-4015", sf_id: "baz" } }],
  ["text: object loses quotes", account('"Payload of <payload> with path users-service/users/<userId> and <userId>"'), "Payload of {acc_id:0a787ecb-4015,sf_id:baz} with path users-service/users/0a787ecb-4015 and 0a787ecb-4015"],
  ["string unquoted", account('{"id" : <userId>}'), { id: "0a787ecb-4015" }],
  ["string quoted: the same", account('{"id" : "<userId>"}'), { id: "0a787ecb-4015" }],
  ["mixed", account('{"method": "PUT", "path": "users-service/users/<userId>", "id": <userId>, "body": <payload>}'), { method: "PUT", path: "users-service/users/0a787ecb-4015", id: "0a787ecb-4015", body: { acc_id: "0a787ecb-4015", sf_id: "baz" } }],
  ["inside an array", account('{"method": "PUT", "path": "users-service/users/<userId>", "bod": [<userId>, "hardcoded"]}'), { method: "PUT", path: "users-service/users/0a787ecb-4015", bod: ["0a787ecb-4015", "hardcoded"] }],
  ["nested", account('{"method": "PUT", "nested": {"level1": {"level2": {"level3": "users-service/users/<userId>"} } }, "bod": "<userId>"}'), { method: "PUT", nested: { level1: { level2: { level3: "users-service/users/0a787ecb-4015" } } }, bod: "0a787ecb-4015" }],
  ["text: one-item list", account('"<listsingle> single list item"'), "[HIGH] single list item"],
  ["text: list", account('"<listmulti> multiple list items"'), "[ACTIVE,INACTIVE] multiple list items"],
  ["list unquoted", account('{"singlelistitem": <listsingle>}'), { singlelistitem: ["HIGH"] }],
  ["text: everything, a missing value empty", account('"<listsingle> single list item <listmulti> multiple list items <systemstring> system account id <payload> payload <userId> user id"'), "[HIGH] single list item [ACTIVE,INACTIVE] multiple list items  system account id {acc_id:0a787ecb-4015,sf_id:baz} payload 0a787ecb-4015 user id"],
  ["the same id twice", account('{"multi_replacement": "users/<userId>/second/<userId>"}'), { multi_replacement: "users/0a787ecb-4015/second/0a787ecb-4015" }],
  ["text: a boolean", account('"Command is <valid>!"'), "Command is true!"],
  ["text: special first characters", command('"{[/Check with special starting characters for event of <detail-type> type"'), "{[/Check with special starting characters for event of core.update-account-command type"],
  ["text: all found", command('"Event of <detail-type> type, at time <timestamp>, info extracted from detail <command>"'), "Event of core.update-account-command type, at time 2024-03-26T15:48:35Z, info extracted from detail update-account"],
  ["text: one missing", command('"Event of <detail-type> type, at time <timestamp>, info extracted from detail <command>"', "$.detail.notinmessage"), "Event of core.update-account-command type, at time 2024-03-26T15:48:35Z, info extracted from detail "],
  ["JSON: all found", command('{"detailType": <detail-type>,  "time": <timestamp>, "command": <command>}'), { detailType: "core.update-account-command", time: "2024-03-26T15:48:35Z", command: "update-account" }],
  ["JSON: one missing arrives as \"\"", command('{"detailType": <detail-type>,  "time": <timestamp>, "command": <command>}', "$.detail.notinmessage"), { detailType: "core.update-account-command", time: "2024-03-26T15:48:35Z", command: "" }],
  ["InputPath nested", { InputPath: "$.detail.payload" }, { acc_id: "0a787ecb-4015", sf_id: "baz" }],
  ["InputPath to a string", { InputPath: "$.detail.payload.sf_id" }, "baz"],
];

describe("payloads recorded from the service (localstack's AWS-validated snapshots)", () => {
  it.each(accountRows)("%s", (_name, settings, json) => {
    const result = applyTargetInput(settings, ACCOUNT_EVENT, { ruleName: "r", ruleArn: "arn:aws:events:us-east-1:111111111111:rule/b/r" });
    expect(result.delivered).toBe(true);
    expect(result.json).toEqual(json);
  });

  it.each([
    ['{"not_valid": "users-service/users/<payload>", "bod": <payload>}'],
    ['{"payload": "<payload>"}'],
    ['{"singlelistitem": "<listsingle>"}'],
  ])("an object or array in quotes is never delivered: %s", (template) => {
    const result = applyTargetInput(account(template), ACCOUNT_EVENT);
    expect(result.delivered).toBe(false);
    expect(result.warnings.map((w) => w.code)).toContain("quoted-object-placeholder");
  });

  it("<aws.events.event> and <aws.events.event.json> in one template", () => {
    const result = applyTargetInput({ InputTransformer: { InputTemplate: '{"originalEvent": <aws.events.event>, "originalEventJson": <aws.events.event.json>}' } }, ACCOUNT_EVENT);
    expect(result.json).toEqual({
      originalEvent: { id: ACCOUNT_EVENT.id, account: "111111111111", detailType: "core.update-account-command", time: Date.parse(ACCOUNT_EVENT.time), source: "core.update-account-command", region: "us-east-1", resources: [], version: "0" },
      originalEventJson: ACCOUNT_EVENT,
    });
    expect(Object.keys((result.json as { originalEvent: object }).originalEvent)).toEqual(["id", "account", "detailType", "time", "source", "region", "resources", "version"]);
  });
});
