/**
 * `rule` and `policy` end to end against moto, seeded the way a team's infrastructure
 * would create the pipeline.
 */
import { describe, expect, it } from "vitest";
import { Aws } from "../../src/aws/clients.js";
import { runCli } from "../helpers/cli.js";
import { MOTO_ACCOUNT, MOTO_REGION, type Moto } from "../helpers/moto.js";
import { useMoto } from "../helpers/use-moto.js";
import { type Seeder } from "../helpers/seed.js";

let moto: Moto;
let seed: Seeder;
let env: Record<string, string>;

useMoto((world) => ({ moto, seed, env } = world));

describe("rule against moto", () => {
  it("shows state, pattern and the targets with retry policy and DLQ", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    const json = await runCli(["rule", names.rule, "--bus", names.bus, "--format", "json"], { env });
    expect(json.code).toBe(0);
    const view = JSON.parse(json.stdout);
    expect(view).toMatchObject({
      schemaVersion: 1,
      status: "ok",
      bus: names.bus,
      name: names.rule,
      region: MOTO_REGION,
      account: MOTO_ACCOUNT,
      rule: { arn: names.ruleArn, state: "ENABLED", eventPattern: { source: ["agent2.ingestor"], "detail-type": ["Document Processing Required"] } },
      sameNameOnOtherBuses: [],
    });
    expect(view.targets).toEqual([
      expect.objectContaining({
        id: "target-1",
        arn: names.fnArn,
        kind: "lambda",
        function: names.fn,
        retry: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: null, defaults: false },
        deadLetter: { arn: names.dlqArn, depth: 0, error: null },
      }),
    ]);

    const pretty = await runCli(["rule", "--rule", names.rule, "--bus", names.bus], { env });
    expect(pretty.code).toBe(0);
    expect(pretty.stdout).toContain(`rule ${names.rule}  on bus ${names.bus}`);
    expect(pretty.stdout).toContain('      "agent2.ingestor"');
    expect(pretty.stdout).toMatch(/Retry\s+2 attempts/);
    expect(pretty.stdout).toContain(`DLQ    ${names.dlqArn} (empty)`);
    expect(pretty.stdout).not.toMatch(/\x1b\[/);
  });

  it("lists a rule of the same name on another bus", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    const otherArn = await seed.rule({ name: names.rule, bus: "default", pattern: { source: ["agent2.ingestor"] }, state: "DISABLED" });
    const result = await runCli(["rule", names.rule, "--bus", names.bus, "--format", "json"], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).sameNameOnOtherBuses).toEqual([{ bus: "default", arn: otherArn, state: "DISABLED" }]);
  });

  it("says clearly when the rule is missing, and where a same-name rule lives (exit 1)", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    const result = await runCli(["rule", names.rule], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`rule ${names.rule} does not exist on bus default`);
    expect(result.stdout).toContain(`Did you mean --bus ${names.bus}?`);
  });

  it("exits 1 for a disabled rule", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    await seed.rule({ name: names.rule, bus: names.bus, pattern: { source: ["x"] }, state: "DISABLED" });
    const result = await runCli(["rule", names.rule, "--bus", names.bus, "--format", "json"], { env });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).status).toBe("disabled");
  });

  it("is a usage error (exit 2) without a rule name", async () => {
    const result = await runCli(["rule"], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/name the rule/);
  });
});

describe("policy against moto", () => {
  it("shows the statement admitting the configured rule (exit 0)", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    const result = await runCli(["policy", "--bus", names.bus, "--rule", names.rule, "--format", "json"], { env });
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(view).toMatchObject({
      status: "ok",
      function: { name: names.fn, arn: names.fnArn },
      rule: { name: names.rule, bus: names.bus, arn: names.ruleArn },
      admitted: true,
      admittedBy: "EventBridgeInvokeLambdaPermission",
      addPermission: null,
    });
    expect(view.statements).toHaveLength(1);
    expect(view.statements[0]).toMatchObject({
      sid: "EventBridgeInvokeLambdaPermission",
      admitsConfiguredRule: true,
      admitsRules: [{ sourceArn: names.ruleArn, bus: names.bus, rule: names.rule }],
    });

    const pretty = await runCli(["policy", names.fn, "--bus", names.bus, "--rule", names.rule], { env });
    expect(pretty.code).toBe(0);
    expect(pretty.stdout).toContain(`✔ events.amazonaws.com may invoke it from rule ${names.rule} (statement EventBridgeInvokeLambdaPermission)`);
  });

  it("rejects the default-bus ARN form for a custom-bus rule and prints add-permission with the right ARN (exit 1)", async () => {
    const bus = "orders";
    await seed.bus(bus);
    const ruleArn = await seed.rule({ name: "order-created", bus, pattern: { source: ["shop"] } });
    const fnArn = await seed.fn("order-handler");
    await seed.target("order-created", bus, fnArn);
    const defaultForm = `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:rule/order-created`;
    await seed.permission("order-handler", defaultForm, { sid: "events-invoke" });

    const expectedArn = `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:rule/orders/order-created`;
    expect(ruleArn).toBe(expectedArn);
    const result = await runCli(["policy", "--bus", bus, "--rule", "order-created", "--format", "json"], { env });
    expect(result.code).toBe(1);
    const view = JSON.parse(result.stdout);
    expect(view.admitted).toBe(false);
    expect(view.statements[0]).toMatchObject({ sid: "events-invoke", admitsConfiguredRule: false, admitsRules: [{ sourceArn: defaultForm, bus: "default", rule: "order-created" }] });
    expect(view.statements[0].why.join(" ")).toMatch(/default-bus form/);
    expect(view.addPermission).toContain("aws lambda add-permission");
    expect(view.addPermission).toContain(`--source-arn ${expectedArn}`);
    expect(view.addPermission).toContain("--function-name order-handler");

    const pretty = await runCli(["policy", "order-handler", "--bus", bus, "--rule", "order-created"], { env });
    expect(pretty.code).toBe(1);
    expect(pretty.stdout).toContain(`Fix  aws lambda add-permission`);
    expect(pretty.stdout).toContain(expectedArn);
  });

  it("is a usage error (exit 2) for a function that does not exist", async () => {
    const result = await runCli(["policy", "no-such-function"], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("function no-such-function does not exist");
  });

  it("exits 2 with one clear message when there are no credentials", async () => {
    const noCredentials = { AWS_REGION: MOTO_REGION, AWS_ENDPOINT_URL: moto.endpoint, AWS_EC2_METADATA_DISABLED: "true", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent", AWS_CONFIG_FILE: "/nonexistent" };
    for (const argv of [["rule", "r"], ["policy", "f"]]) {
      const result = await runCli(argv, { env: noCredentials });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/cannot reach AWS/);
      expect(result.stdout).toBe("");
    }
  });
});

describe("rule and policy read configuration only", () => {
  it("make no metrics or log reads (they show neither)", async () => {
    const names = await seed.ingestor();
    Aws.actionsCalled.clear();
    expect((await runCli(["rule", names.rule, "--bus", names.bus], { env })).code).toBe(0);
    expect((await runCli(["policy", "--bus", names.bus, "--rule", names.rule], { env })).code).toBe(0);
    const called = [...Aws.actionsCalled];
    expect(called).toEqual(expect.arrayContaining(["events:DescribeRule", "lambda:GetPolicy"]));
    expect(called.filter((action) => action.startsWith("cloudwatch:") || action.startsWith("logs:"))).toEqual([]);
  });
});
