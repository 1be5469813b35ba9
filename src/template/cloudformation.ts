/**
 * CloudFormation, SAM and CDK templates (`cdk.out/*.template.json` is CloudFormation JSON)
 * read into the pipeline model. Each template is evaluated in its own scope — its
 * Parameters (defaults, or --parameter), Conditions, Mappings and resources — and the
 * Outputs it exports answer another template's `!ImportValue`. What each resource type
 * returns for `Ref` and `Fn::GetAtt` is CloudFormation's: the name of a bus, `BUS|NAME`
 * for a rule on a custom bus (the rule's ARN only through `Fn::GetAtt Rule.Arn`), a
 * queue's URL, a topic's ARN, an alias's ARN. A name CloudFormation generates is written
 * `{LogicalId}`, the same wherever it is referenced.
 */
import type { Rule } from "../aws/services/events.js";
import { busNameOf } from "../model/arn.js";
import { evaluateCondition, resolveValue, TemplateError, type Scope } from "./intrinsics.js";
import { emptyInfra, type Infra, type Origin, type Text } from "./infra.js";
import { expandServerless, SAM_TRANSFORM, type RawResource } from "./sam.js";
import { firstUnresolved, isObject, isUnresolved, jsonText, knownText, NO_VALUE, textOf, Unresolved, type Value } from "./values.js";

/** One template file, parsed. */
export interface TemplateDocument {
  file: string;
  body: Record<string, Value>;
}

/** What the pseudo parameters and parameters are: --region, --account, --parameter. */
export interface TemplateContext {
  region: string;
  account: string;
  /** --parameter KEY=VALUE (AWS::StackName too). */
  parameters: Record<string, string>;
}

/** A file that is not a template, in one line naming the problem. */
export class NotATemplateError extends Error {}

/** Reads a template's text: JSON, or YAML with CloudFormation's short-form tags. */
export async function parseTemplate(text: string, file: string): Promise<TemplateDocument> {
  let body: unknown;
  if (/^\s*[{[]/.test(text)) {
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new NotATemplateError(`not valid JSON: ${(error as Error).message}`);
    }
  } else {
    const { parseYamlTemplate } = await import("./yaml.js");
    body = await parseYamlTemplate(text);
  }
  if (!isObject(body)) throw new NotATemplateError("not a CloudFormation template (expected a mapping with Resources)");
  if (!isObject(body.Resources)) {
    throw new NotATemplateError(body.resource_changes || body.planned_values ? "a Terraform plan, not a template (use --tf-plan)" : "not a CloudFormation template: it has no Resources");
  }
  return { file, body };
}

function partitionOf(region: string): string {
  return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** The generated physical name of a resource the template does not name. */
export function generatedName(logicalId: string): string {
  return `{${logicalId}}`;
}

interface Evaluated {
  doc: TemplateDocument;
  scope: Scope;
  resources: Record<string, RawResource>;
  /** Whether each resource is deployed: its Condition's truth. */
  active(id: string): boolean | Unresolved;
  properties(id: string): Record<string, Value>;
  outputs(): Array<{ name: Text; value: () => Value }>;
}

/** Every template's scope, with ImportValue reaching the others' exports. */
function evaluateAll(docs: TemplateDocument[], context: TemplateContext): Evaluated[] {
  const evaluated: Evaluated[] = [];
  const importValue = (name: string, from: Evaluated): Value => {
    for (const other of evaluated) {
      if (other === from) continue;
      for (const output of other.outputs()) if (output.name === name) return output.value();
    }
    return new Unresolved(`!ImportValue ${name}`, "exported by a stack not given here: add its template with another --template");
  };
  for (const doc of docs) evaluated.push(evaluate(doc, context, (name, self) => importValue(name, self)));
  return evaluated;
}

function evaluate(doc: TemplateDocument, context: TemplateContext, importValue: (name: string, self: Evaluated) => Value): Evaluated {
  const body = doc.body;
  const transforms = ([] as Value[]).concat(body.Transform ?? []);
  const raw = body.Resources as unknown as Record<string, RawResource>;
  const resources = transforms.includes(SAM_TRANSFORM) ? expandServerless(raw, isObject(body.Globals) ? (body.Globals as Record<string, Value>) : undefined) : raw;
  const parameters = isObject(body.Parameters) ? body.Parameters : {};
  const conditions = isObject(body.Conditions) ? body.Conditions : {};
  const mappings = isObject(body.Mappings) ? body.Mappings : {};
  const partition = partitionOf(context.region);
  const conditionCache = new Map<string, boolean | Unresolved>();
  const propertyCache = new Map<string, Record<string, Value>>();
  const inProgress = new Set<string>();

  const pseudo: Record<string, Value> = {
    "AWS::Region": context.region,
    "AWS::AccountId": context.account,
    "AWS::Partition": partition,
    "AWS::URLSuffix": partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
    "AWS::StackName": context.parameters["AWS::StackName"] ?? "STACK",
    "AWS::StackId": new Unresolved("AWS::StackId", "assigned when the stack is created"),
    "AWS::NotificationARNs": new Unresolved("AWS::NotificationARNs", "given at deploy time"),
    "AWS::NoValue": NO_VALUE,
  };

  const self: Evaluated = {
    doc,
    resources,
    scope: undefined as unknown as Scope,
    active(id) {
      const condition = resources[id]?.Condition;
      if (condition === undefined) return true;
      const truth = scope.condition(condition);
      if (truth === undefined) throw new TemplateError(`${id}: Condition ${condition} is not in Conditions`);
      return truth;
    },
    properties(id) {
      const cached = propertyCache.get(id);
      if (cached) return cached;
      if (inProgress.has(id)) throw new TemplateError(`${id}: its properties refer back to it (a circular reference)`);
      inProgress.add(id);
      try {
        const resolved = resolveValue((resources[id]?.Properties ?? {}) as Value, scope, `Resources.${id}.Properties`);
        const value = isObject(resolved) ? resolved : {};
        propertyCache.set(id, value);
        return value;
      } finally {
        inProgress.delete(id);
      }
    },
    outputs() {
      const outputs = isObject(body.Outputs) ? body.Outputs : {};
      return Object.entries(outputs).flatMap(([key, output]) => {
        if (!isObject(output) || !isObject(output.Export)) return [];
        const name = textOf(resolveValue(output.Export.Name ?? null, scope, `Outputs.${key}.Export.Name`)) ?? "";
        return [{ name, value: () => resolveValue(output.Value ?? null, scope, `Outputs.${key}.Value`) }];
      });
    },
  };

  const nameOf = (id: string, property: string, fallback = generatedName(id)): Text => {
    const value = self.properties(id)[property];
    if (value === undefined) return fallback;
    return textOf(value) ?? fallback;
  };
  const arn = (service: string, resource: Text, region = context.region): Text =>
    isUnresolved(resource) ? resource : `arn:${partition}:${service}:${region}:${service === "iam" ? context.account : context.account}:${resource}`.replace(/^(arn:[^:]+:iam:)[^:]*:/, `$1:`);

  /** Ref and the attributes of each resource type, as CloudFormation returns them. */
  const attributes = (id: string): { ref: Value; attrs: Record<string, Value> } => {
    const resource = resources[id]!;
    const p = () => self.properties(id);
    switch (resource.Type) {
      case "AWS::Events::EventBus": {
        const name = nameOf(id, "Name");
        return { ref: name, attrs: { Name: name, Arn: arn("events", isUnresolved(name) ? name : `event-bus/${name}`) } };
      }
      case "AWS::Events::Rule": {
        const name = nameOf(id, "Name");
        const busValue = p().EventBusName;
        const bus = busValue === undefined ? "default" : textOf(busValue);
        if (bus === undefined) throw new TemplateError(`Resources.${id}.Properties.EventBusName: expected a string`);
        if (isUnresolved(bus)) return { ref: bus, attrs: { Arn: bus } };
        if (isUnresolved(name)) return { ref: name, attrs: { Arn: name } };
        const busName = busNameOf(bus);
        return { ref: busName === "default" ? name : `${busName}|${name}`, attrs: { Arn: arn("events", busName === "default" ? `rule/${name}` : `rule/${busName}/${name}`) } };
      }
      case "AWS::Lambda::Function": {
        const name = nameOf(id, "FunctionName");
        return { ref: name, attrs: { Arn: arn("lambda", isUnresolved(name) ? name : `function:${name}`) } };
      }
      case "AWS::Lambda::Alias": {
        const fn = textOf(p().FunctionName);
        const name = nameOf(id, "Name");
        if (fn === undefined || isUnresolved(fn)) return { ref: fn ?? new Unresolved(`${id}.FunctionName`, "missing"), attrs: {} };
        if (isUnresolved(name)) return { ref: name, attrs: {} };
        const base = fn.startsWith("arn:") ? fn.split(":").slice(0, 7).join(":") : (arn("lambda", `function:${fn}`) as string);
        const aliasArn = `${base}:${name}`;
        return { ref: aliasArn, attrs: { AliasArn: aliasArn } };
      }
      case "AWS::SQS::Queue": {
        const fifo = p().FifoQueue === true || p().FifoQueue === "true";
        const name = nameOf(id, "QueueName", `${generatedName(id)}${fifo ? ".fifo" : ""}`);
        const url = isUnresolved(name) ? name : `https://sqs.${context.region}.amazonaws.com/${context.account}/${name}`;
        return { ref: url, attrs: { Arn: arn("sqs", name), QueueName: name, QueueUrl: url } };
      }
      case "AWS::SNS::Topic": {
        const name = nameOf(id, "TopicName");
        const topicArn = arn("sns", name);
        return { ref: topicArn, attrs: { TopicArn: topicArn, TopicName: name } };
      }
      case "AWS::IAM::Role": {
        const name = nameOf(id, "RoleName");
        const path = knownText(p().Path) ?? "/";
        return { ref: name, attrs: { Arn: isUnresolved(name) ? name : `arn:${partition}:iam::${context.account}:role${path}${name}`, RoleId: new Unresolved(`${id}.RoleId`, "assigned by IAM") } };
      }
      case "AWS::IAM::ManagedPolicy": {
        const name = nameOf(id, "ManagedPolicyName");
        const path = knownText(p().Path) ?? "/";
        const policyArn = isUnresolved(name) ? name : `arn:${partition}:iam::${context.account}:policy${path}${name}`;
        return { ref: policyArn, attrs: { PolicyArn: policyArn } };
      }
      case "AWS::KMS::Key": {
        const keyId = generatedName(id);
        return { ref: keyId, attrs: { KeyId: keyId, Arn: arn("kms", `key/${keyId}`) } };
      }
      case "AWS::KMS::Alias":
        return { ref: nameOf(id, "AliasName"), attrs: {} };
      case "AWS::Logs::LogGroup": {
        const name = nameOf(id, "LogGroupName");
        return { ref: name, attrs: { Arn: arn("logs", isUnresolved(name) ? name : `log-group:${name}:*`) } };
      }
      case "AWS::StepFunctions::StateMachine": {
        const name = nameOf(id, "StateMachineName");
        const smArn = arn("states", isUnresolved(name) ? name : `stateMachine:${name}`);
        return { ref: smArn, attrs: { Arn: smArn, Name: name } };
      }
      case "AWS::Kinesis::Stream": {
        const name = nameOf(id, "Name");
        return { ref: name, attrs: { Arn: arn("kinesis", isUnresolved(name) ? name : `stream/${name}`) } };
      }
      case "AWS::KinesisFirehose::DeliveryStream": {
        const name = nameOf(id, "DeliveryStreamName");
        return { ref: name, attrs: { Arn: arn("firehose", isUnresolved(name) ? name : `deliverystream/${name}`) } };
      }
      case "AWS::Events::ApiDestination": {
        const name = nameOf(id, "Name");
        return { ref: name, attrs: { Arn: arn("events", isUnresolved(name) ? name : `api-destination/${name}`) } };
      }
      default:
        // Permissions, policies and other types: their Ref is an id only CloudFormation knows.
        return { ref: generatedName(id), attrs: {} };
    }
  };

  const attributeCache = new Map<string, { ref: Value; attrs: Record<string, Value> }>();
  const attributesOf = (id: string) => {
    let found = attributeCache.get(id);
    if (!found) {
      found = attributes(id);
      attributeCache.set(id, found);
    }
    return found;
  };

  const scope: Scope = {
    parameter(name) {
      if (name in pseudo) return name === "AWS::AccountId" || name === "AWS::Region" ? (context.parameters[name] ?? pseudo[name]) : pseudo[name];
      if (!Object.prototype.hasOwnProperty.call(parameters, name)) return undefined;
      const declared = parameters[name];
      const type = isObject(declared) ? (knownText(declared.Type) ?? "String") : "String";
      const given = context.parameters[name];
      const fallback = isObject(declared) ? declared.Default : undefined;
      if (type.startsWith("AWS::SSM::Parameter::Value") && given === undefined) {
        return new Unresolved(`parameter ${name}`, `read from SSM Parameter Store at deploy time: pass --parameter ${name}=VALUE`);
      }
      const value = given ?? (fallback === undefined ? undefined : textOf(fallback));
      if (value === undefined) return new Unresolved(`parameter ${name}`, `no Default: pass --parameter ${name}=VALUE`);
      if (isUnresolved(value)) return value;
      return type === "CommaDelimitedList" || type.startsWith("List<") ? value.split(",").map((part) => part.trim()) : value;
    },
    condition(name) {
      if (!Object.prototype.hasOwnProperty.call(conditions, name)) return undefined;
      const cached = conditionCache.get(name);
      if (cached !== undefined) return cached;
      if (inProgress.has(`condition:${name}`)) throw new TemplateError(`Conditions.${name}: refers back to itself`);
      inProgress.add(`condition:${name}`);
      try {
        const truth = evaluateCondition(conditions[name]!, scope, `Conditions.${name}`);
        conditionCache.set(name, truth);
        return truth;
      } finally {
        inProgress.delete(`condition:${name}`);
      }
    },
    ref(id) {
      if (!resources[id]) return undefined;
      return attributesOf(id).ref;
    },
    getAtt(id, attribute) {
      if (!resources[id]) return undefined;
      const value = attributesOf(id).attrs[attribute];
      return value ?? new Unresolved(`!GetAtt ${id}.${attribute}`, `an attribute of ${resources[id]!.Type} that is known only after deploy`);
    },
    mapping(map, top, second) {
      const m = mappings[map];
      if (!isObject(m)) return undefined;
      const t = m[top];
      return isObject(t) ? t[second] : undefined;
    },
    importValue: (name) => importValue(name, self),
  };
  self.scope = scope;
  return self;
}

/** The parameter names the templates declare (to reject a --parameter none of them has). */
export function declaredParameters(docs: TemplateDocument[]): Set<string> {
  const names = new Set(["AWS::StackName", "AWS::AccountId", "AWS::Region"]);
  for (const doc of docs) if (isObject(doc.body.Parameters)) for (const name of Object.keys(doc.body.Parameters)) names.add(name);
  return names;
}

function list(value: Value | undefined): Value[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Reads templates into the pipeline model. Throws TemplateError for a template CloudFormation would reject. */
export function readTemplates(docs: TemplateDocument[], context: TemplateContext): Infra {
  const infra = emptyInfra("template", docs.map((d) => d.file), context.region, context.account);
  for (const evaluated of evaluateAll(docs, context)) {
    const { doc, resources } = evaluated;
    const aliases: Array<{ origin: Origin; functionName: Text; name: string; arn: string }> = [];
    for (const [id, resource] of Object.entries(resources)) {
      if (!isObject(resource as unknown as Value) || typeof resource.Type !== "string") throw new TemplateError(`Resources.${id}: a resource needs a Type`);
      const active = evaluated.active(id);
      if (active === false) continue;
      if (isUnresolved(active)) infra.notes.push(`${doc.file}: ${id} is deployed only if condition ${resource.Condition} holds, which rests on ${active.describe()}; it is read as deployed.`);
      const origin: Origin = { file: doc.file, id, type: resource.Type, ...(resource.sam ? { sam: resource.sam } : {}) };
      const p = evaluated.properties(id);
      const ref = () => evaluated.scope.ref(id)!;
      const att = (name: string) => evaluated.scope.getAtt(id, name)!;
      switch (resource.Type) {
        case "AWS::Events::EventBus":
          pushKnown(infra.buses, { origin, name: ref(), arn: att("Arn") });
          break;
        case "AWS::Events::EventBusPolicy": {
          const bus = textOf(p.EventBusName ?? "default") ?? "default";
          let statements: unknown[] | Unresolved;
          if (p.Statement !== undefined) statements = [p.Statement];
          else {
            const principal = textOf(p.Principal);
            statements = [
              {
                Sid: textOf(p.StatementId) ?? id,
                Effect: "Allow",
                Principal: principal === "*" ? "*" : { AWS: typeof principal === "string" && /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal },
                Action: textOf(p.Action) ?? "events:PutEvents",
                Resource: typeof bus === "string" ? busArnFor(bus, context) : bus,
                ...(p.Condition !== undefined ? { Condition: p.Condition } : {}),
              },
            ];
          }
          const marker = firstUnresolved(statements);
          infra.busPolicies.push({ origin, bus, statements: marker ?? statements });
          break;
        }
        case "AWS::Events::Rule":
          infra.rules.push(ruleOf(origin, p, ref, att));
          break;
        case "AWS::Lambda::Function": {
          const env = isObject(p.Environment) ? p.Environment.Variables : undefined;
          const name = ref();
          const fnArn = att("Arn");
          if (typeof name !== "string" || typeof fnArn !== "string") break;
          infra.functions.push({
            origin,
            name,
            arn: fnArn,
            ...(p.Role !== undefined ? { roleArn: textOf(p.Role) ?? new Unresolved(`${id}.Role`, "not a string") } : {}),
            environment: isUnresolved(env) ? env : isObject(env) ? Object.fromEntries(Object.entries(env).map(([k, v]) => [k, textOf(v) ?? JSON.stringify(v)])) : {},
            reservedConcurrency: p.ReservedConcurrentExecutions === undefined ? null : Number(p.ReservedConcurrentExecutions),
            deadLetterArn: isObject(p.DeadLetterConfig) && p.DeadLetterConfig.TargetArn ? (textOf(p.DeadLetterConfig.TargetArn) ?? null) : null,
            aliases: [],
          });
          break;
        }
        case "AWS::Lambda::Alias": {
          const aliasArn = ref();
          if (typeof aliasArn === "string" && typeof p.Name === "string") aliases.push({ origin, functionName: textOf(p.FunctionName) ?? "", name: p.Name, arn: aliasArn });
          break;
        }
        case "AWS::Lambda::Permission": {
          const raw = resource.Properties?.SourceArn;
          const sourceArnReference = referenceOf(raw);
          infra.permissions.push({
            origin,
            functionName: textOf(p.FunctionName) ?? new Unresolved(`${id}.FunctionName`, "not a string"),
            action: textOf(p.Action) ?? "",
            principal: textOf(p.Principal) ?? "",
            ...(p.SourceArn !== undefined ? { sourceArn: textOf(p.SourceArn)! } : {}),
            ...(p.SourceAccount !== undefined ? { sourceAccount: textOf(p.SourceAccount)! } : {}),
            ...(sourceArnReference ? { sourceArnReference } : {}),
          });
          break;
        }
        case "AWS::Lambda::EventInvokeConfig": {
          const destinations = isObject(p.DestinationConfig) ? p.DestinationConfig : {};
          const dest = (key: string) => (isObject(destinations[key]) ? textOf((destinations[key] as Record<string, Value>).Destination) : undefined);
          const onFailure = dest("OnFailure");
          const onSuccess = dest("OnSuccess");
          infra.eventInvokeConfigs.push({
            origin,
            functionName: textOf(p.FunctionName) ?? "",
            qualifier: knownText(p.Qualifier) ?? "$LATEST",
            ...(p.MaximumRetryAttempts !== undefined ? { maximumRetryAttempts: Number(p.MaximumRetryAttempts) } : {}),
            ...(p.MaximumEventAgeInSeconds !== undefined ? { maximumEventAgeInSeconds: Number(p.MaximumEventAgeInSeconds) } : {}),
            ...(onFailure !== undefined ? { onFailure } : {}),
            ...(onSuccess !== undefined ? { onSuccess } : {}),
          });
          break;
        }
        case "AWS::SQS::Queue": {
          const name = att("QueueName");
          const url = ref();
          const queueArn = att("Arn");
          if (typeof name === "string" && typeof url === "string" && typeof queueArn === "string") {
            infra.queues.push({
              origin,
              name,
              arn: queueArn,
              url,
              kmsKeyId: p.KmsMasterKeyId === undefined ? null : (textOf(p.KmsMasterKeyId) ?? null),
              sqsManagedSse: p.SqsManagedSseEnabled === true || p.SqsManagedSseEnabled === "true",
              fifo: name.endsWith(".fifo"),
            });
          }
          break;
        }
        case "AWS::SQS::QueuePolicy":
          infra.queuePolicies.push({ origin, resources: list(p.Queues).map((q) => textOf(q) ?? ""), document: p.PolicyDocument });
          break;
        case "AWS::SNS::Topic": {
          const name = att("TopicName");
          const topicArn = ref();
          if (typeof name === "string" && typeof topicArn === "string") {
            infra.topics.push({ origin, name, arn: topicArn, kmsKeyId: p.KmsMasterKeyId === undefined ? null : (textOf(p.KmsMasterKeyId) ?? null), fifo: p.FifoTopic === true || p.FifoTopic === "true" });
          }
          break;
        }
        case "AWS::SNS::TopicPolicy":
          infra.topicPolicies.push({ origin, resources: list(p.Topics).map((t) => textOf(t) ?? ""), document: p.PolicyDocument });
          break;
        case "AWS::Logs::LogGroup": {
          const name = ref();
          const groupArn = att("Arn");
          if (typeof name === "string" && typeof groupArn === "string") infra.logGroups.push({ origin, name, arn: groupArn });
          break;
        }
        case "AWS::Logs::ResourcePolicy":
          infra.logPolicies.push({ origin, resources: [textOf(p.PolicyName) ?? id], document: typeof p.PolicyDocument === "string" ? safeJson(p.PolicyDocument) : p.PolicyDocument });
          break;
        case "AWS::IAM::Role": {
          const name = ref();
          const roleArn = att("Arn");
          if (typeof name !== "string" || typeof roleArn !== "string") break;
          infra.roles.push({
            origin,
            name,
            arn: roleArn,
            trustPolicy: p.AssumeRolePolicyDocument,
            inline: list(p.Policies).flatMap((policy) => (isObject(policy) ? [{ name: knownText(policy.PolicyName) ?? "inline", document: policy.PolicyDocument }] : [])),
            managed: list(p.ManagedPolicyArns).map((m) => textOf(m) ?? ""),
            ...(p.PermissionsBoundary !== undefined ? { boundary: textOf(p.PermissionsBoundary)! } : {}),
          });
          break;
        }
        case "AWS::IAM::Policy":
          infra.policies.push({ origin, name: knownText(p.PolicyName) ?? id, document: p.PolicyDocument, roles: list(p.Roles).map((r) => textOf(r) ?? "") });
          break;
        case "AWS::IAM::ManagedPolicy": {
          const policyArn = ref();
          infra.policies.push({ origin, name: knownText(p.ManagedPolicyName) ?? id, ...(typeof policyArn === "string" ? { arn: policyArn } : {}), document: p.PolicyDocument, roles: list(p.Roles).map((r) => textOf(r) ?? "") });
          break;
        }
        case "AWS::KMS::Key":
          infra.keys.push({ origin, keyId: ref() as string, arn: att("Arn") as string, policy: p.KeyPolicy, aliases: [] });
          break;
        case "AWS::KMS::Alias": {
          const target = textOf(p.TargetKeyId);
          const alias = textOf(p.AliasName);
          const key = infra.keys.find((k) => k.keyId === target || k.arn === target);
          if (key && typeof alias === "string") key.aliases.push(alias);
          break;
        }
        case "AWS::StepFunctions::StateMachine":
        case "AWS::Kinesis::Stream":
        case "AWS::KinesisFirehose::DeliveryStream":
        case "AWS::Events::ApiDestination": {
          const otherArn = att("Arn");
          const name = resource.Type === "AWS::StepFunctions::StateMachine" ? att("Name") : ref();
          if (typeof otherArn === "string") infra.others.push({ origin, arn: otherArn, name: typeof name === "string" ? name : otherArn });
          break;
        }
        default:
          break;
      }
    }
    // Aliases are attached once every function of the template is known.
    for (const alias of aliases) {
      const fn = infra.functions.find((f) => f.name === alias.functionName || f.arn === alias.functionName);
      if (fn) fn.aliases.push({ origin: alias.origin, name: alias.name, arn: alias.arn });
    }
  }
  return infra;
}

function pushKnown(list: Infra["buses"], bus: { origin: Origin; name: Value; arn: Value }): void {
  if (typeof bus.name === "string" && typeof bus.arn === "string") list.push({ origin: bus.origin, name: bus.name, arn: bus.arn });
}

function busArnFor(bus: string, context: TemplateContext): string {
  return bus.startsWith("arn:") ? bus : `arn:${partitionOf(context.region)}:events:${context.region}:${context.account}:event-bus/${bus}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The logical id a value names by reference (`!GetAtt Rule.Arn`, `!Ref Rule`), for evidence. */
function referenceOf(raw: Value | undefined): string | undefined {
  if (!isObject(raw)) return undefined;
  if (typeof raw.Ref === "string") return `!Ref ${raw.Ref}`;
  const getAtt = raw["Fn::GetAtt"];
  if (Array.isArray(getAtt)) return `!GetAtt ${getAtt.join(".")}`;
  if (typeof getAtt === "string") return `!GetAtt ${getAtt}`;
  return undefined;
}

function ruleOf(origin: Origin, p: Record<string, Value>, ref: () => Value, att: (name: string) => Value): Infra["rules"][number] {
  const unresolved: Record<string, Unresolved> = {};
  const note = (field: string, value: Value | undefined) => {
    const marker = firstUnresolved(value);
    if (marker) unresolved[field] = marker;
  };
  const arnValue = att("Arn");
  const busValue = p.EventBusName === undefined ? "default" : textOf(p.EventBusName);
  note("EventBusName", busValue);
  note("Name", p.Name);
  note("EventPattern", p.EventPattern);
  note("State", p.State);
  note("ScheduleExpression", p.ScheduleExpression);
  const refValue = ref();
  const name = typeof refValue === "string" ? refValue.split("|").pop()! : "";
  const busName = typeof busValue === "string" ? busNameOf(busValue) : "";
  const pattern = p.EventPattern === undefined ? undefined : jsonText(p.EventPattern);
  const rule = {
    Name: name,
    Arn: typeof arnValue === "string" ? arnValue : "",
    EventBusName: busName,
    State: (knownText(p.State) ?? "ENABLED") as Rule["State"],
    ...(pattern ? { EventPattern: pattern } : {}),
    ...(knownText(p.ScheduleExpression) ? { ScheduleExpression: knownText(p.ScheduleExpression) } : {}),
    ...(knownText(p.Description) ? { Description: knownText(p.Description) } : {}),
    ...(knownText(p.RoleArn) ? { RoleArn: knownText(p.RoleArn) } : {}),
  };
  const targetsValue = p.Targets;
  if (isUnresolved(targetsValue)) unresolved.Targets = targetsValue;
  const targets = (Array.isArray(targetsValue) ? targetsValue : []).flatMap((raw, index) => {
    if (!isObject(raw)) return [];
    const fields: Record<string, Unresolved> = {};
    for (const key of ["Arn", "RoleArn", "Input", "InputPath", "InputTransformer", "DeadLetterConfig", "RetryPolicy"]) {
      const marker = firstUnresolved(raw[key]);
      if (marker) fields[key] = marker;
    }
    const id = knownText(raw.Id) ?? `target-${index + 1}`;
    const dlq = isObject(raw.DeadLetterConfig) ? knownText(raw.DeadLetterConfig.Arn) : undefined;
    const retry = isObject(raw.RetryPolicy) ? raw.RetryPolicy : undefined;
    const transformer = isObject(raw.InputTransformer) && !fields.InputTransformer ? raw.InputTransformer : undefined;
    const target = {
      Id: id,
      Arn: knownText(raw.Arn) ?? "",
      ...(knownText(raw.RoleArn) ? { RoleArn: knownText(raw.RoleArn) } : {}),
      ...(raw.Input !== undefined && !fields.Input ? { Input: typeof raw.Input === "string" ? raw.Input : JSON.stringify(raw.Input) } : {}),
      ...(knownText(raw.InputPath) !== undefined ? { InputPath: knownText(raw.InputPath) } : {}),
      ...(transformer
        ? {
            InputTransformer: {
              ...(isObject(transformer.InputPathsMap) ? { InputPathsMap: transformer.InputPathsMap as Record<string, string> } : {}),
              InputTemplate: knownText(transformer.InputTemplate) ?? "",
            },
          }
        : {}),
      ...(retry && !fields.RetryPolicy
        ? {
            RetryPolicy: {
              ...(retry.MaximumRetryAttempts !== undefined ? { MaximumRetryAttempts: Number(retry.MaximumRetryAttempts) } : {}),
              ...(retry.MaximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: Number(retry.MaximumEventAgeInSeconds) } : {}),
            },
          }
        : {}),
      ...(dlq ? { DeadLetterConfig: { Arn: dlq } } : {}),
    };
    return [{ origin, target, unresolved: fields }];
  });
  return { origin, rule, targets, unresolved };
}
