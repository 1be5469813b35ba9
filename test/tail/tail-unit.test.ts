/**
 * The Live Tail path of `tail` with aws-sdk-client-mock (moto has no StartLiveTail): the
 * temporary rule, target and policy, the events read from the Live Tail stream and matched
 * against the bus's rules, and the removal of everything — also when set-up fails.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DeleteResourcePolicyCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  PutResourcePolicyCommand,
  StartLiveTailCommand,
  type StartLiveTailResponseStream,
} from "@aws-sdk/client-cloudwatch-logs";
import { DeleteRuleCommand, EventBridgeClient, ListRulesCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from "@aws-sdk/client-eventbridge";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { Chalk } from "chalk";
import { mockClient } from "aws-sdk-client-mock";
import { mockedAws } from "../helpers/mocked-aws.js";
import { beforeEach, describe, expect, it } from "vitest";
import { detailPreview, renderTailedEvent, tailedEventJson } from "../../src/tail/render.js";
import type { Host } from "../../src/host/host.js";
import { tailPattern } from "../../src/tail/run.js";
import { everythingPattern, tailBus, TAIL_PREFIX, type TailedEvent } from "../../src/tail/tail.js";

const events = mockClient(EventBridgeClient);
const logs = mockClient(CloudWatchLogsClient);
const sts = mockClient(STSClient);
const ACCOUNT = "123456789012";

const aws = mockedAws;

function stream(items: StartLiveTailResponseStream[], hangUntil: AbortSignal): AsyncIterable<StartLiveTailResponseStream> {
  return {
    async *[Symbol.asyncIterator]() {
      for (const item of items) yield item;
      await new Promise((resolve) => hangUntil.addEventListener("abort", resolve, { once: true }));
    },
  };
}

function busEvent(source: string, detailType: string, detail: object) {
  return { version: "0", id: Math.random().toString(16).slice(2), "detail-type": detailType, source, account: ACCOUNT, time: "2026-12-02T01:00:00Z", region: "us-east-1", resources: [], detail };
}

function liveLine(event: object, offset: number) {
  return { timestamp: Date.now() + offset, ingestionTime: Date.now() + offset, logStreamName: "s", logGroupIdentifier: "g", message: JSON.stringify(event) };
}

beforeEach(() => {
  events.reset();
  logs.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/alice` });
  events.on(ListRulesCommand).resolves({
    Rules: [
      { Name: "order-created", State: "ENABLED", EventPattern: JSON.stringify({ source: ["shop.orders"], "detail-type": ["Order Created"] }) },
      { Name: "order-audit", State: "DISABLED", EventPattern: JSON.stringify({ source: ["shop.orders"] }) },
      // Another tail's rule is not one of the bus's own.
      { Name: `${TAIL_PREFIX}other`, State: "ENABLED", EventPattern: JSON.stringify({ account: [ACCOUNT] }) },
    ],
  });
  events.on(PutRuleCommand).callsFake((input: { Name: string }) => ({ RuleArn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/orders/${input.Name}` }));
  events.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
  events.on(RemoveTargetsCommand).resolves({});
  events.on(DeleteRuleCommand).resolves({});
  logs.on(CreateLogGroupCommand).resolves({});
  logs.on(PutResourcePolicyCommand).resolves({});
  logs.on(DeleteResourcePolicyCommand).resolves({});
  logs.on(DeleteLogGroupCommand).resolves({});
  logs.on(FilterLogEventsCommand).resolves({ events: [] });
  logs.on(DescribeLogGroupsCommand).callsFake((input: { logGroupNamePrefix: string }) => ({
    logGroups: [{ logGroupName: input.logGroupNamePrefix, logGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${input.logGroupNamePrefix}` }],
  }));
});

describe("tail through Live Tail", () => {
  it("creates its own rule and target, prints each event with the rules it matches, and removes everything", async () => {
    const controller = new AbortController();
    const seen: TailedEvent[] = [];
    const modes: string[] = [];
    logs.on(StartLiveTailCommand).callsFake(() => ({
      responseStream: stream(
        [
          { sessionStart: { sessionId: "s-1" } } as StartLiveTailResponseStream,
          {
            sessionUpdate: {
              sessionMetadata: { sampled: false },
              sessionResults: [liveLine(busEvent("shop.orders", "Order Created", { id: "1" }), 0), liveLine(busEvent("shop.other", "Thing", {}), 1)],
            },
          } as StartLiveTailResponseStream,
        ],
        controller.signal,
      ),
    }));
    const client = aws();
    const result = await tailBus(client, client, { bus: "orders", pattern: null }, {
      signal: controller.signal,
      cleanupAws: () => client,
      onEvent: (event) => {
        seen.push(event);
        if (seen.length === 2) controller.abort();
      },
      onMode: (mode) => modes.push(mode),
    });
    expect(result).toEqual({ events: 2, leftovers: [] });
    expect(modes).toEqual(["live-tail"]);
    expect(seen.map((e) => [e.source, e.detailType, e.rules, e.disabledRules])).toEqual([
      ["shop.orders", "Order Created", ["order-created"], ["order-audit"]],
      ["shop.other", "Thing", [], []],
    ]);

    const put = events.commandCalls(PutRuleCommand)[0]!.args[0].input;
    expect(put.Name).toMatch(new RegExp(`^${TAIL_PREFIX}[0-9a-f]{8}$`));
    expect(put).toMatchObject({ EventBusName: "orders", State: "ENABLED", EventPattern: JSON.stringify({ account: [ACCOUNT] }), Tags: [{ Key: "course-doctor", Value: "tail" }] });
    const id = put.Name!.slice(TAIL_PREFIX.length);
    const group = `/aws/events/${TAIL_PREFIX}${id}`;
    expect(events.commandCalls(PutTargetsCommand)[0]!.args[0].input).toEqual({
      Rule: put.Name,
      EventBusName: "orders",
      Targets: [{ Id: put.Name, Arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${group}` }],
    });
    expect(logs.commandCalls(CreateLogGroupCommand)[0]!.args[0].input).toEqual({ logGroupName: group, tags: { "course-doctor": "tail" } });
    expect(logs.commandCalls(StartLiveTailCommand)[0]!.args[0].input).toEqual({ logGroupIdentifiers: [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${group}`] });
    // Removed: the target before the rule (a rule with targets cannot be deleted), then the policy and group.
    expect(events.commandCalls(RemoveTargetsCommand)[0]!.args[0].input).toEqual({ Rule: put.Name, EventBusName: "orders", Ids: [put.Name] });
    expect(events.commandCalls(DeleteRuleCommand)[0]!.args[0].input).toEqual({ Name: put.Name, EventBusName: "orders" });
    expect(logs.commandCalls(DeleteResourcePolicyCommand)[0]!.args[0].input).toEqual({ policyName: put.Name });
    expect(logs.commandCalls(DeleteLogGroupCommand)[0]!.args[0].input).toEqual({ logGroupName: group });
  });

  it("a set-up that fails removes what it created, then throws", async () => {
    events.on(PutTargetsCommand).resolves({ FailedEntryCount: 1, FailedEntries: [{ ErrorCode: "LimitExceededException", ErrorMessage: "too many" }] });
    const client = aws();
    await expect(
      tailBus(client, client, { bus: "orders", pattern: { source: ["shop.orders"] } }, { signal: new AbortController().signal, cleanupAws: () => client, onEvent: () => undefined }),
    ).rejects.toThrow(/LimitExceededException/);
    expect(events.commandCalls(PutRuleCommand)[0]!.args[0].input.EventPattern).toBe('{"source":["shop.orders"]}');
    expect(events.commandCalls(DeleteRuleCommand)).toHaveLength(1);
    expect(logs.commandCalls(DeleteLogGroupCommand)).toHaveLength(1);
    expect(logs.commandCalls(DeleteResourcePolicyCommand)).toHaveLength(1);
    expect(logs.commandCalls(StartLiveTailCommand)).toHaveLength(0);
  });
});

describe("tail's lines", () => {
  const event: TailedEvent = { time: "2026-12-02T01:00:00Z", source: "shop.orders", detailType: "Order Created", rules: ["order-created"], disabledRules: ["audit"], event: busEvent("shop.orders", "Order Created", { id: "1" }) };

  it("a line: time, source, detail-type, a detail preview, the rules (DISABLED ones called out); no colors at level 0", () => {
    expect(renderTailedEvent(event, new Chalk({ level: 0 }))).toBe('2026-12-02T01:00:00Z  shop.orders  Order Created  {"id":"1"}  → order-created (DISABLED: audit)');
    expect(renderTailedEvent({ ...event, rules: [], disabledRules: [] }, new Chalk({ level: 0 }))).toMatch(/→ no rule$/);
    expect(detailPreview({ text: "x".repeat(100) })).toHaveLength(60);
  });

  it("JSON: the documented keys, in order", () => {
    expect(Object.keys(tailedEventJson(event))).toEqual(["time", "source", "detail-type", "rules", "disabledRules", "event"]);
  });

  it("the temporary rule's pattern: --source and --detail-type (repeatable), or --pattern, never both", async () => {
    const host = { io: { cwd: process.cwd(), stdin: { isTTY: true } } } as unknown as Host;
    expect(await tailPattern(host, {})).toBeNull();
    expect(await tailPattern(host, { source: ["a", "b"], detailType: ["T"] })).toEqual({ source: ["a", "b"], "detail-type": ["T"] });
    expect(await tailPattern(host, { detailType: ["T"] })).toEqual({ "detail-type": ["T"] });
    expect(await tailPattern(host, { pattern: '{"detail":{"status":[{"prefix":"fail"}]}}' })).toEqual({ detail: { status: [{ prefix: "fail" }] } });
    await expect(tailPattern(host, { pattern: '{"source":["a"]}', source: ["a"] })).rejects.toThrow(/--pattern excludes --source/);
    await expect(tailPattern(host, { pattern: '{"source":[]}' })).rejects.toThrow(/not a valid event pattern/);
  });

  it("every event of the account, when nothing narrows it", () => {
    expect(everythingPattern(ACCOUNT)).toEqual({ account: [ACCOUNT] });
    expect(everythingPattern(null)).toEqual({ source: [{ prefix: "" }] });
  });
});
