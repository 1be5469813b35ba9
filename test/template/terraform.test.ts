/** Terraform plans (terraform show -json): planned values, references for what is known only after apply, child modules. */
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/template/terraform.js";
import { ACCOUNT, checkPlan, findingOf } from "./helpers.js";

interface Res {
  address: string;
  values: Record<string, unknown>;
  expressions?: Record<string, unknown>;
}

function plan(resources: Res[], module?: { name: string; resources: Res[] }): object {
  const planned = (list: Res[], prefix = "") => list.map((r) => ({ address: `${prefix}${r.address}`, mode: "managed", type: r.address.split(".")[0], name: r.address.split(".")[1], values: r.values }));
  const config = (list: Res[]) => list.map((r) => ({ address: r.address, mode: "managed", type: r.address.split(".")[0], name: r.address.split(".")[1], expressions: r.expressions ?? {} }));
  return {
    format_version: "1.2",
    planned_values: { root_module: { resources: planned(resources), ...(module ? { child_modules: [{ address: `module.${module.name}`, resources: planned(module.resources, `module.${module.name}.`) }] } : {}) } },
    configuration: {
      provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } },
      root_module: { resources: config(resources), ...(module ? { module_calls: { [module.name]: { module: { resources: config(module.resources) } } } } : {}) },
    },
  };
}

const bus: Res = { address: "aws_cloudwatch_event_bus.orders", values: { name: "orders" } };
const rule: Res = { address: "aws_cloudwatch_event_rule.route", values: { name: "route", event_bus_name: "orders", event_pattern: '{"source":["agent2.ingestor"]}', state: "ENABLED" } };
const fn: Res = { address: "aws_lambda_function.worker", values: { function_name: "worker", environment: [{ variables: { EVENT_BUS_NAME: "orders" } }] } };
const target: Res = {
  address: "aws_cloudwatch_event_target.worker",
  values: { rule: "route", event_bus_name: "orders", target_id: "worker", retry_policy: [{ maximum_retry_attempts: 2 }] },
  expressions: { arn: { references: ["aws_lambda_function.worker.arn", "aws_lambda_function.worker"] } },
};
const permissionByReference: Res = {
  address: "aws_lambda_permission.events",
  values: { action: "lambda:InvokeFunction", function_name: "worker", principal: "events.amazonaws.com", statement_id: "AllowEventBridge" },
  expressions: { source_arn: { references: ["aws_cloudwatch_event_rule.route.arn", "aws_cloudwatch_event_rule.route"] } },
};

describe("Terraform plans", () => {
  it("a source_arn referencing aws_cloudwatch_event_rule.x.arn is right by construction", () => {
    const d = checkPlan(plan([bus, rule, fn, target, permissionByReference]));
    expect(d.rootCause).toBeNull();
    expect(findingOf(d, "target.permission").status).toBe("pass");
    expect(findingOf(d, "publisher.bus").status).toBe("pass");
    expect(findingOf(d, "target.exists").title).toMatch(/defined in the plan \(aws_lambda_function\.worker\)/);
  });

  it("a literal source_arn in the default-bus form fails, with the fix naming the resource address", () => {
    const literal = { ...permissionByReference, values: { ...permissionByReference.values, source_arn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/route` }, expressions: {} };
    const d = checkPlan(plan([bus, rule, fn, target, literal]));
    expect(d.rootCause?.id).toBe("target.permission");
    expect(d.rootCause?.fix).toMatch(/In aws_lambda_permission\.events \(plan\.json\), set source_arn = aws_cloudwatch_event_rule\.route\.arn/);
  });

  it("no aws_lambda_permission: the fix is an HCL resource", () => {
    const d = checkPlan(plan([bus, rule, fn, target]));
    expect(d.rootCause?.id).toBe("target.permission");
    expect(d.rootCause?.fix).toMatch(/resource "aws_lambda_permission"[\s\S]*function_name = aws_lambda_function\.worker\.function_name[\s\S]*source_arn\s+= aws_cloudwatch_event_rule\.route\.arn/);
  });

  it("a function environment without the bus variable publishes to the default bus", () => {
    const noEnv = { ...fn, values: { function_name: "worker", environment: [{ variables: { EVENT_BUS_NAME: "default" } }] } };
    const d = checkPlan(plan([bus, rule, noEnv, target, permissionByReference]));
    expect(d.rootCause?.id).toBe("publisher.bus");
    expect(d.rootCause?.fix).toMatch(/environment \{ variables = \{ EVENT_BUS_NAME = aws_cloudwatch_event_bus\.orders\.name \} \}/);
  });

  it("a queue target with an aws_sqs_queue_policy and a dead_letter_config by reference", () => {
    const queue: Res = { address: "aws_sqs_queue.jobs", values: { name: "jobs" } };
    const dlq: Res = { address: "aws_sqs_queue.dlq", values: { name: "dlq" } };
    const policy = (q: string) => JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:${q}`, Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:events:us-east-1:${ACCOUNT}:rule/orders/route` } } }] });
    const queueTarget: Res = {
      address: "aws_cloudwatch_event_target.jobs",
      values: { rule: "route", event_bus_name: "orders", target_id: "jobs", dead_letter_config: [{}] },
      expressions: { arn: { references: ["aws_sqs_queue.jobs.arn"] }, dead_letter_config: [{ arn: { references: ["aws_sqs_queue.dlq.arn"] } }] },
    };
    const policies: Res[] = [
      { address: "aws_sqs_queue_policy.jobs", values: { policy: policy("jobs") }, expressions: { queue_url: { references: ["aws_sqs_queue.jobs.url"] } } },
      { address: "aws_sqs_queue_policy.dlq", values: { policy: policy("dlq") }, expressions: { queue_url: { references: ["aws_sqs_queue.dlq.id"] } } },
    ];
    const d = checkPlan(plan([bus, rule, queue, dlq, queueTarget, ...policies]));
    expect(findingOf(d, "target.permission").status).toBe("pass");
    expect(findingOf(d, "target.dlq").title).toMatch(/dlq admits events\.amazonaws\.com/);
    const without = checkPlan(plan([bus, rule, queue, dlq, queueTarget, policies[1]!]));
    expect(without.rootCause?.id).toBe("target.permission");
    expect(without.rootCause?.fix).toMatch(/resource "aws_sqs_queue_policy"/);
  });

  it("reads child modules, with references relative to the module", () => {
    const d = checkPlan(plan([], { name: "pipeline", resources: [bus, rule, fn, target, permissionByReference] }));
    expect(findingOf(d, "target.permission").status).toBe("pass");
    expect(findingOf(d, "rule.exists").evidence?.arn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:rule/orders/route`);
  });

  it("a reference to a variable the plan leaves unknown is error naming it", () => {
    const unknown = { ...target, expressions: { arn: { references: ["var.worker_arn"] } } };
    const d = checkPlan(plan([bus, rule, fn, unknown, permissionByReference]));
    expect(d.status).toBe("unknown");
    expect(d.blockedBy?.title).toContain("var.worker_arn");
  });

  it.each<[string, string, RegExp]>([
    ["not JSON", "plan", /not valid JSON/],
    ["a template", '{"Resources": {}}', /use --template/],
    ["no planned_values", '{"format_version": "1.2"}', /no planned_values/],
  ])("bad input: %s", (_, text, message) => {
    expect(() => parsePlan(text)).toThrow(message);
  });
});
