/**
 * What a template (or a Terraform plan) deploys, in the terms the pipeline checks need:
 * buses, rules with their targets, functions with their permissions, queues and topics
 * with their policies, roles, keys. Both readers produce this; one builder turns it into
 * snapshots (snapshot.ts). Values the template leaves to deploy time stay `Unresolved`.
 */
import type { Rule, Target } from "../aws/services/events.js";
import type { Unresolved } from "./values.js";

export type Text = string | Unresolved;

/** Where a piece is defined: the file and the logical id (CloudFormation) or address (Terraform). */
export interface Origin {
  file: string;
  id: string;
  /** The resource type: AWS::Lambda::Permission, aws_lambda_permission, ... */
  type: string;
  /** For a piece SAM generates: the AWS::Serverless::Function it comes from (the place to change). */
  sam?: { function: string; event?: string };
}

export interface InfraBus {
  origin: Origin;
  name: string;
  arn: string;
}

/** One resource-policy statement on a bus (AWS::Events::EventBusPolicy, aws_cloudwatch_event_bus_policy). */
export interface InfraBusPolicy {
  origin: Origin;
  bus: Text;
  /** The statements (an EventBusPolicy's Statement, or a whole policy document's). */
  statements: unknown[] | Unresolved;
}

export interface InfraTarget {
  /** Where the target is defined (the rule itself in CloudFormation; aws_cloudwatch_event_target in Terraform). */
  origin: Origin;
  /** The target as PutTargets takes it (CloudFormation's Target property has the API's names). */
  target: Target;
  /** Target fields that are not known before deploy: Arn, RoleArn, DeadLetterConfig, Input... */
  unresolved: Record<string, Unresolved>;
  /** Fields written as a reference to a resource of the template (a permission or policy then is right by construction). */
  references?: Record<string, string>;
}

export interface InfraRule {
  origin: Origin;
  /** The rule as DescribeRule returns it (its ARN the one CloudFormation / AWS gives it). */
  rule: Rule;
  targets: InfraTarget[];
  /** Rule fields not known before deploy: Name, EventBusName, EventPattern, State, Targets. */
  unresolved: Record<string, Unresolved>;
}

export interface InfraAlias {
  origin: Origin;
  name: string;
  arn: string;
}

export interface InfraFunction {
  origin: Origin;
  name: string;
  arn: string;
  roleArn?: Text;
  /** Environment.Variables; a marker when the whole map is unknown. */
  environment: Record<string, Text> | Unresolved;
  reservedConcurrency: number | null;
  deadLetterArn: Text | null;
  aliases: InfraAlias[];
}

/** A Lambda permission (AWS::Lambda::Permission, aws_lambda_permission, or SAM's own). */
export interface InfraPermission {
  origin: Origin;
  /** FunctionName as written: a name, an ARN (qualified for an alias), a partial ARN. */
  functionName: Text;
  qualifier?: string;
  action: Text;
  principal: Text;
  sourceArn?: Text;
  sourceAccount?: Text;
  /** The template names the rule by reference (`!GetAtt Rule.Arn`, `aws_cloudwatch_event_rule.x.arn`). */
  sourceArnReference?: string;
}

export interface InfraEventInvokeConfig {
  origin: Origin;
  functionName: Text;
  qualifier: string;
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  onFailure?: Text;
  onSuccess?: Text;
}

export interface InfraQueue {
  origin: Origin;
  name: string;
  arn: string;
  url: string;
  kmsKeyId: Text | null;
  sqsManagedSse: boolean;
  fifo: boolean;
}

export interface InfraTopic {
  origin: Origin;
  name: string;
  arn: string;
  kmsKeyId: Text | null;
  fifo: boolean;
}

/** A queue or topic policy (AWS::SQS::QueuePolicy, AWS::SNS::TopicPolicy, aws_sqs_queue_policy, ...). */
export interface InfraResourcePolicy {
  origin: Origin;
  /** Queue URLs or ARNs, topic ARNs, or a log group's policy name. */
  resources: Text[];
  document: unknown;
}

export interface InfraLogGroup {
  origin: Origin;
  name: string;
  arn: string;
}

export interface InfraRole {
  origin: Origin;
  name: string;
  arn: string;
  trustPolicy: unknown;
  inline: Array<{ name: string; document: unknown; origin?: Origin }>;
  managed: Text[];
  boundary?: Text;
}

/** A standalone policy attached to roles (AWS::IAM::Policy, AWS::IAM::ManagedPolicy, aws_iam_role_policy, ...). */
export interface InfraPolicy {
  origin: Origin;
  name: string;
  /** Its ARN, for a managed policy. */
  arn?: string;
  document: unknown;
  /** Role names (or ARNs) it is attached to. */
  roles: Text[];
}

export interface InfraKey {
  origin: Origin;
  keyId: string;
  arn: string;
  policy: unknown;
  aliases: string[];
}

/** A target of another kind (a state machine, a stream, a log group, ...): that it is defined, and where. */
export interface InfraOther {
  origin: Origin;
  arn: string;
  name: string;
}

export interface Infra {
  kind: "template" | "tf-plan";
  files: string[];
  region: string;
  account: string;
  buses: InfraBus[];
  busPolicies: InfraBusPolicy[];
  rules: InfraRule[];
  functions: InfraFunction[];
  permissions: InfraPermission[];
  eventInvokeConfigs: InfraEventInvokeConfig[];
  queues: InfraQueue[];
  topics: InfraTopic[];
  queuePolicies: InfraResourcePolicy[];
  topicPolicies: InfraResourcePolicy[];
  logGroups: InfraLogGroup[];
  logPolicies: InfraResourcePolicy[];
  roles: InfraRole[];
  policies: InfraPolicy[];
  keys: InfraKey[];
  others: InfraOther[];
  /** What the reader could not model, for the report's notes. */
  notes: string[];
}

export function emptyInfra(kind: Infra["kind"], files: string[], region: string, account: string): Infra {
  return {
    kind,
    files,
    region,
    account,
    buses: [],
    busPolicies: [],
    rules: [],
    functions: [],
    permissions: [],
    eventInvokeConfigs: [],
    queues: [],
    topics: [],
    queuePolicies: [],
    topicPolicies: [],
    logGroups: [],
    logPolicies: [],
    roles: [],
    policies: [],
    keys: [],
    others: [],
    notes: [],
  };
}
