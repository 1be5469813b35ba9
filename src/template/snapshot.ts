/**
 * The pipeline model of a template or plan, as snapshots: one per rule, with every field
 * the checks read, built with the same shapers as a live collection (`ruleInfoOf`,
 * `targetInfoOf`, `redactEnvironment`). What the template does not define is never made
 * up: a value left to deploy time, or a resource defined outside the files given, is a
 * `{ ok: false, reason: "unresolved" }` piece (or a per-field note in `source.unresolved`)
 * naming it, so the finding that needs it is `error`.
 */
import { InputError, UsageError } from "../errors.js";
import { lambdaFunctionOf, parseArn, targetKindOf } from "../model/arn.js";
import type {
  AppEvent,
  Collected,
  DlqState,
  EventInvokeConfig,
  KeyFacts,
  LambdaTargetState,
  PolicyStatement,
  PublisherState,
  ReadLocation,
  ResourceFacts,
  ResourceOrigin,
  RoleFacts,
  Snapshot,
  TargetInfo,
  TargetResourceState,
  UnresolvedValue,
} from "../model/snapshot.js";
import { redactEnvironment } from "../collect/redact.js";
import { ruleInfoOf, targetInfoOf, targetIsNamed } from "../collect/shape.js";
import type { Infra, InfraFunction, InfraRule, Origin, Text } from "./infra.js";
import { firstUnresolved, isUnresolved, type Unresolved } from "./values.js";

/** What to build snapshots for: the pipeline flags, read against the template. */
export interface TemplateRequest {
  bus: string | null;
  rule: string | null;
  all: boolean;
  function: string | null;
  publisher: string | null;
  busEnvVar: string;
  event: AppEvent | null;
  sinceMs: number;
  tool: string;
  /** ISO time the snapshot is "collected" (the read of the files). */
  now: string;
  /** --account was not given. */
  accountPlaceholder: boolean;
}

const BEFORE_DEPLOY = { ok: false as const, reason: "error" as const, error: "before deploy: only a running account has it" };

function describeFile(infra: Infra): string {
  return infra.files.join(", ");
}

function unresolvedPiece(what: string, marker: Unresolved): { ok: false; reason: "unresolved"; error: string } {
  return { ok: false, reason: "unresolved", error: `${what} is ${marker.what}: not known before deploy (${marker.why})` };
}

function outsidePiece(what: string, infra: Infra): { ok: false; reason: "unresolved"; error: string } {
  return { ok: false, reason: "unresolved", error: `${what} is not defined in ${describeFile(infra)}: whether it exists, and what it allows, is known only in the account (give its template too, with another --${infra.kind === "tf-plan" ? "tf-plan" : "template"})` };
}

function originOf(origin: Origin): ResourceOrigin {
  return { file: origin.file, id: origin.id, type: origin.type, ...(origin.sam ? { sam: origin.sam } : {}) };
}

/** Every physical identifier of the model → what defines it. */
function logicalIdsOf(infra: Infra): Record<string, ResourceOrigin> {
  const map: Record<string, ResourceOrigin> = {};
  const add = (keys: Array<string | undefined>, origin: Origin) => {
    for (const key of keys) if (key && !(key in map)) map[key] = originOf(origin);
  };
  for (const bus of infra.buses) add([bus.name, bus.arn], bus.origin);
  for (const rule of infra.rules) {
    add([rule.rule.Name, rule.rule.Arn, `rule:${rule.rule.Name}`], rule.origin);
    for (const target of rule.targets) add([`target:${rule.rule.Arn}:${target.target.Id}`], target.origin);
  }
  for (const fn of infra.functions) {
    add([fn.name, fn.arn], fn.origin);
    for (const alias of fn.aliases) add([alias.arn, `${fn.name}:${alias.name}`], alias.origin);
  }
  for (const permission of infra.permissions) add([permission.origin.id], permission.origin);
  for (const config of infra.eventInvokeConfigs) add([`invoke-config:${config.origin.id}`], config.origin);
  for (const queue of infra.queues) add([queue.arn, queue.url], queue.origin);
  for (const topic of infra.topics) add([topic.arn], topic.origin);
  for (const policy of [...infra.queuePolicies, ...infra.topicPolicies]) for (const r of policy.resources) if (typeof r === "string") add([`policy:${r}`], policy.origin);
  for (const group of infra.logGroups) add([group.arn, group.name], group.origin);
  for (const role of infra.roles) add([role.arn, role.name], role.origin);
  for (const key of infra.keys) add([key.keyId, key.arn, ...key.aliases], key.origin);
  for (const other of infra.others) add([other.arn], other.origin);
  for (const policy of infra.busPolicies) if (typeof policy.bus === "string") add([`bus-policy:${policy.bus}`], policy.origin);
  return map;
}

/** The rules the request names: --rule (a physical name or a logical id), --all, or the only one. */
function selectRules(infra: Infra, request: TemplateRequest): InfraRule[] {
  let rules = infra.rules;
  const what = infra.kind === "tf-plan" ? "plan" : "template";
  if (rules.length === 0) throw new InputError(`${describeFile(infra)}: the ${what} defines no EventBridge rule (AWS::Events::Rule, a SAM EventBridgeRule event, or aws_cloudwatch_event_rule)`);
  if (request.bus) {
    const bus = request.bus;
    const logical = infra.buses.find((b) => b.origin.id === bus);
    const name = logical?.name ?? bus.replace(/^arn:.*:event-bus\//, "");
    rules = rules.filter((r) => r.rule.EventBusName === name);
    if (rules.length === 0) throw new UsageError(`--bus ${bus}: no rule of the ${what} is on that bus`, { hint: `buses with rules: ${[...new Set(infra.rules.map((r) => r.rule.EventBusName))].join(", ")}` });
  }
  const names = rules.map((r) => `${r.rule.Name || r.origin.id} (${r.origin.id})`);
  if (request.rule) {
    const wanted = request.rule;
    const found = rules.filter((r) => r.rule.Name === wanted || r.origin.id === wanted || r.rule.Arn === wanted);
    if (found.length === 0) throw new UsageError(`--rule ${wanted}: the ${what} has no rule of that name or logical id`, { hint: `rules: ${names.join(", ")}` });
    return found.slice(0, 1);
  }
  if (request.all || rules.length === 1) return rules;
  throw new UsageError(`the ${what} defines ${rules.length} rules; name one with --rule (a name or a logical id), or check them all with --all`, { hint: `rules: ${names.join(", ")}` });
}

/** Does `written` (a FunctionName as a permission or config writes it) name this function, and with which qualifier? */
function functionNamed(fn: InfraFunction, written: string): { qualifier?: string } | null {
  if (written === fn.name || written === fn.arn) return {};
  const asArn = lambdaFunctionOf(written);
  if (asArn && asArn.name === fn.name) return asArn.qualifier ? { qualifier: asArn.qualifier } : {};
  const partial = /^(?:\d{12}|ACCOUNT):function:([^:]+)(?::(.+))?$/.exec(written);
  if (partial && partial[1] === fn.name) return partial[2] ? { qualifier: partial[2] } : {};
  const [name, qualifier] = written.split(":");
  if (name === fn.name && qualifier && !written.startsWith("arn:")) return { qualifier };
  return null;
}

function findFunction(infra: Infra, nameOrArn: string): InfraFunction | undefined {
  return infra.functions.find((fn) => functionNamed(fn, nameOrArn) !== null || fn.origin.id === nameOrArn);
}

/** A Lambda permission as the statement Lambda's AddPermission writes into the function's policy. */
function statementOf(permission: Infra["permissions"][number], resourceArn: string, infra: Infra): PolicyStatement | Unresolved {
  const fields = [permission.action, permission.principal, permission.sourceArn, permission.sourceAccount];
  const marker = fields.map((f) => (f === undefined ? null : firstUnresolved(f))).find((m) => m !== null);
  if (marker) return marker;
  const principal = permission.principal as string;
  const condition: Record<string, Record<string, string>> = {};
  if (permission.sourceArn) condition.ArnLike = { "AWS:SourceArn": permission.sourceArn as string };
  if (permission.sourceAccount) condition.StringEquals = { "AWS:SourceAccount": permission.sourceAccount as string };
  return {
    Sid: permission.origin.id,
    Effect: "Allow",
    Principal: principal.endsWith(".amazonaws.com") ? { Service: principal } : principal === "*" ? "*" : { AWS: /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal },
    Action: permission.action as string,
    Resource: resourceArn,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
  void infra;
}

/** Policy documents as one document of all their statements (a queue can have several policies). */
function mergedPolicy(documents: unknown[]): { text: string | null; marker: Unresolved | null } {
  const statements: unknown[] = [];
  let marker: Unresolved | null = null;
  for (const document of documents) {
    const parsed = typeof document === "string" ? safeJson(document) : document;
    const found = firstUnresolved(parsed);
    const list = parsed && typeof parsed === "object" && "Statement" in (parsed as object) ? (parsed as { Statement: unknown }).Statement : [];
    for (const statement of Array.isArray(list) ? list : [list]) {
      const inner = firstUnresolved(statement);
      if (inner) marker ??= inner;
      else statements.push(statement);
    }
    if (found && !marker) marker = found;
  }
  return { text: documents.length === 0 ? null : JSON.stringify({ Version: "2012-10-17", Statement: statements }), marker };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { Statement: [] };
  }
}

/** Does a role of the model hold a statement allowing events:PutEvents (for finding the publisher, not for judging it)? */
function mayPutEvents(infra: Infra, roleArn: string): boolean {
  const role = infra.roles.find((r) => r.arn === roleArn);
  if (!role) return false;
  const documents = [...role.inline.map((p) => p.document), ...infra.policies.filter((p) => p.roles.includes(role.name) || p.roles.includes(role.arn)).map((p) => p.document)];
  return documents.some((d) => JSON.stringify(d ?? null).includes("events:PutEvents"));
}

/** Builds one snapshot per rule the request names. */
export function snapshotsOf(infra: Infra, request: TemplateRequest): Snapshot[] {
  const rules = selectRules(infra, request);
  const logicalIds = logicalIdsOf(infra);
  const publisher = choosePublisher(infra, request);
  return rules.map((rule) => snapshotOfRule(infra, rule, request, logicalIds, publisher));
}

/** --publisher (a name or a logical id), else the one function whose environment sets the bus variable. */
function choosePublisher(infra: Infra, request: TemplateRequest): { name: string; fn: InfraFunction | null } | null {
  if (request.publisher) {
    const fn = findFunction(infra, request.publisher);
    return { name: fn?.name ?? request.publisher, fn: fn ?? null };
  }
  const candidates = infra.functions.filter((fn) => !isUnresolved(fn.environment) && Object.prototype.hasOwnProperty.call(fn.environment, request.busEnvVar));
  if (candidates.length === 1) return { name: candidates[0]!.name, fn: candidates[0]! };
  if (candidates.length > 1) return null;
  // No function sets the variable: the one whose role may put events is the publisher (and, unset, sends to the default bus).
  const putters = infra.functions.filter((fn) => typeof fn.roleArn === "string" && mayPutEvents(infra, fn.roleArn));
  return putters.length === 1 ? { name: putters[0]!.name, fn: putters[0]! } : null;
}

function snapshotOfRule(infra: Infra, defined: InfraRule, request: TemplateRequest, logicalIds: Record<string, ResourceOrigin>, chosen: { name: string; fn: InfraFunction | null } | null): Snapshot {
  const notes: UnresolvedValue[] = [];
  const note = (field: string, marker: Unresolved, resource?: string) => notes.push({ field, value: marker.what, why: marker.why, ...(resource ? { resource } : {}) });
  const location: ReadLocation = { account: infra.account, region: infra.region, via: infra.kind === "tf-plan" ? "plan" : "template" };
  const ruleId = defined.origin.id;
  const nameMarker = defined.unresolved.Name ?? defined.unresolved.EventBusName;
  const busName = defined.rule.EventBusName ?? "default";

  // The bus.
  let bus: Snapshot["bus"];
  if (defined.unresolved.EventBusName) bus = unresolvedPiece(`EventBusName of ${ruleId}`, defined.unresolved.EventBusName);
  else {
    const found = infra.buses.find((b) => b.name === busName);
    const arn = found?.arn ?? `arn:aws:events:${infra.region}:${infra.account}:event-bus/${busName}`;
    const policies = infra.busPolicies.filter((p) => p.bus === busName || p.bus === arn);
    const statements: unknown[] = [];
    for (const policy of policies) {
      if (isUnresolved(policy.statements)) note("bus.policy", policy.statements, policy.origin.id);
      else statements.push(...policy.statements);
    }
    bus = { ok: true, value: { name: busName, arn, ...(statements.length > 0 ? { policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) } : {}) } };
  }

  // The rule and its targets.
  const rule: Snapshot["rule"] = nameMarker ? unresolvedPiece(`the name or bus of rule ${ruleId}`, nameMarker) : { ok: true, value: ruleInfoOf(defined.rule, busName) };
  if (defined.unresolved.EventPattern) note("rule.eventPattern", defined.unresolved.EventPattern, ruleId);
  if (defined.unresolved.State) note("rule.state", defined.unresolved.State, ruleId);
  let targets: Snapshot["targets"];
  if (defined.unresolved.Targets) targets = unresolvedPiece(`Targets of ${ruleId}`, defined.unresolved.Targets);
  else {
    targets = { ok: true, value: defined.targets.map((t) => targetInfoOf(t.target)) };
    for (const t of defined.targets) {
      for (const [field, marker] of Object.entries(t.unresolved)) {
        const path = field === "Arn" ? "arn" : field === "RoleArn" ? "roleArn" : field === "DeadLetterConfig" ? "deadLetterArn" : field === "RetryPolicy" ? "retryPolicy" : "input";
        note(`targets.${t.target.Id}.${path}`, marker, t.origin.id);
      }
    }
  }
  const allTargets = targets.ok ? targets.value : [];
  const inScope = (t: TargetInfo) => request.function === null || targetIsNamed(t, request.function) || logicalIds[t.function?.name ?? ""]?.id === request.function;
  const lambdaTargets: Record<string, LambdaTargetState> = {};
  const targetResources: Record<string, TargetResourceState> = {};
  const roleArns = new Set<string>();
  const keyIds = new Set<string>();
  for (const target of allTargets) {
    if (target.roleArn) roleArns.add(target.roleArn);
    if (!inScope(target) || target.arn === "") continue;
    if (target.kind === "lambda" && target.function) lambdaTargets[target.id] = lambdaTargetOf(infra, target, location, note);
    else {
      const state = targetResourceOf(infra, target, location, note);
      targetResources[target.id] = state;
      if (state.resource.ok && state.resource.value.kmsKeyId) keyIds.add(state.resource.value.kmsKeyId);
    }
  }

  // Dead-letter queues.
  const deadLetterQueues: Record<string, Collected<DlqState>> = {};
  for (const target of allTargets) {
    const arn = target.deadLetterArn;
    if (!arn || arn in deadLetterQueues) continue;
    const queue = infra.queues.find((q) => q.arn === arn);
    if (!queue) {
      deadLetterQueues[arn] = outsidePiece(`dead-letter queue ${arn.split(":").pop()}`, infra);
      continue;
    }
    const policy = mergedPolicy(infra.queuePolicies.filter((p) => p.resources.includes(queue.url) || p.resources.includes(queue.arn)).map((p) => p.document));
    if (policy.marker) note(`deadLetterQueues.${arn}.policy`, policy.marker);
    const kms = typeof queue.kmsKeyId === "string" ? queue.kmsKeyId : null;
    if (kms) keyIds.add(kms);
    deadLetterQueues[arn] = { ok: true, value: { arn, url: queue.url, policy: policy.text, kmsKeyId: kms, depth: 0 } };
  }

  // The publisher.
  let publisher: PublisherState | null = null;
  // Which bus the publisher must name is unknown while the rule's bus is: its checks wait for it (see bus.exists).
  if (chosen && !defined.unresolved.EventBusName) {
    const fn = chosen.fn;
    if (!fn) {
      const missing = outsidePiece(`function ${chosen.name}`, infra);
      publisher = { name: chosen.name, busEnvVar: request.busEnvVar, function: missing, environment: missing };
    } else {
      let environment: PublisherState["environment"];
      if (isUnresolved(fn.environment)) environment = unresolvedPiece(`the environment of ${fn.origin.id}`, fn.environment);
      else {
        const value = fn.environment[request.busEnvVar];
        if (value !== undefined && isUnresolved(value)) environment = unresolvedPiece(`${request.busEnvVar} of ${fn.origin.id}`, value);
        else {
          const known = Object.fromEntries(Object.entries(fn.environment).map(([k, v]) => [k, isUnresolved(v) ? v.what : v]));
          environment = { ok: true, value: redactEnvironment(known, request.busEnvVar, busName) };
        }
      }
      const role = fn.roleArn;
      const fnPiece: PublisherState["function"] =
        role === undefined ? { ok: false, reason: "unresolved", error: `${fn.origin.id} names no execution role` } : isUnresolved(role) ? unresolvedPiece(`the role of ${fn.origin.id}`, role) : { ok: true, value: { arn: fn.arn, roleArn: role } };
      if (fnPiece.ok) roleArns.add(fnPiece.value.roleArn);
      publisher = { name: fn.name, busEnvVar: request.busEnvVar, function: fnPiece, environment };
    }
  }

  const roles: Record<string, Collected<RoleFacts>> = {};
  for (const arn of roleArns) roles[arn] = roleOf(infra, arn, note);
  const keys: Record<string, Collected<KeyFacts>> = {};
  for (const id of keyIds) keys[id] = keyOf(infra, id, note);

  return {
    schemaVersion: 1,
    source: {
      kind: infra.kind,
      files: infra.files,
      logicalIds,
      unresolved: notes,
      ...(request.accountPlaceholder ? { accountPlaceholder: true } : {}),
    },
    collectedAt: request.now,
    tool: request.tool,
    request: {
      region: infra.region,
      bus: busName,
      rule: defined.rule.Name || ruleId,
      function: request.function,
      publisher: publisher?.name ?? null,
      busEnvVar: request.busEnvVar,
      sinceMs: request.sinceMs,
      endpoint: null,
    },
    identity: { ok: true, value: { account: infra.account, region: infra.region, arn: `before deploy: ${describeFile(infra)}` } },
    bus,
    rule,
    ruleElsewhere: { ok: true, value: [] },
    targets,
    lambdaTargets,
    targetResources,
    roles,
    keys,
    deadLetterQueues,
    publisher,
    metrics: BEFORE_DEPLOY,
    event: request.event,
    remoteMatch: null,
  };
}

type Note = (field: string, marker: Unresolved, resource?: string) => void;

function lambdaTargetOf(infra: Infra, target: TargetInfo, location: ReadLocation, note: Note): LambdaTargetState {
  const { name, qualifier } = target.function!;
  const base = { targetId: target.id, functionName: name, location, ...(qualifier ? { qualifier } : {}), logs: BEFORE_DEPLOY };
  const fn = findFunction(infra, target.arn);
  // The permissions the template(s) define for this function, as its resource policy (and its alias's).
  const statements: PolicyStatement[] = [];
  for (const permission of infra.permissions) {
    if (isUnresolved(permission.functionName)) {
      note(`lambdaTargets.${target.id}.policy`, permission.functionName, permission.origin.id);
      continue;
    }
    const named = fn ? functionNamed(fn, permission.functionName) : permission.functionName === name || permission.functionName === target.arn ? {} : lambdaFunctionOf(permission.functionName)?.name === name ? (lambdaFunctionOf(permission.functionName)!.qualifier ? { qualifier: lambdaFunctionOf(permission.functionName)!.qualifier } : {}) : null;
    if (!named) continue;
    const q = permission.qualifier ?? named.qualifier;
    const unqualified = fn?.arn ?? target.arn.split(":").slice(0, 7).join(":");
    const statement = statementOf(permission, q ? `${unqualified}:${q}` : unqualified, infra);
    if (isUnresolved(statement)) note(`lambdaTargets.${target.id}.policy`, statement, permission.origin.id);
    else statements.push(statement);
  }
  const policy = { ok: true as const, value: { statements } };
  if (!fn) {
    const missing = outsidePiece(`function ${name}`, infra);
    return { ...base, configuration: missing, concurrency: missing, policy, eventInvokeConfig: missing };
  }
  if (qualifier && !fn.aliases.some((a) => a.name === qualifier) && qualifier !== "$LATEST") {
    const error = /^\d+$/.test(qualifier)
      ? { ok: false as const, reason: "unresolved" as const, error: `version ${qualifier} of ${fn.origin.id} is published at deploy time: whether it exists is known only then` }
      : { ok: false as const, reason: "not-found" as const, error: `${fn.origin.id} has no alias ${qualifier} in ${fn.origin.file}` };
    return { ...base, configuration: error, concurrency: { ok: true, value: { reserved: fn.reservedConcurrency } }, policy, eventInvokeConfig: error };
  }
  const dlq = fn.deadLetterArn;
  if (dlq !== null && isUnresolved(dlq)) note(`lambdaTargets.${target.id}.deadLetterTargetArn`, dlq, fn.origin.id);
  const role = fn.roleArn;
  const configs = infra.eventInvokeConfigs.filter((c) => typeof c.functionName === "string" && functionNamed(fn, c.functionName) !== null && c.qualifier === (qualifier ?? "$LATEST"));
  let eventInvokeConfig: Collected<EventInvokeConfig | null> = { ok: true, value: null };
  const config = configs[0];
  if (config) {
    const marker = [config.onFailure, config.onSuccess].map((v) => (v === undefined ? null : firstUnresolved(v))).find((m) => m !== null);
    eventInvokeConfig = marker
      ? unresolvedPiece(`the destination of ${config.origin.id}`, marker)
      : {
          ok: true,
          value: {
            ...(config.maximumRetryAttempts !== undefined ? { maximumRetryAttempts: config.maximumRetryAttempts } : {}),
            ...(config.maximumEventAgeInSeconds !== undefined ? { maximumEventAgeInSeconds: config.maximumEventAgeInSeconds } : {}),
            ...(config.onFailure !== undefined ? { onFailure: config.onFailure as string } : {}),
            ...(config.onSuccess !== undefined ? { onSuccess: config.onSuccess as string } : {}),
          },
        };
  }
  return {
    ...base,
    configuration: {
      ok: true,
      value: {
        arn: qualifier ? `${fn.arn}:${qualifier}` : fn.arn,
        deadLetterTargetArn: typeof dlq === "string" ? dlq : null,
        ...(typeof role === "string" ? { executionRoleArn: role } : {}),
      },
    },
    concurrency: { ok: true, value: { reserved: fn.reservedConcurrency } },
    policy,
    eventInvokeConfig,
  };
}

function targetResourceOf(infra: Infra, target: TargetInfo, location: ReadLocation, note: Note): TargetResourceState {
  const base = { targetId: target.id, kind: target.kind, location: { ...location, account: parseArn(target.arn)?.account || location.account, region: parseArn(target.arn)?.region || location.region } };
  const policyOf = (documents: unknown[]): string | null => {
    const merged = mergedPolicy(documents);
    if (merged.marker) note(`targetResources.${target.id}.policy`, merged.marker);
    return merged.text;
  };
  const kmsOf = (value: Text | null): string | null => {
    if (value !== null && isUnresolved(value)) {
      note(`targetResources.${target.id}.kmsKeyId`, value);
      return null;
    }
    return value;
  };
  let facts: ResourceFacts | null = null;
  switch (target.kind) {
    case "sqs": {
      const queue = infra.queues.find((q) => q.arn === target.arn);
      if (queue) facts = { policy: policyOf(infra.queuePolicies.filter((p) => p.resources.includes(queue.url) || p.resources.includes(queue.arn)).map((p) => p.document)), kmsKeyId: kmsOf(queue.kmsKeyId), sqsManagedSse: queue.sqsManagedSse, fifo: queue.fifo };
      break;
    }
    case "sns": {
      const topic = infra.topics.find((t) => t.arn === target.arn);
      if (topic) facts = { policy: policyOf(infra.topicPolicies.filter((p) => p.resources.includes(topic.arn)).map((p) => p.document)), kmsKeyId: kmsOf(topic.kmsKeyId), fifo: topic.fifo };
      break;
    }
    case "logs": {
      const group = infra.logGroups.find((g) => g.arn === target.arn || `${g.arn.replace(/:\*$/, "")}` === target.arn.replace(/:\*$/, ""));
      if (group) {
        const logPolicies = infra.logPolicies.flatMap((p) => {
          const marker = firstUnresolved(p.document);
          if (marker) {
            note(`targetResources.${target.id}.policy`, marker, p.origin.id);
            return [];
          }
          return [{ name: typeof p.resources[0] === "string" ? p.resources[0] : p.origin.id, document: typeof p.document === "string" ? p.document : JSON.stringify(p.document) }];
        });
        facts = { logPolicies };
      }
      break;
    }
    case "events": {
      const bus = infra.buses.find((b) => b.arn === target.arn);
      if (bus) {
        const statements = infra.busPolicies.filter((p) => p.bus === bus.name || p.bus === bus.arn).flatMap((p) => (isUnresolved(p.statements) ? [] : p.statements));
        facts = { policy: statements.length > 0 ? JSON.stringify({ Version: "2012-10-17", Statement: statements }) : null };
      }
      break;
    }
    default: {
      const other = infra.others.find((o) => o.arn === target.arn);
      if (other) facts = {};
    }
  }
  if (!facts) return { ...base, resource: outsidePiece(`${target.kind === "other" ? "target" : targetKindOf(target.arn)} ${target.arn}`, infra) };
  return { ...base, resource: { ok: true, value: facts } };
}

function roleOf(infra: Infra, arn: string, note: Note): Collected<RoleFacts> {
  const role = infra.roles.find((r) => r.arn === arn || r.name === arn);
  if (!role) return outsidePiece(`role ${arn.split("/").pop()}`, infra);
  const text = (document: unknown, field: string): string | null => {
    const marker = firstUnresolved(document);
    if (marker) {
      note(field, marker, role.origin.id);
      return null;
    }
    return typeof document === "string" ? document : JSON.stringify(document ?? {});
  };
  const policies: RoleFacts["policies"] = role.inline.map((p) => {
    const document = text(p.document, `roles.${arn}`);
    return document === null ? { name: p.name, kind: "inline" as const, document: null, error: `${firstUnresolved(p.document)!.describe()}` } : { name: p.name, kind: "inline" as const, document };
  });
  for (const policy of infra.policies) {
    if (!policy.roles.some((r) => r === role.name || r === role.arn)) continue;
    const document = text(policy.document, `roles.${arn}`);
    policies.push(document === null ? { name: policy.name, kind: policy.arn ? "managed" : "inline", document: null, error: firstUnresolved(policy.document)!.describe() } : { name: policy.name, kind: policy.arn ? "managed" : "inline", ...(policy.arn ? { arn: policy.arn } : {}), document });
  }
  for (const managed of role.managed) {
    if (isUnresolved(managed)) {
      policies.push({ name: managed.what, kind: "managed", document: null, error: managed.describe() });
      continue;
    }
    if (infra.policies.some((p) => p.arn === managed && p.roles.length > 0)) continue;
    const defined = infra.policies.find((p) => p.arn === managed);
    if (defined) {
      const document = text(defined.document, `roles.${arn}`);
      policies.push({ name: defined.name, kind: "managed", arn: managed, document, ...(document === null ? { error: "not known before deploy" } : {}) });
    } else {
      policies.push({ name: managed.split("/").pop() ?? managed, kind: "managed", arn: managed, document: null, error: managed.includes(":aws:policy/") ? "an AWS managed policy: its document is not in the template" : "a policy defined outside the template" });
    }
  }
  const trust = text(role.trustPolicy, `roles.${arn}`);
  if (trust === null) return unresolvedPiece(`the trust policy of ${role.origin.id}`, firstUnresolved(role.trustPolicy)!);
  const boundary = role.boundary === undefined ? null : isUnresolved(role.boundary) ? { arn: role.boundary.what, document: null, error: role.boundary.describe() } : boundaryOf(infra, role.boundary);
  return { ok: true, value: { arn: role.arn, trustPolicy: trust, policies, boundary } };
}

function boundaryOf(infra: Infra, arn: string): RoleFacts["boundary"] {
  const defined = infra.policies.find((p) => p.arn === arn);
  if (defined && !firstUnresolved(defined.document)) return { arn, document: typeof defined.document === "string" ? defined.document : JSON.stringify(defined.document) };
  return { arn, document: null, error: "a policy defined outside the template" };
}

function keyOf(infra: Infra, id: string, note: Note): Collected<KeyFacts> {
  if (/(^|:)alias\/aws\//.test(id)) return { ok: true, value: { keyId: id, arn: id, manager: "AWS" } };
  const key = infra.keys.find((k) => k.keyId === id || k.arn === id || k.aliases.includes(id) || k.aliases.some((a) => id.endsWith(`:${a}`)));
  if (!key) return outsidePiece(`KMS key ${id}`, infra);
  const marker = firstUnresolved(key.policy);
  if (marker) note(`keys.${id}.policy`, marker, key.origin.id);
  return { ok: true, value: { keyId: key.keyId, arn: key.arn, manager: "CUSTOMER", ...(marker ? { policyError: marker.describe() } : { policy: typeof key.policy === "string" ? key.policy : JSON.stringify(key.policy ?? {}) }) } };
}
