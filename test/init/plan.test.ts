/**
 * What `init` decides from what it found: pure, from small fixtures.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { busVariables, type Discovery, type DiscoveredRule } from "../../src/init/discover.js";
import { configObject, pickRule, planInit, renderConfigText, type InitChoices, type InitPlan } from "../../src/init/plan.js";
import type { TargetInfo } from "../../src/model/snapshot.js";

const ACCOUNT = "123456789012";
const BUS = "orders";
const BUS_ARN = `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/${BUS}`;

function lambda(name: string): TargetInfo {
  return { id: name, arn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}`, kind: "lambda", function: { name } };
}
function queue(name: string): TargetInfo {
  return { id: name, arn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:${name}`, kind: "sqs" };
}
function rule(name: string, targets: TargetInfo[] | null, pattern: object | null = { source: ["shop"], "detail-type": ["Order Created"] }): DiscoveredRule {
  return {
    name,
    arn: `arn:aws:events:eu-west-1:${ACCOUNT}:rule/${BUS}/${name}`,
    state: "ENABLED",
    eventPattern: pattern === null ? null : JSON.stringify(pattern),
    managedBy: null,
    targets: targets === null ? null : { ok: true, value: targets },
  };
}
function discovery(rules: DiscoveredRule[], publishers: Discovery["publishers"] = { ok: true, value: [] }): Discovery {
  return { region: "eu-west-1", account: ACCOUNT, bus: BUS, busName: BUS, busArn: BUS_ARN, missing: null, rules, publishers };
}
const NO_CHOICES: InitChoices = { rule: null, region: undefined, profile: undefined, endpointUrl: undefined, env: undefined };

function plan(d: Discovery, choices: Partial<InitChoices> = {}): InitPlan {
  const result = planInit(d, { ...NO_CHOICES, ...choices });
  if ("kind" in result) throw new Error(result.message);
  return result;
}
/** The file as the loader reads it. */
function load(p: InitPlan) {
  return parseConfig(renderConfigText(p), "course-doctor.config.json");
}

describe("pickRule", () => {
  it.each([
    ["the named rule", [rule("a", [lambda("f")]), rule("b", [lambda("g")])], "b", { kind: "named", rule: "b" }],
    ["a missing named rule", [rule("a", [lambda("f")])], "zzz", { kind: "missing" }],
    ["the only rule with a Lambda target", [rule("a", [queue("q")]), rule("b", [lambda("g")])], null, { kind: "only-lambda", rule: "b" }],
    ["the first of several with a Lambda target", [rule("a", [queue("q")]), rule("b", [lambda("g")]), rule("c", [lambda("h")])], null, { kind: "first-of-several", rule: "b" }],
    ["the first rule when none targets a Lambda", [rule("a", [queue("q")]), rule("b", [])], null, { kind: "first-of-several", rule: "a" }],
    ["nothing on an empty bus", [], null, { kind: "none" }],
  ])("picks %s", (_label, rules, named, expected) => {
    const pick = pickRule(rules as DiscoveredRule[], named as string | null);
    expect(pick.kind).toBe(expected.kind);
    if ("rule" in expected) expect("rule" in pick && pick.rule.name).toBe(expected.rule);
  });
});

describe("busVariables", () => {
  it("keeps the names of variables holding the bus name or ARN, most bus-like first, and never a value", () => {
    const names = busVariables({ API_KEY: "s3cr3t", ORDERS: BUS, EVENT_BUS_ARN: BUS_ARN, EVENT_BUS_NAME: BUS, OTHER_BUS: "payments" }, BUS, BUS_ARN);
    expect(names).toEqual(["EVENT_BUS_NAME", "EVENT_BUS_ARN", "ORDERS"]);
  });
  it("accepts an ARN of the bus from another formatting (the described ARN unknown)", () => {
    expect(busVariables({ BUS: ` ${BUS_ARN} ` }, BUS, null)).toEqual(["BUS"]);
    expect(busVariables({ BUS: BUS_ARN.replace(`/${BUS}`, "/ordersx") }, BUS, null)).toEqual([]);
  });
  it("for the default bus, needs BUS in the variable's name (\"default\" is a common word)", () => {
    expect(busVariables({ STAGE: "default", EVENT_BUS_NAME: "default" }, "default", null)).toEqual(["EVENT_BUS_NAME"]);
  });
});

describe("planInit and the file it renders", () => {
  it("writes bus, rule, event and publisher; the file loads to the same object", () => {
    const p = plan(discovery([rule("order-created", [lambda("order-worker")])], { ok: true, value: [{ function: "order-api", variables: ["EVENT_BUS_NAME"] }] }));
    const expected = { bus: BUS, rule: "order-created", source: "shop", detailType: "Order Created", publisher: "order-api", busEnvVar: "EVENT_BUS_NAME" };
    expect(configObject(p)).toEqual(expected);
    expect(load(p).settings).toEqual(expected);
    expect(p.notes).toEqual([]);
  });

  it("writes function only when the rule has several targets, the first Lambda one", () => {
    const one = plan(discovery([rule("r", [lambda("w")])]));
    expect(configObject(one).function).toBeUndefined();
    const several = plan(discovery([rule("r", [queue("q"), lambda("w1"), lambda("w2")])]));
    expect(load(several).settings.function).toBe("w1");
    expect(renderConfigText(several)).toContain("Its other Lambda targets: w2.");
    expect(several.notes.join("\n")).toContain("wrote w1");
  });

  it.each([
    ["two sources", { source: ["a", "b"], "detail-type": ["T"] }],
    ["a prefix", { source: [{ prefix: "shop" }], "detail-type": ["T"] }],
    ["no detail-type", { source: ["shop"] }],
  ])("guesses no event from a pattern with %s", (_label, pattern) => {
    const p = plan(discovery([rule("r", [lambda("w")], pattern)]));
    const settings = load(p).settings;
    expect(settings.source).toBeUndefined();
    expect(settings.detailType).toBeUndefined();
    expect(renderConfigText(p)).toMatch(/\/\/ .*"source" \+ "detailType"/);
  });

  it("prefers a publisher that no rule invokes over a worker that also names the bus", () => {
    const p = plan(
      discovery([rule("r", [lambda("worker")]), rule("s", [lambda("stage-2")])], {
        ok: true,
        value: [
          { function: "stage-2", variables: ["BUS"] },
          { function: "worker", variables: ["EVENT_BUS_NAME"] },
          { function: "zz-api", variables: ["EVENT_BUS_NAME"] },
        ],
      }),
      { rule: "r" },
    );
    expect(configObject(p).publisher).toBe("zz-api");
    expect(renderConfigText(p)).toContain("Other functions naming the bus: stage-2 (BUS), worker (EVENT_BUS_NAME).");
  });

  it("writes region, profile and endpointUrl only when given, and nests under --env", () => {
    const bare = plan(discovery([rule("r", [lambda("w")])]));
    expect(Object.keys(configObject(bare))).not.toContain("region");
    expect(renderConfigText(bare)).toContain("it was eu-west-1");
    const given = plan(discovery([rule("r", [lambda("w")])]), { region: "eu-west-1", profile: "dev", endpointUrl: "http://127.0.0.1:5000", env: "dev" });
    const loaded = load(given);
    expect(loaded.env).toBe("dev");
    expect(loaded.settings).toMatchObject({ region: "eu-west-1", profile: "dev", endpointUrl: "http://127.0.0.1:5000", bus: BUS, rule: "r" });
    expect(configObject(given)).toMatchObject({ defaultEnv: "dev", environments: { dev: { rule: "r" } } });
  });

  it("writes the bus alone, with a note, when the bus has no rules; refuses a --rule that is not there", () => {
    const empty = plan(discovery([], { ok: false, reason: "access-denied", error: "AccessDeniedException: no", action: "lambda:ListFunctions" }));
    expect(load(empty).settings).toEqual({ bus: BUS });
    expect(empty.notes.join("\n")).toContain("has no rules");
    expect(renderConfigText(empty)).toContain("Functions could not be listed");
    const refused = planInit(discovery([rule("a", [])]), { ...NO_CHOICES, rule: "b" });
    expect(refused).toEqual({ kind: "no-rule", message: "no rule named b on bus orders in eu-west-1; rules here: a" });
  });

  it("keeps names from AWS on their comment line", () => {
    const p = plan(discovery([rule("a", [lambda("w")]), rule("b\n\"evil\": 1, //", [lambda("v")])]));
    expect(load(p).settings).not.toHaveProperty("evil");
  });
});
