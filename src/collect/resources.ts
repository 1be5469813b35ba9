/**
 * Reads of what a target names — a queue, a topic, a log group, a bus, a state machine,
 * a delivery stream, an API destination — and of the IAM roles and KMS keys deliveries go
 * through. Each is read in the account and region its ARN names: another region with a
 * client for that region, another account with the credentials the configuration names
 * for it, or not at all (recorded as `other-account`, never as "not found").
 */
import type { Aws } from "../aws/clients.js";
import { AwsCallError, collect } from "../aws/errors.js";
import { servicesOf } from "../aws/services/index.js";
import { queueUrlOf } from "../aws/services/sqs.js";
import { logGroupOf, parseArn, READ_TARGET_KINDS } from "../model/arn.js";
import type { Collected, KeyFacts, ReadLocation, ResourceFacts, RoleFacts, TargetInfo, TargetResourceState } from "../model/snapshot.js";

/** Who reads a resource in `account` and `region`, and how that is recorded. */
export interface Reader {
  aws: Aws | null;
  location: ReadLocation;
}

/** The reader for a resource in `account`/`region`: the caller's access, the configured access to that account, or none. */
export function readerFor(aws: Aws, callerAccount: string | null, account: string, region: string): Reader {
  const where = { account, region: region || aws.region };
  if (!account || callerAccount === null || account === callerAccount) return { aws: aws.inRegion(where.region), location: { ...where, via: "caller" } };
  const access = aws.accessTo(account);
  if (!access) return { aws: null, location: { ...where, via: null } };
  const via = access.roleArn ? `role ${access.roleArn}` : `profile ${access.profile}`;
  return { aws: aws.inAccount(account, access).inRegion(where.region), location: { ...where, via } };
}

/** The failure recorded for a resource in an account the run has no credentials for. */
export function otherAccount(location: ReadLocation): Extract<Collected<never>, { ok: false }> {
  return {
    ok: false,
    reason: "other-account",
    error: `in account ${location.account}, which the run has no credentials for: add accounts.${location.account} (a profile or roleArn) to course-doctor.config.json`,
  };
}


/** Reads what a target that is not a Lambda function names. Null for a kind course-doctor does not read yet. */
export async function collectTargetResource(aws: Aws, callerAccount: string | null, target: TargetInfo): Promise<TargetResourceState | null> {
  if (!READ_TARGET_KINDS.has(target.kind) || target.kind === "lambda") return null;
  const arn = parseArn(target.arn);
  const reader = readerFor(aws, callerAccount, arn?.account ?? "", arn?.region ?? "");
  const state = (resource: Collected<ResourceFacts>): TargetResourceState => ({ targetId: target.id, kind: target.kind, location: reader.location, resource });
  if (!reader.aws) return state(otherAccount(reader.location));
  const services = servicesOf(reader.aws);
  const name = arn?.resource ?? "";
  switch (target.kind) {
    case "sqs":
      return state(
        await collect(async () => {
          const attributes = await services.sqs.getQueueAttributes(queueUrlOf(target.arn, reader.aws!.endpoint), ["Policy", "KmsMasterKeyId", "SqsManagedSseEnabled", "FifoQueue", "QueueArn"]);
          return {
            policy: attributes.Policy ?? null,
            kmsKeyId: attributes.KmsMasterKeyId ?? null,
            sqsManagedSse: attributes.SqsManagedSseEnabled === "true",
            fifo: attributes.FifoQueue === "true",
          };
        }),
      );
    case "sns":
      return state(
        await collect(async () => {
          const attributes = await services.sns.getTopicAttributes(target.arn);
          return { policy: attributes.Policy ?? null, kmsKeyId: attributes.KmsMasterKeyId ?? null, fifo: attributes.FifoTopic === "true" };
        }),
      );
    case "logs": {
      const group = logGroupOf(target.arn) ?? name;
      return state(
        await collect(async () => {
          const [groups, policies] = await Promise.all([services.logs.describeLogGroups(group), services.logs.describeResourcePolicies()]);
          if (!groups.some((g) => g.logGroupName === group)) throw notFound(`log group ${group} does not exist`);
          return { logPolicies: policies.map((p) => ({ name: p.policyName ?? "", document: p.policyDocument ?? "" })) };
        }),
      );
    }
    case "events":
      return state(
        await collect(async () => {
          const bus = await services.events.describeEventBus(target.arn);
          return { policy: bus.Policy ?? null };
        }),
      );
    case "api-destination":
      return state(await collect(async () => ({ status: (await services.events.describeApiDestination(name.replace(/^api-destination\//, "").split("/")[0]!)).state })));
    case "stepfunctions":
      return state(await collect(async () => ({ status: (await services.states.describeStateMachine(target.arn)).status })));
    case "firehose":
      return state(await collect(async () => ({ status: (await services.firehose.describeDeliveryStream(name.replace(/^deliverystream\//, ""))).status })));
    default:
      return null;
  }
}

/** A not-found failure for a read whose answer says "absent" without an error (a log group not in the list). */
function notFound(message: string): Error {
  return new AwsCallError({ reason: "not-found", error: message, action: "logs:DescribeLogGroups" });
}

/** Reads a role: its trust policy, inline and attached policies, and its permissions boundary. */
export async function collectRole(aws: Aws, callerAccount: string | null, roleArn: string): Promise<Collected<RoleFacts>> {
  const arn = parseArn(roleArn);
  const reader = readerFor(aws, callerAccount, arn?.account ?? "", aws.region);
  if (!reader.aws) return otherAccount(reader.location);
  const name = (arn?.resource ?? "").replace(/^role\//, "").split("/").pop() ?? "";
  const { iam } = servicesOf(reader.aws);
  return collect(async () => {
    const [role, inlineNames, attached] = await Promise.all([iam.getRole(name), iam.listRolePolicyNames(name), iam.listAttachedRolePolicies(name)]);
    const readDocument = async <T extends object>(entry: T, read: () => Promise<string>): Promise<T & { document: string | null; error?: string }> => {
      const document = await collect(read);
      return document.ok ? { ...entry, document: document.value } : { ...entry, document: null, error: document.error };
    };
    const boundaryArn = role.PermissionsBoundary?.PermissionsBoundaryArn;
    const [inline, managed, boundary] = await Promise.all([
      Promise.all(inlineNames.map((policy) => readDocument({ name: policy, kind: "inline" as const }, () => iam.getRolePolicy(name, policy)))),
      Promise.all(attached.map((policy) => readDocument({ name: policy.PolicyName ?? "", kind: "managed" as const, arn: policy.PolicyArn ?? "" }, () => iam.getManagedPolicyDocument(policy.PolicyArn ?? "")))),
      boundaryArn ? readDocument({ arn: boundaryArn }, () => iam.getManagedPolicyDocument(boundaryArn)) : Promise.resolve(null),
    ]);
    return { arn: role.Arn ?? roleArn, trustPolicy: role.trustPolicy, policies: [...inline, ...managed], boundary };
  });
}

/** Reads the KMS key a queue or topic names (an id, ARN or alias), where the queue or topic lives. */
export async function collectKey(aws: Aws, callerAccount: string | null, key: string, where: ReadLocation): Promise<Collected<KeyFacts>> {
  const arn = parseArn(key);
  const reader = readerFor(aws, callerAccount, arn?.account ?? where.account, arn?.region ?? where.region);
  if (!reader.aws) return otherAccount(reader.location);
  const { kms } = servicesOf(reader.aws);
  return collect(async () => {
    const described = await kms.describeKey(key);
    const facts: KeyFacts = { keyId: described.keyId, arn: described.arn, manager: described.manager };
    // An AWS managed key's policy cannot be changed, and what matters is that it is AWS managed.
    if (described.manager === "CUSTOMER") {
      const policy = await collect(() => kms.getKeyPolicy(described.keyId));
      if (policy.ok) facts.policy = policy.value;
      else facts.policyError = policy.error;
    }
    return facts;
  });
}
