/**
 * A Terraform plan as `terraform show -json PLAN` prints it, read into the pipeline model:
 * each resource's values from `planned_values` (child modules included), and where a
 * value is known only after apply, what `configuration` says it refers to — a
 * `source_arn` that references `aws_cloudwatch_event_rule.x.arn` is that rule's ARN (right
 * by construction), computed the way AWS forms it. A reference to anything else (a
 * variable, a module output, a data source) that the plan leaves unknown stays Unresolved.
 */
import { busNameOf } from "../model/arn.js";
import { emptyInfra, type Infra, type Origin, type Text } from "./infra.js";
import { NotATemplateError } from "./cloudformation.js";
import { isObject, Unresolved } from "./values.js";

interface PlannedResource {
  address: string;
  mode?: string;
  type: string;
  name: string;
  values: Record<string, unknown>;
  /** The configuration block of the resource (its expressions), with the module it is in. */
  expressions: Record<string, unknown>;
  module: string;
}

export interface PlanContext {
  region: string | null;
  account: string;
}

/** Reads and checks the plan's JSON. */
export function parsePlan(text: string): Record<string, unknown> {
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (error) {
    throw new NotATemplateError(`not valid JSON: ${(error as Error).message} (give the output of terraform show -json PLAN)`);
  }
  if (!isObject(plan) || !isObject(plan.planned_values)) {
    throw new NotATemplateError(isObject(plan) && isObject(plan.Resources) ? "a CloudFormation template, not a Terraform plan (use --template)" : "not a Terraform plan: it has no planned_values (give the output of terraform show -json PLAN)");
  }
  return plan as Record<string, unknown>;
}

function resourcesOf(module: unknown, configModule: unknown, prefix: string): PlannedResource[] {
  if (!isObject(module)) return [];
  const config = isObject(configModule) ? configModule : {};
  const configResources = Array.isArray(config.resources) ? config.resources : [];
  const out: PlannedResource[] = [];
  for (const resource of Array.isArray(module.resources) ? module.resources : []) {
    if (!isObject(resource) || resource.mode === "data") continue;
    const local = `${resource.type}.${resource.name}`;
    const block = configResources.find((c) => isObject(c) && c.address === local);
    out.push({
      address: String(resource.address),
      type: String(resource.type),
      name: String(resource.name),
      values: isObject(resource.values) ? (resource.values as Record<string, unknown>) : {},
      expressions: isObject(block) && isObject(block.expressions) ? (block.expressions as Record<string, unknown>) : {},
      module: prefix,
    });
  }
  const calls = isObject(config.module_calls) ? config.module_calls : {};
  for (const child of Array.isArray(module.child_modules) ? module.child_modules : []) {
    if (!isObject(child)) continue;
    const address = String(child.address ?? "");
    const callName = address.replace(/^.*module\.([^.[]+)(\[[^\]]*\])?$/, "$1");
    const call = calls[callName];
    out.push(...resourcesOf(child, isObject(call) ? call.module : undefined, `${address}.`));
  }
  return out;
}

function providerRegion(plan: Record<string, unknown>): string | null {
  const configuration = isObject(plan.configuration) ? plan.configuration : {};
  const providers = isObject(configuration.provider_config) ? configuration.provider_config : {};
  for (const provider of Object.values(providers)) {
    if (!isObject(provider) || provider.name !== "aws") continue;
    const expressions = isObject(provider.expressions) ? provider.expressions : {};
    const region = isObject(expressions.region) ? expressions.region.constant_value : undefined;
    if (typeof region === "string") return region;
  }
  return null;
}

/** Reads a plan into the pipeline model. */
export function readPlan(plan: Record<string, unknown>, file: string, context: PlanContext): Infra {
  const region = context.region ?? providerRegion(plan) ?? "REGION";
  const account = context.account;
  const configuration = isObject(plan.configuration) ? plan.configuration : {};
  const planned = isObject(plan.planned_values) ? plan.planned_values : {};
  const resources = resourcesOf(planned.root_module, configuration.root_module, "");
  const infra = emptyInfra("tf-plan", [file], region, account);
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const origin = (r: PlannedResource): Origin => ({ file, id: r.address, type: r.type });
  const first = (value: unknown): Record<string, unknown> => (Array.isArray(value) && isObject(value[0]) ? (value[0] as Record<string, unknown>) : {});
  const nameOf = (r: PlannedResource, key = "name"): string => (typeof r.values[key] === "string" && r.values[key] !== "" ? (r.values[key] as string) : `{${r.address}}`);
  const arnOf = (service: string, resource: string) => `arn:aws:${service}:${service === "iam" ? "" : region}:${account}:${resource}`;

  /** What an attribute of a resource of the plan is, computed the way AWS forms it (for values known only after apply). */
  const attribute = (address: string, attr: string, seen: Set<string>): Text => {
    const r = byAddress.get(address);
    if (!r) return new Unresolved(`${address}.${attr}`, "not a resource of the plan");
    if (seen.has(address)) return new Unresolved(`${address}.${attr}`, "refers back to itself");
    seen.add(address);
    const value = value_(r, attr, seen);
    if (value !== undefined) return value;
    return new Unresolved(`${address}.${attr}`, "known only after apply");
  };
  /** An attribute's value: from planned_values, else computed, else what it references. */
  const value_ = (r: PlannedResource, attr: string, seen = new Set<string>()): Text | undefined => {
    const planned = r.values[attr];
    if (typeof planned === "string" && planned !== "") return planned;
    if (typeof planned === "number" || typeof planned === "boolean") return String(planned);
    const computed = computedAttribute(r, attr, seen);
    if (computed !== undefined) return computed;
    const expression = r.expressions[attr];
    if (isObject(expression) && Array.isArray(expression.references)) {
      const reference = (expression.references as string[]).find((ref) => /^[a-z0-9_]+\.[A-Za-z0-9_-]+\.[a-z_]+$/.test(ref) && !ref.startsWith("var.") && !ref.startsWith("data.") && !ref.startsWith("local."));
      if (reference) {
        const [type, name, field] = reference.split(".");
        return attribute(`${r.module}${type}.${name}`, field!, seen);
      }
      return new Unresolved(`${(expression.references as string[])[0]}`, "known only after apply");
    }
    return undefined;
  };
  const computedAttribute = (r: PlannedResource, attr: string, seen: Set<string>): Text | undefined => {
    const text = (key: string) => value_(r, key, seen);
    switch (`${r.type}.${attr}`) {
      case "aws_cloudwatch_event_bus.arn":
        return arnOf("events", `event-bus/${nameOf(r)}`);
      case "aws_cloudwatch_event_bus.name":
      case "aws_cloudwatch_event_bus.id":
        return nameOf(r);
      case "aws_cloudwatch_event_rule.name":
        return nameOf(r);
      case "aws_cloudwatch_event_rule.arn": {
        const bus = text("event_bus_name") ?? "default";
        if (bus instanceof Unresolved) return bus;
        const busName = busNameOf(bus);
        return arnOf("events", busName === "default" ? `rule/${nameOf(r)}` : `rule/${busName}/${nameOf(r)}`);
      }
      case "aws_cloudwatch_event_rule.id": {
        const bus = text("event_bus_name") ?? "default";
        return bus instanceof Unresolved ? bus : busNameOf(bus) === "default" ? nameOf(r) : `${busNameOf(bus)}/${nameOf(r)}`;
      }
      case "aws_lambda_function.function_name":
      case "aws_lambda_function.id":
        return nameOf(r, "function_name");
      case "aws_lambda_function.arn":
        return arnOf("lambda", `function:${nameOf(r, "function_name")}`);
      case "aws_lambda_function.qualified_arn":
        return new Unresolved(`${r.address}.qualified_arn`, "the version is published at apply time");
      case "aws_lambda_alias.arn": {
        const fn = text("function_name");
        if (fn === undefined || fn instanceof Unresolved) return fn;
        const base = fn.startsWith("arn:") ? fn.split(":").slice(0, 7).join(":") : arnOf("lambda", `function:${fn}`);
        return `${base}:${nameOf(r)}`;
      }
      case "aws_sqs_queue.arn":
        return arnOf("sqs", sqsName(r));
      case "aws_sqs_queue.name":
        return sqsName(r);
      case "aws_sqs_queue.url":
      case "aws_sqs_queue.id":
        return `https://sqs.${region}.amazonaws.com/${account}/${sqsName(r)}`;
      case "aws_sns_topic.arn":
      case "aws_sns_topic.id":
        return arnOf("sns", nameOf(r));
      case "aws_iam_role.arn":
        return `arn:aws:iam::${account}:role${typeof r.values.path === "string" ? r.values.path : "/"}${nameOf(r)}`;
      case "aws_iam_role.name":
      case "aws_iam_role.id":
        return nameOf(r);
      case "aws_iam_policy.arn":
      case "aws_iam_policy.id":
        return `arn:aws:iam::${account}:policy${typeof r.values.path === "string" ? r.values.path : "/"}${nameOf(r)}`;
      case "aws_kms_key.key_id":
      case "aws_kms_key.id":
        return `{${r.address}}`;
      case "aws_kms_key.arn":
        return arnOf("kms", `key/{${r.address}}`);
      case "aws_cloudwatch_log_group.arn":
        return arnOf("logs", `log-group:${nameOf(r)}`);
      case "aws_sfn_state_machine.arn":
      case "aws_sfn_state_machine.id":
        return arnOf("states", `stateMachine:${nameOf(r)}`);
      case "aws_kinesis_stream.arn":
        return arnOf("kinesis", `stream/${nameOf(r)}`);
      case "aws_kinesis_firehose_delivery_stream.arn":
        return arnOf("firehose", `deliverystream/${nameOf(r)}`);
      default:
        return undefined;
    }
  };
  const sqsName = (r: PlannedResource) => {
    const name = nameOf(r);
    return r.values.fifo_queue === true && !name.endsWith(".fifo") ? `${name}.fifo` : name;
  };
  const json = (value: Text | undefined): unknown => {
    if (value === undefined) return undefined;
    if (value instanceof Unresolved) return value;
    try {
      return JSON.parse(value);
    } catch {
      return new Unresolved(value.slice(0, 40), "not a JSON policy document");
    }
  };
  const get = (r: PlannedResource, attr: string) => value_(r, attr);

  // Rules first, so targets (separate resources in Terraform) can join them.
  for (const r of resources) {
    switch (r.type) {
      case "aws_cloudwatch_event_bus":
        infra.buses.push({ origin: origin(r), name: nameOf(r), arn: get(r, "arn") as string });
        break;
      case "aws_cloudwatch_event_rule": {
        const bus = get(r, "event_bus_name") ?? "default";
        const pattern = get(r, "event_pattern");
        const state = typeof r.values.state === "string" && r.values.state !== "" ? r.values.state : r.values.is_enabled === false ? "DISABLED" : "ENABLED";
        const arn = get(r, "arn");
        const unresolved: Record<string, Unresolved> = {};
        if (bus instanceof Unresolved) unresolved.EventBusName = bus;
        if (pattern instanceof Unresolved) unresolved.EventPattern = pattern;
        infra.rules.push({
          origin: origin(r),
          rule: {
            Name: nameOf(r),
            Arn: typeof arn === "string" ? arn : "",
            EventBusName: typeof bus === "string" ? busNameOf(bus) : "",
            State: state as "ENABLED",
            ...(typeof pattern === "string" ? { EventPattern: pattern } : {}),
            ...(typeof r.values.schedule_expression === "string" && r.values.schedule_expression ? { ScheduleExpression: r.values.schedule_expression } : {}),
            ...(typeof r.values.description === "string" && r.values.description ? { Description: r.values.description } : {}),
          },
          targets: [],
          unresolved,
        });
        break;
      }
      default:
        break;
    }
  }
  for (const r of resources) {
    const o = origin(r);
    switch (r.type) {
      case "aws_cloudwatch_event_target": {
        const ruleName = get(r, "rule");
        const bus = busNameOf((typeof get(r, "event_bus_name") === "string" ? (get(r, "event_bus_name") as string) : "default") || "default");
        const rule = infra.rules.find((x) => x.rule.Name === ruleName && (x.rule.EventBusName === bus || bus === "default"));
        if (!rule) {
          infra.notes.push(`${r.address}: its rule ${ruleName instanceof Unresolved ? ruleName.describe() : ruleName} is not in the plan`);
          break;
        }
        const unresolved: Record<string, Unresolved> = {};
        const field = (key: string, api: string) => {
          const value = get(r, key);
          if (value instanceof Unresolved) unresolved[api] = value;
          return typeof value === "string" ? value : undefined;
        };
        const arn = field("arn", "Arn");
        const roleArn = field("role_arn", "RoleArn");
        const transformer = first(r.values.input_transformer);
        const dlq = first(r.values.dead_letter_config);
        const dlqArn = typeof dlq.arn === "string" ? dlq.arn : dlqReference(r);
        if (dlqArn instanceof Unresolved) unresolved.DeadLetterConfig = dlqArn;
        const retry = first(r.values.retry_policy);
        rule.targets.push({
          origin: o,
          target: {
            Id: typeof r.values.target_id === "string" && r.values.target_id ? r.values.target_id : `{${r.address}}`,
            Arn: arn ?? "",
            ...(roleArn ? { RoleArn: roleArn } : {}),
            ...(typeof r.values.input === "string" && r.values.input ? { Input: r.values.input } : {}),
            ...(typeof r.values.input_path === "string" && r.values.input_path ? { InputPath: r.values.input_path } : {}),
            ...(typeof transformer.input_template === "string"
              ? { InputTransformer: { ...(isObject(transformer.input_paths) ? { InputPathsMap: transformer.input_paths as Record<string, string> } : {}), InputTemplate: transformer.input_template } }
              : {}),
            ...(Object.keys(retry).length > 0
              ? { RetryPolicy: { ...(typeof retry.maximum_retry_attempts === "number" ? { MaximumRetryAttempts: retry.maximum_retry_attempts } : {}), ...(typeof retry.maximum_event_age_in_seconds === "number" ? { MaximumEventAgeInSeconds: retry.maximum_event_age_in_seconds } : {}) } }
              : {}),
            ...(typeof dlqArn === "string" ? { DeadLetterConfig: { Arn: dlqArn } } : {}),
          },
          unresolved,
        });
        break;
      }
      case "aws_lambda_function": {
        const env = first(r.values.environment).variables;
        const dlq = first(r.values.dead_letter_config).target_arn;
        const role = get(r, "role");
        const reserved = r.values.reserved_concurrent_executions;
        infra.functions.push({
          origin: o,
          name: nameOf(r, "function_name"),
          arn: get(r, "arn") as string,
          ...(role !== undefined ? { roleArn: role } : {}),
          environment: isObject(env) ? (Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) as Record<string, string>) : {},
          reservedConcurrency: typeof reserved === "number" && reserved >= 0 ? reserved : null,
          deadLetterArn: typeof dlq === "string" ? dlq : null,
          aliases: [],
        });
        break;
      }
      case "aws_lambda_permission": {
        const sourceArn = get(r, "source_arn");
        const expression = r.expressions.source_arn;
        const reference = isObject(expression) && Array.isArray(expression.references) ? (expression.references as string[]).find((ref) => ref.startsWith("aws_cloudwatch_event_rule.")) : undefined;
        const sourceAccount = get(r, "source_account");
        infra.permissions.push({
          origin: { ...o, id: typeof r.values.statement_id === "string" && r.values.statement_id ? r.address : r.address },
          functionName: get(r, "function_name") ?? "",
          ...(typeof r.values.qualifier === "string" && r.values.qualifier ? { qualifier: r.values.qualifier } : {}),
          action: get(r, "action") ?? "lambda:InvokeFunction",
          principal: get(r, "principal") ?? "",
          ...(sourceArn !== undefined ? { sourceArn } : {}),
          ...(sourceAccount !== undefined ? { sourceAccount } : {}),
          ...(reference ? { sourceArnReference: reference } : {}),
        });
        break;
      }
      case "aws_lambda_function_event_invoke_config": {
        const destinations = first(r.values.destination_config);
        const onFailure = first(destinations.on_failure).destination;
        const onSuccess = first(destinations.on_success).destination;
        infra.eventInvokeConfigs.push({
          origin: o,
          functionName: get(r, "function_name") ?? "",
          qualifier: typeof r.values.qualifier === "string" && r.values.qualifier ? r.values.qualifier : "$LATEST",
          ...(typeof r.values.maximum_retry_attempts === "number" ? { maximumRetryAttempts: r.values.maximum_retry_attempts } : {}),
          ...(typeof r.values.maximum_event_age_in_seconds === "number" ? { maximumEventAgeInSeconds: r.values.maximum_event_age_in_seconds } : {}),
          ...(typeof onFailure === "string" ? { onFailure } : {}),
          ...(typeof onSuccess === "string" ? { onSuccess } : {}),
        });
        break;
      }
      case "aws_sqs_queue":
        infra.queues.push({
          origin: o,
          name: sqsName(r),
          arn: get(r, "arn") as string,
          url: get(r, "url") as string,
          kmsKeyId: kmsKeyOf(r),
          sqsManagedSse: r.values.sqs_managed_sse_enabled === true,
          fifo: r.values.fifo_queue === true,
        });
        break;
      case "aws_sqs_queue_policy":
        infra.queuePolicies.push({ origin: o, resources: [get(r, "queue_url") ?? ""], document: json(get(r, "policy")) });
        break;
      case "aws_sns_topic":
        infra.topics.push({ origin: o, name: nameOf(r), arn: get(r, "arn") as string, kmsKeyId: kmsKeyOf(r), fifo: r.values.fifo_topic === true });
        break;
      case "aws_sns_topic_policy":
        infra.topicPolicies.push({ origin: o, resources: [get(r, "arn") ?? ""], document: json(get(r, "policy")) });
        break;
      case "aws_cloudwatch_event_bus_policy": {
        const document = json(get(r, "policy"));
        const statements = document instanceof Unresolved ? document : isObject(document) ? ([] as unknown[]).concat(document.Statement ?? []) : [];
        infra.busPolicies.push({ origin: o, bus: get(r, "event_bus_name") ?? "default", statements });
        break;
      }
      case "aws_cloudwatch_log_group":
        infra.logGroups.push({ origin: o, name: nameOf(r), arn: get(r, "arn") as string });
        break;
      case "aws_cloudwatch_log_resource_policy":
        infra.logPolicies.push({ origin: o, resources: [nameOf(r, "policy_name")], document: json(get(r, "policy_document")) });
        break;
      case "aws_iam_role":
        infra.roles.push({
          origin: o,
          name: nameOf(r),
          arn: get(r, "arn") as string,
          trustPolicy: json(get(r, "assume_role_policy")),
          inline: (Array.isArray(r.values.inline_policy) ? r.values.inline_policy : []).flatMap((p) => (isObject(p) && typeof p.policy === "string" && p.policy ? [{ name: String(p.name ?? "inline"), document: json(p.policy) }] : [])),
          managed: Array.isArray(r.values.managed_policy_arns) ? (r.values.managed_policy_arns as string[]) : [],
          ...(typeof r.values.permissions_boundary === "string" && r.values.permissions_boundary ? { boundary: r.values.permissions_boundary } : {}),
        });
        break;
      case "aws_iam_role_policy":
        infra.policies.push({ origin: o, name: nameOf(r), document: json(get(r, "policy")), roles: [get(r, "role") ?? ""] });
        break;
      case "aws_iam_policy":
        infra.policies.push({ origin: o, name: nameOf(r), arn: get(r, "arn") as string, document: json(get(r, "policy")), roles: [] });
        break;
      case "aws_kms_key":
        infra.keys.push({ origin: o, keyId: get(r, "key_id") as string, arn: get(r, "arn") as string, policy: json(get(r, "policy")) ?? {}, aliases: [] });
        break;
      case "aws_sfn_state_machine":
      case "aws_kinesis_stream":
      case "aws_kinesis_firehose_delivery_stream":
        infra.others.push({ origin: o, arn: get(r, "arn") as string, name: nameOf(r) });
        break;
      default:
        break;
    }
  }
  // Joins that need every resource: aliases to functions, policy attachments to roles, key aliases.
  for (const r of resources) {
    if (r.type === "aws_lambda_alias") {
      const fnName = get(r, "function_name");
      const fn = infra.functions.find((f) => f.name === fnName || f.arn === fnName);
      const arn = get(r, "arn");
      if (fn && typeof arn === "string") fn.aliases.push({ origin: origin(r), name: nameOf(r), arn });
    }
    if (r.type === "aws_iam_role_policy_attachment") {
      const policyArn = get(r, "policy_arn");
      const roleName = get(r, "role");
      const role = infra.roles.find((x) => x.name === roleName);
      if (role && policyArn !== undefined) role.managed.push(policyArn);
    }
    if (r.type === "aws_kms_alias") {
      const target = get(r, "target_key_id");
      const key = infra.keys.find((k) => k.keyId === target || k.arn === target);
      if (key) key.aliases.push(nameOf(r));
    }
  }
  return infra;

  function dlqReference(r: PlannedResource): Text | undefined {
    const block = r.expressions.dead_letter_config;
    const inner = Array.isArray(block) ? block[0] : undefined;
    const expression = isObject(inner) ? inner.arn : undefined;
    if (isObject(expression) && Array.isArray(expression.references)) {
      const reference = (expression.references as string[]).find((ref) => ref.split(".").length === 3);
      if (reference) {
        const [type, name, field] = reference.split(".");
        return attribute(`${r.module}${type}.${name}`, field!, new Set());
      }
    }
    return undefined;
  }
  /** A queue's or topic's KMS key: as planned, else the reference to a key resource; null for none. */
  function kmsKeyOf(r: PlannedResource): Text | null {
    if (typeof r.values.kms_master_key_id === "string" && r.values.kms_master_key_id) return r.values.kms_master_key_id;
    return (isObject(r.expressions.kms_master_key_id) ? value_(r, "kms_master_key_id") : undefined) ?? null;
  }
}
