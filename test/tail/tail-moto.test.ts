/**
 * `tail` end to end against moto (it delivers to log group targets): events put with the
 * SDK are printed with the rules that match them, and the temporary rule, target, log
 * group and policy are gone afterwards — after --for, after Ctrl-C in-process, and after
 * SIGINT to the built bin. moto has no Live Tail: this is the polling path.
 */
import { CreateLogGroupCommand, DescribeLogGroupsCommand, DescribeResourcePoliciesCommand, PutResourcePolicyCommand } from "@aws-sdk/client-cloudwatch-logs";
import { ListRulesCommand, ListTargetsByRuleCommand, PutEventsCommand, PutRuleCommand } from "@aws-sdk/client-eventbridge";
import { describe, expect, it } from "vitest";
import { runBin, runCli } from "../helpers/cli.js";
import { MOTO_ACCOUNT, MOTO_REGION } from "../helpers/moto.js";
import { type Seeder } from "../helpers/seed.js";
import { useMoto } from "../helpers/use-moto.js";

let seed: Seeder;
let env: Record<string, string>;
useMoto((world) => ({ seed, env } = world));

const PREFIX = "course-doctor-tail-";

async function orders(): Promise<void> {
  await seed.bus("orders");
  await seed.rule({ name: "order-created", bus: "orders", pattern: { source: ["shop.orders"], "detail-type": ["Order Created"] } });
  await seed.rule({ name: "order-audit", bus: "orders", pattern: { source: ["shop.orders"] }, state: "DISABLED" });
  await seed.rule({ name: "payments", bus: "orders", pattern: { source: ["shop.payments"] } });
}

async function tailRules(bus = "orders"): Promise<string[]> {
  const rules = (await seed.events.send(new ListRulesCommand({ EventBusName: bus, NamePrefix: PREFIX }))).Rules ?? [];
  return rules.map((r) => r.Name!);
}

async function leftovers(bus = "orders") {
  const groups = (await seed.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/events/${PREFIX}` }))).logGroups ?? [];
  const policies = ((await seed.logs.send(new DescribeResourcePoliciesCommand({}))).resourcePolicies ?? []).filter((p) => p.policyName?.startsWith(PREFIX));
  return { rules: await tailRules(bus), groups: groups.map((g) => g.logGroupName), policies: policies.map((p) => p.policyName) };
}

/** Waits until the tail's target is on its rule, then puts the events. */
async function whenTailing(entries: Array<{ Source: string; DetailType: string; Detail: string }>, bus = "orders"): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const [rule] = await tailRules(bus);
    if (rule) {
      const targets = (await seed.events.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus }))).Targets ?? [];
      if (targets.length > 0) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const out = await seed.events.send(new PutEventsCommand({ Entries: entries.map((e) => ({ ...e, EventBusName: bus })) }));
  expect(out.FailedEntryCount).toBe(0);
}

const created = { Source: "shop.orders", DetailType: "Order Created", Detail: JSON.stringify({ id: "1", total: 12 }) };
const other = { Source: "shop.other", DetailType: "Thing Happened", Detail: "{}" };

describe("tail against moto", () => {
  it("--for: prints each event with the rules that match it, then removes everything: exit 0", async () => {
    await orders();
    const running = runCli(["tail", "--bus", "orders", "--for", "4s"], { env });
    await whenTailing([created, other]);
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}shop\.orders {2}Order Created {2}\{"id":"1","total":12\} {2}→ order-created \(DISABLED: order-audit\)$/);
    expect(lines[1]).toMatch(/shop\.other {2}Thing Happened {2}\{\} {2}→ no rule$/);
    expect(result.stdout).not.toContain("\x1b[");
    expect(result.stderr).toContain(`pattern {"account":["${MOTO_ACCOUNT}"]}`);
    expect(result.stderr).toMatch(/tail: removed rule course-doctor-tail-[0-9a-f]{8}, its target, log group/);
    expect(await leftovers()).toEqual({ rules: [], groups: [], policies: [] });
  }, 30_000);

  it("--source narrows the temporary rule; --format json prints one documented object per event", async () => {
    await orders();
    const running = runCli(["tail", "--bus", "orders", "--source", "shop.orders", "--for", "4s", "--format", "json"], { env });
    await whenTailing([created, other]);
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    const docs = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(docs).toHaveLength(1);
    expect(Object.keys(docs[0]!)).toEqual(["time", "source", "detail-type", "rules", "disabledRules", "event"]);
    expect(docs[0]).toMatchObject({ source: "shop.orders", "detail-type": "Order Created", rules: ["order-created"], disabledRules: ["order-audit"], event: { detail: { id: "1", total: 12 }, region: MOTO_REGION } });
    expect(result.stderr).toContain('pattern {"source":["shop.orders"]}');
    expect(await leftovers()).toEqual({ rules: [], groups: [], policies: [] });
  }, 30_000);

  it("tail --bus default --source S shows events that went to the default bus", async () => {
    await orders();
    const running = runCli(["tail", "--bus", "default", "--source", "shop.orders", "--for", "4s", "--format", "json"], { env });
    await whenTailing([created], "default");
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    // The default bus has no rule of its own for them: nothing there takes them.
    expect(JSON.parse(result.stdout.trim()) as Record<string, unknown>).toMatchObject({ source: "shop.orders", rules: [] });
    expect(await leftovers("default")).toEqual({ rules: [], groups: [], policies: [] });
  }, 30_000);

  it("Ctrl-C (in-process) is the tail's normal end: exit 0, everything removed", async () => {
    await orders();
    const controller = new AbortController();
    const running = runCli(["tail", "--bus", "orders"], { env, interrupt: controller.signal });
    await whenTailing([created]);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    controller.abort();
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("→ order-created");
    expect(await leftovers()).toEqual({ rules: [], groups: [], policies: [] });
  }, 30_000);

  it("SIGINT to the built bin: the event was printed, exit 0, everything removed", async () => {
    await orders();
    const running = runBin(["tail", "--bus", "orders"], { env, sigint: { afterMs: 8_000 }, timeoutMs: 30_000 });
    await whenTailing([created]);
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("shop.orders  Order Created");
    expect(result.stderr).toContain("tail: removed rule");
    expect(result.stderr).not.toMatch(/^interrupted/m);
    expect(await leftovers()).toEqual({ rules: [], groups: [], policies: [] });
  }, 40_000);

  it("--cleanup removes a killed tail's rule, target, log group and policy, and leaves probe's and other rules alone", async () => {
    await orders();
    const group = `/aws/events/${PREFIX}dead1`;
    await seed.events.send(new PutRuleCommand({ Name: `${PREFIX}dead1`, EventBusName: "orders", EventPattern: JSON.stringify({ account: [MOTO_ACCOUNT] }) }));
    await seed.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await seed.target(`${PREFIX}dead1`, "orders", `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:${group}`, { Id: `${PREFIX}dead1` });
    await seed.logs.send(new PutResourcePolicyCommand({ policyName: `${PREFIX}dead1`, policyDocument: "{}" }));
    await seed.logs.send(new CreateLogGroupCommand({ logGroupName: "/aws/events/course-doctor-trace-keep" }));
    const result = await runCli(["tail", "--cleanup"], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`removed rule ${PREFIX}dead1 on bus orders`);
    expect(await leftovers()).toEqual({ rules: [], groups: [], policies: [] });
    const kept = (await seed.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/events/course-doctor-trace-" }))).logGroups ?? [];
    expect(kept).toHaveLength(1);
    expect((await seed.events.send(new ListRulesCommand({ EventBusName: "orders" }))).Rules?.map((r) => r.Name).sort()).toEqual(["order-audit", "order-created", "payments"]);
    expect((await runCli(["tail", "--cleanup", "--bus", "orders"], { env })).stdout.trim()).toBe("nothing to clean up");
  });

  it("bad input: one line, exit 2, nothing created", async () => {
    await orders();
    const cases: string[][] = [
      ["tail", "--bus", "orders", "--pattern", '{"source":"not-an-array"}'],
      ["tail", "--bus", "orders", "--pattern", "{nope"],
      ["tail", "--bus", "orders", "--pattern", '{"source":["a"]}', "--source", "a"],
      ["tail", "--bus", "orders", "--for", "soon"],
      ["tail", "--bus", "orders", "--format", "markdown"],
      ["tail", "--bus", "nope", "--for", "1s"],
    ];
    for (const argv of cases) {
      const result = await runCli(argv, { env });
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr.trim().split("\n")[0], argv.join(" ")).toMatch(/^error: /);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await leftovers()).toEqual({ rules: [], groups: [], policies: [] });
  });
});
