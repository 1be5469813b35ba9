/**
 * SAM's transform, for what the pipeline checks read: an `AWS::Serverless::Function`
 * becomes the resources SAM generates for it — the function, its execution role (with
 * its policy templates), its `AutoPublishAlias` alias, its asynchronous invocation
 * settings, and for each `EventBridgeRule` / `CloudWatchEvent` / `Schedule` event a rule
 * targeting the function (or the alias), the permission that lets that rule invoke it
 * (right by construction: SAM writes `SourceArn: !GetAtt Rule.Arn`), and a dead-letter
 * queue with its policy when the event asks for one. Logical ids are SAM's own.
 */
import { isObject, Unresolved, type Value } from "./values.js";

export const SAM_TRANSFORM = "AWS::Serverless-2016-10-31";

/** A resource as a template declares it, plus what SAM generated it from. */
export interface RawResource {
  Type: string;
  Properties?: Record<string, Value>;
  Condition?: string;
  /** Set on resources SAM generates: the function (and event) they come from. */
  sam?: { function: string; event?: string };
}

const EVENT_TYPES = new Set(["EventBridgeRule", "CloudWatchEvent", "Schedule"]);

/** Globals merged into a function's properties the way SAM merges them: maps merged, lists appended, the function's own scalars win. */
export function mergeGlobals(globals: Value | undefined, local: Value): Value {
  if (globals === undefined) return local;
  if (isObject(globals) && isObject(local) && !isIntrinsic(globals) && !isIntrinsic(local)) {
    const out: Record<string, Value> = { ...globals };
    for (const [key, value] of Object.entries(local)) out[key] = key in globals ? mergeGlobals(globals[key], value) : value;
    return out;
  }
  if (Array.isArray(globals) && Array.isArray(local)) return [...globals, ...local];
  return local;
}

function isIntrinsic(value: Record<string, Value>): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === "Ref" || keys[0]!.startsWith("Fn::"));
}

const LAMBDA_TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

function arnSub(service: string, resource: string, variables: Record<string, Value>): Value {
  return { "Fn::Sub": [`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`, variables] };
}

/** SAM's policy templates that matter to a pipeline; others are named as not expanded. */
function policyTemplate(name: string, args: Value): Value | null {
  const arg = (key: string): Value => (isObject(args) && key in args ? args[key]! : new Unresolved(`${name}.${key}`, "missing from the policy template's parameters"));
  const statement = (action: string | string[], resource: Value) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resource }] });
  switch (name) {
    case "EventBridgePutEventsPolicy":
      return statement("events:PutEvents", arnSub("events", "event-bus/${eventBusName}", { eventBusName: arg("EventBusName") }));
    case "SQSSendMessagePolicy":
      return statement(["sqs:SendMessage*"], arnSub("sqs", "${queueName}", { queueName: arg("QueueName") }));
    case "SNSPublishMessagePolicy":
      return statement("sns:Publish", arnSub("sns", "${topicName}", { topicName: arg("TopicName") }));
    case "LambdaInvokePolicy":
      return statement("lambda:InvokeFunction", arnSub("lambda", "function:${functionName}*", { functionName: arg("FunctionName") }));
    case "StepFunctionsExecutionPolicy":
      return statement("states:StartExecution", arnSub("states", "stateMachine:${stateMachineName}", { stateMachineName: arg("StateMachineName") }));
    default:
      return null;
  }
}

/** The role SAM creates when a function names none: Lambda's trust, the basic execution policy, and the function's Policies. */
function executionRole(id: string, props: Record<string, Value>): RawResource {
  const managed: Value[] = [BASIC_EXECUTION];
  const inline: Value[] = [];
  const policies = props.Policies === undefined ? [] : Array.isArray(props.Policies) ? props.Policies : [props.Policies];
  policies.forEach((policy, index) => {
    if (typeof policy === "string") managed.push(policy.startsWith("arn:") ? policy : `arn:aws:iam::aws:policy/${policy}`);
    else if (isObject(policy) && "Statement" in policy) inline.push({ PolicyName: `${id}RolePolicy${index}`, PolicyDocument: policy });
    else if (isObject(policy) && Object.keys(policy).length === 1) {
      const [name, args] = Object.entries(policy)[0]!;
      const document = policyTemplate(name, args);
      inline.push({ PolicyName: `${id}RolePolicy${index}`, PolicyDocument: document ?? new Unresolved(`SAM policy template ${name}`, "not expanded by course-doctor") });
    } else managed.push(policy);
  });
  return {
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: LAMBDA_TRUST,
      ManagedPolicyArns: managed,
      Policies: inline,
      ...(props.PermissionsBoundary !== undefined ? { PermissionsBoundary: props.PermissionsBoundary } : {}),
    },
    sam: { function: id },
  };
}

/** The resources one AWS::Serverless::Function stands for, keyed by SAM's logical ids. */
function expandFunction(id: string, resource: RawResource, globals: Value | undefined): Record<string, RawResource> {
  const props = mergeGlobals(globals, resource.Properties ?? {}) as Record<string, Value>;
  const out: Record<string, RawResource> = {};
  const base = resource.Condition ? { Condition: resource.Condition } : {};
  const dlq = isObject(props.DeadLetterQueue) ? props.DeadLetterQueue : null;
  out[id] = {
    Type: "AWS::Lambda::Function",
    ...base,
    Properties: Object.fromEntries(
      Object.entries({
        FunctionName: props.FunctionName,
        Role: props.Role ?? { "Fn::GetAtt": [`${id}Role`, "Arn"] },
        Environment: props.Environment,
        ReservedConcurrentExecutions: props.ReservedConcurrentExecutions,
        DeadLetterConfig: dlq ? { TargetArn: dlq.TargetArn ?? null } : undefined,
        Runtime: props.Runtime,
        Handler: props.Handler,
      }).filter(([, v]) => v !== undefined),
    ) as Record<string, Value>,
    sam: { function: id },
  };
  if (props.Role === undefined) out[`${id}Role`] = { ...executionRole(id, props), ...base };
  // AutoPublishAlias: the function's events (and their permissions) go to the alias.
  const alias = typeof props.AutoPublishAlias === "string" ? props.AutoPublishAlias : null;
  const aliasId = alias ? `${id}Alias${alias}` : null;
  if (alias && aliasId) {
    out[aliasId] = { Type: "AWS::Lambda::Alias", ...base, Properties: { FunctionName: { Ref: id }, Name: alias, FunctionVersion: new Unresolved(`${id} version`, "published at deploy time") }, sam: { function: id } };
  }
  const invokeTarget: Value = aliasId ? { Ref: aliasId } : { "Fn::GetAtt": [id, "Arn"] };
  const permissionTarget: Value = aliasId ? { Ref: aliasId } : { Ref: id };
  if (isObject(props.EventInvokeConfig)) {
    const config = props.EventInvokeConfig;
    out[`${id}EventInvokeConfig`] = {
      Type: "AWS::Lambda::EventInvokeConfig",
      ...base,
      Properties: { ...config, FunctionName: { Ref: id }, Qualifier: alias ?? "$LATEST" },
      sam: { function: id },
    };
  }
  const events = isObject(props.Events) ? props.Events : {};
  for (const [name, event] of Object.entries(events)) {
    if (!isObject(event) || typeof event.Type !== "string" || !EVENT_TYPES.has(event.Type)) continue;
    const p = (isObject(event.Properties) ? event.Properties : {}) as Record<string, Value>;
    const ruleId = `${id}${name}`;
    const sam = { function: id, event: name };
    let deadLetter: Value | undefined;
    if (isObject(p.DeadLetterConfig)) {
      const config = p.DeadLetterConfig;
      if (config.Type === "SQS") {
        const queueId = typeof config.QueueLogicalId === "string" ? config.QueueLogicalId : `${ruleId}Queue`;
        out[queueId] = { Type: "AWS::SQS::Queue", ...base, Properties: {}, sam };
        out[`${ruleId}QueuePolicy`] = {
          Type: "AWS::SQS::QueuePolicy",
          ...base,
          Properties: {
            Queues: [{ Ref: queueId }],
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: [
                {
                  Effect: "Allow",
                  Principal: { Service: "events.amazonaws.com" },
                  Action: "sqs:SendMessage",
                  Resource: { "Fn::GetAtt": [queueId, "Arn"] },
                  Condition: { ArnEquals: { "aws:SourceArn": { "Fn::GetAtt": [ruleId, "Arn"] } } },
                },
              ],
            },
          },
          sam,
        };
        deadLetter = { Arn: { "Fn::GetAtt": [queueId, "Arn"] } };
      } else if (config.Arn !== undefined) deadLetter = { Arn: config.Arn };
    }
    const targetId = isObject(p.Target) && p.Target.Id !== undefined ? p.Target.Id : `${ruleId}LambdaTarget`;
    const target: Record<string, Value> = { Id: targetId, Arn: invokeTarget };
    for (const key of ["Input", "InputPath", "InputTransformer", "RetryPolicy"]) if (p[key] !== undefined) target[key] = p[key]!;
    if (deadLetter) target.DeadLetterConfig = deadLetter;
    const state = p.State ?? (p.Enabled === false ? "DISABLED" : p.Enabled === true ? "ENABLED" : undefined);
    out[ruleId] = {
      Type: "AWS::Events::Rule",
      ...base,
      Properties: Object.fromEntries(
        Object.entries({
          Name: p.RuleName ?? p.Name,
          EventBusName: p.EventBusName,
          EventPattern: p.Pattern,
          ScheduleExpression: p.Schedule,
          Description: p.Description,
          State: state,
          Targets: [target],
        }).filter(([, v]) => v !== undefined),
      ) as Record<string, Value>,
      sam,
    };
    out[`${ruleId}Permission`] = {
      Type: "AWS::Lambda::Permission",
      ...base,
      Properties: { FunctionName: permissionTarget, Action: "lambda:InvokeFunction", Principal: "events.amazonaws.com", SourceArn: { "Fn::GetAtt": [ruleId, "Arn"] } },
      sam,
    };
  }
  return out;
}

/** The template's resources with every AWS::Serverless::Function replaced by what SAM generates for it. */
export function expandServerless(resources: Record<string, RawResource>, globals: Record<string, Value> | undefined): Record<string, RawResource> {
  const out: Record<string, RawResource> = {};
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === "AWS::Serverless::Function") Object.assign(out, expandFunction(id, resource, globals?.Function));
    else out[id] = resource;
  }
  return out;
}
