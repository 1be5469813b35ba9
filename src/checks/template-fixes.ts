/**
 * Fixes for a snapshot read from a template or plan: a change to the template (or the
 * Terraform configuration), naming the resource by its logical id or address, never an
 * `aws` command against an account that does not run it yet. Checks ask
 * `templateFixes(snapshot)`: null for a live snapshot (their own paste-ready commands
 * apply), else this builder, chosen by the snapshot's source.
 */
import type { ResourceOrigin, RuleInfo, Snapshot, SnapshotSource, TargetInfo } from "../model/snapshot.js";

/** How a template names one of its resources in a value: `!GetAtt Rule.Arn`, `aws_cloudwatch_event_rule.x.arn`. */
type Ref = { text: string; resource: ResourceOrigin | null };

export class TemplateFixes {
  constructor(private readonly source: SnapshotSource) {}

  get terraform(): boolean {
    return this.source.kind === "tf-plan";
  }

  /** What defines the thing a physical identifier names. */
  origin(key: string | undefined): ResourceOrigin | null {
    if (!key) return null;
    return this.source.logicalIds[key] ?? null;
  }

  /** "resource ProcessorFunction (backend/template.yaml)", naming the SAM function a generated piece comes from. */
  where(origin: ResourceOrigin): string {
    if (this.terraform) return `${origin.id} (${origin.file})`;
    if (origin.sam) return `resource ${origin.sam.function}${origin.sam.event ? `, event ${origin.sam.event}` : ""} (${origin.file})`;
    return `resource ${origin.id} (${origin.file})`;
  }

  /** A reference to the rule's ARN, or its literal ARN when the template does not define it. */
  ruleArn(rule: RuleInfo, file?: string): Ref {
    const origin = this.origin(rule.arn);
    // A reference reaches only resources of the same file: another stack's is named by its ARN.
    if (!origin || (file !== undefined && origin.file !== file)) return { text: this.terraform ? JSON.stringify(rule.arn) : rule.arn, resource: null };
    if (this.terraform) return { text: `${origin.id.replace(/\[.*\]$/, "")}.arn`, resource: origin };
    return { text: `!GetAtt ${origin.id}.Arn`, resource: origin };
  }

  /** A reference to a function (or its alias) the way a permission names it. */
  functionRef(target: TargetInfo, file?: string): Ref {
    const fn = target.function;
    const sameFile = (origin: ResourceOrigin | null) => (origin && (file === undefined || origin.file === file) ? origin : null);
    const alias = fn?.qualifier ? sameFile(this.origin(target.arn)) : null;
    const base = sameFile(this.origin(fn?.name));
    if (this.terraform) {
      if (!base) return { text: JSON.stringify(fn?.name ?? target.arn), resource: null };
      return { text: `${base.id}.function_name`, resource: base };
    }
    if (alias) return { text: alias.sam ? `!Ref ${alias.sam.function}.Alias` : `!Ref ${alias.id}`, resource: alias };
    if (!base) return { text: target.arn, resource: null };
    return { text: `!Ref ${base.id}`, resource: base };
  }

  /** The permission a Lambda target needs: a new resource, or the changes to the one that misses. */
  lambdaPermission(options: { rule: RuleInfo; target: TargetInfo; wrong: Array<{ sid: string; kind: string }> }): string {
    const { rule, target } = options;
    const qualifier = target.function?.qualifier;
    const lines: string[] = [];
    for (const miss of options.wrong) {
      const origin = this.origin(miss.sid);
      if (!origin || origin.sam) continue;
      const sourceArn = this.ruleArn(rule, origin.file);
      const fnRef = this.functionRef(target, origin.file);
      if (miss.kind === "source-arn") lines.push(`In ${this.where(origin)}, set ${this.terraform ? `source_arn = ${sourceArn.text}` : `SourceArn: ${sourceArn.text}`} (the rule's own ARN: ${rule.arn}).`);
      else if (miss.kind === "resource") {
        lines.push(
          this.terraform
            ? `In ${this.where(origin)}, set qualifier = ${JSON.stringify(qualifier ?? "")}: the rule invokes ${target.arn}, and a permission on the unqualified function does not cover it.`
            : `In ${this.where(origin)}, set FunctionName: ${fnRef.text}: the rule invokes ${target.arn}, and a permission on the unqualified function does not cover it.`,
        );
      } else if (miss.kind === "source-account") lines.push(`In ${this.where(origin)}, remove ${this.terraform ? "source_account" : "SourceAccount"}: a SourceArn naming the rule is enough.`);
    }
    if (lines.length > 0) return lines.join("\n");
    const ruleOrigin = this.origin(rule.arn);
    const file = ruleOrigin?.file ?? this.source.files[0] ?? "the template";
    const sourceArn = this.ruleArn(rule, file);
    const fnRef = this.functionRef(target, file);
    const base = `${(ruleOrigin?.sam?.function ?? ruleOrigin?.id ?? rule.name).replace(/[^A-Za-z0-9]/g, "")}`;
    if (this.terraform) {
      const name = `${base.replace(/^aws_cloudwatch_event_rule/, "").replace(/[^A-Za-z0-9_]/g, "_") || "eventbridge"}_invoke`;
      return [
        `Add to the configuration (${file}):`,
        `  resource "aws_lambda_permission" "${name}" {`,
        `    statement_id  = "AllowEventBridge${rule.name.replace(/[^A-Za-z0-9]/g, "")}"`,
        `    action        = "lambda:InvokeFunction"`,
        `    function_name = ${fnRef.text}`,
        ...(qualifier ? [`    qualifier     = ${JSON.stringify(qualifier)}`] : []),
        `    principal     = "events.amazonaws.com"`,
        `    source_arn    = ${sourceArn.text}`,
        `  }`,
      ].join("\n");
    }
    return [
      `Add to the Resources of ${file}:`,
      `  ${base}InvokePermission:`,
      `    Type: AWS::Lambda::Permission`,
      `    Properties:`,
      `      FunctionName: ${fnRef.text}`,
      `      Action: lambda:InvokeFunction`,
      `      Principal: events.amazonaws.com`,
      `      SourceArn: ${sourceArn.text}`,
      ...(fnRef.resource?.sam ? [`(or route the event with an Events entry of Type: EventBridgeRule on ${fnRef.resource.sam.function}: SAM writes that permission itself)`] : []),
    ].join("\n");
  }

  /** The publisher's bus variable, set in the function's definition. */
  busVariable(options: { publisher: string; variable: string; bus: string }): string {
    const fn = this.origin(options.publisher);
    const definedBus = this.origin(options.bus);
    const busOrigin = definedBus && (!fn || fn.file === definedBus.file) ? definedBus : null;
    const value = busOrigin ? (this.terraform ? `${busOrigin.id}.name` : `!Ref ${busOrigin.id}`) : this.terraform ? JSON.stringify(options.bus) : options.bus;
    const where = fn ? this.where(fn) : `the definition of ${options.publisher}`;
    if (this.terraform) return `In ${where}, set environment { variables = { ${options.variable} = ${value} } } (keeping its other variables).`;
    return `In ${where}, set Environment.Variables.${options.variable}: ${value} (keeping its other variables).`;
  }

  enableRule(rule: RuleInfo): string {
    const origin = this.origin(rule.arn);
    const where = origin ? this.where(origin) : `the definition of rule ${rule.name}`;
    if (this.terraform) return `In ${where}, set state = "ENABLED" (or is_enabled = true).`;
    return origin?.sam ? `In ${where}, set State: ENABLED (or Enabled: true).` : `In ${where}, set State: ENABLED.`;
  }

  /** A statement added to a queue, topic or log group policy (a new policy resource when there is none). */
  resourcePolicy(options: { kind: "sqs" | "sns" | "logs"; arn: string; statement: Record<string, unknown>; rule: RuleInfo }): string {
    const resourceOrigin = this.origin(options.arn);
    const policyKey = options.kind === "sqs" ? this.queueUrlKey(options.arn) : options.arn;
    const existing = this.origin(`policy:${policyKey}`) ?? this.origin(`policy:${options.arn}`);
    const statement = this.referencing(options.statement, options.rule, options.arn);
    if (existing) {
      return `Add this statement to the policy of ${this.where(existing)}:\n  ${statement}`;
    }
    const file = resourceOrigin?.file ?? this.source.files[0] ?? "the template";
    const name = (resourceOrigin?.id ?? options.arn.split(":").pop() ?? "Target").replace(/[^A-Za-z0-9]/g, "");
    if (this.terraform) {
      const resource = options.kind === "sqs" ? "aws_sqs_queue_policy" : options.kind === "sns" ? "aws_sns_topic_policy" : "aws_cloudwatch_log_resource_policy";
      const attribute = options.kind === "sqs" ? `queue_url = ${resourceOrigin ? `${resourceOrigin.id}.id` : JSON.stringify(options.arn)}` : options.kind === "sns" ? `arn = ${resourceOrigin ? `${resourceOrigin.id}.arn` : JSON.stringify(options.arn)}` : `policy_name = "eventbridge-${options.rule.name}"`;
      return [`Add to the configuration (${file}):`, `  resource "${resource}" "${name}_eventbridge" {`, `    ${attribute}`, `    ${options.kind === "logs" ? "policy_document" : "policy"} = jsonencode({ Version = "2012-10-17", Statement = [${statement}] })`, `  }`].join("\n");
    }
    const type = options.kind === "sqs" ? "AWS::SQS::QueuePolicy" : options.kind === "sns" ? "AWS::SNS::TopicPolicy" : "AWS::Logs::ResourcePolicy";
    const target = options.kind === "sqs" ? `Queues: [${resourceOrigin ? `!Ref ${resourceOrigin.id}` : options.arn}]` : options.kind === "sns" ? `Topics: [${resourceOrigin ? `!Ref ${resourceOrigin.id}` : options.arn}]` : `PolicyName: eventbridge-${options.rule.name}`;
    return [
      `Add to the Resources of ${file}:`,
      `  ${name}EventBridgePolicy:`,
      `    Type: ${type}`,
      `    Properties:`,
      `      ${target}`,
      options.kind === "logs" ? `      PolicyDocument: '${JSON.stringify({ Version: "2012-10-17", Statement: [options.statement] })}'` : `      PolicyDocument: { Version: "2012-10-17", Statement: [${statement}] }`,
    ].join("\n");
  }

  /** A statement for a role's policy or trust, or a key's policy. */
  policyStatement(options: { owner: string; policy: "trust" | "permissions" | "key"; statement: Record<string, unknown> }): string {
    const origin = this.origin(options.owner);
    const where = origin ? this.where(origin) : `the definition of ${options.owner}`;
    const property = this.terraform
      ? options.policy === "trust"
        ? "assume_role_policy"
        : options.policy === "key"
          ? "policy"
          : "an aws_iam_role_policy of the role"
      : options.policy === "trust"
        ? "AssumeRolePolicyDocument"
        : options.policy === "key"
          ? "KeyPolicy"
          : origin?.sam
            ? "Policies (a statement, or the SAM policy template that grants it)"
            : "Policies (an inline policy)";
    return `In ${where}, add to ${property}:\n  ${JSON.stringify(options.statement)}`;
  }

  /** A change to one target of the rule: set (or remove) its own properties. */
  targetChange(options: { rule: RuleInfo; targetId: string; set?: Record<string, unknown>; remove?: string[]; note?: string }): string {
    const origin = this.origin(`target:${options.rule.arn}:${options.targetId}`) ?? this.origin(options.rule.arn);
    const where = origin ? this.where(origin) : `the definition of rule ${options.rule.name}`;
    const parts: string[] = [];
    const tf = this.terraform;
    for (const [key, value] of Object.entries(options.set ?? {})) parts.push(tf ? `set ${snake(key)} = ${JSON.stringify(value)}` : `set ${key}: ${JSON.stringify(value)}`);
    for (const key of options.remove ?? []) parts.push(`remove ${tf ? snake(key) : key}`);
    const scope = tf || origin?.sam ? "" : ` (target ${options.targetId})`;
    return `In ${where}${scope}, ${parts.join(" and ")}.${options.note ? ` ${options.note}` : ""}`;
  }

  /** A dead-letter queue for a rule target (SAM writes the queue and its policy for `DeadLetterConfig: { Type: SQS }`). */
  deadLetterQueue(rule: RuleInfo, targetId: string): string {
    const origin = this.origin(`target:${rule.arn}:${targetId}`) ?? this.origin(rule.arn);
    if (origin?.sam) return `In ${this.where(origin)}, add DeadLetterConfig: { Type: SQS } under Properties: SAM creates the queue and the policy that lets this rule send to it.`;
    const ref = this.ruleArn(rule, origin?.file);
    if (this.terraform) {
      return `In ${origin ? this.where(origin) : `the target ${targetId}`}, add dead_letter_config { arn = aws_sqs_queue.DLQ.arn }, with an aws_sqs_queue and an aws_sqs_queue_policy letting events.amazonaws.com sqs:SendMessage when aws:SourceArn is ${ref.text}.`;
    }
    return `In ${origin ? this.where(origin) : "the rule"} (target ${targetId}), add DeadLetterConfig: { Arn: !GetAtt DeadLetterQueue.Arn }, with an AWS::SQS::Queue DeadLetterQueue and an AWS::SQS::QueuePolicy letting events.amazonaws.com sqs:SendMessage when aws:SourceArn is ${ref.text}.`;
  }

  /** An on-failure destination for a function's asynchronous invocations. */
  asyncDestination(functionName: string, qualifier: string | undefined, zeroRetries: boolean): string {
    const origin = this.origin(functionName);
    const where = origin ? this.where(origin) : `the definition of ${functionName}`;
    const retries = zeroRetries ? " (and MaximumRetryAttempts: 2 unless the handler must not run twice)" : "";
    if (this.terraform) return `Add an aws_lambda_function_event_invoke_config for ${origin?.id ?? functionName}${qualifier ? ` (qualifier = "${qualifier}")` : ""} with destination_config { on_failure { destination = aws_sqs_queue.FAILURES.arn } }${retries}, and let the function's role sqs:SendMessage on that queue.`;
    if (origin?.sam) return `In ${where}, add EventInvokeConfig: { DestinationConfig: { OnFailure: { Type: SQS, Destination: !GetAtt FailureQueue.Arn } } }${retries}, and a policy letting the function sqs:SendMessage on that queue (SAM: SQSSendMessagePolicy).`;
    return `Add an AWS::Lambda::EventInvokeConfig for ${origin ? `!Ref ${origin.id}` : functionName} (Qualifier: ${qualifier ?? "$LATEST"}) with DestinationConfig: { OnFailure: { Destination: !GetAtt FailureQueue.Arn } }${retries}, and let the function's execution role sqs:SendMessage on that queue.`;
  }

  /** events:PutEvents for the publisher's role: SAM's policy template where the role is SAM's. */
  putEventsPermission(roleArn: string, busArn: string, busName: string, statement: Record<string, unknown>): string {
    const origin = this.origin(roleArn);
    if (origin?.sam) {
      const bus = this.origin(busName);
      const value = bus && bus.file === origin.file ? `!Ref ${bus.id}` : busName;
      return `In ${this.where(origin)}, add to Policies: - EventBridgePutEventsPolicy: { EventBusName: ${value} }`;
    }
    void busArn;
    return this.policyStatement({ owner: roleArn, policy: "permissions", statement });
  }

  /** A property of a function's definition. */
  functionChange(options: { functionName: string; text: string }): string {
    const origin = this.origin(options.functionName);
    return `In ${origin ? this.where(origin) : `the definition of ${options.functionName}`}, ${options.text}.`;
  }

  /** Any other change, said in words, at the resource that defines `key`. */
  change(key: string, text: string): string {
    const origin = this.origin(key);
    return origin ? `In ${this.where(origin)}, ${text}.` : `In the template, ${text}.`;
  }

  private queueUrlKey(arn: string): string {
    const [, , , region = "", account = "", name = ""] = arn.split(":");
    return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
  }

  /** A policy statement with the rule's ARN written as the template's reference to it. */
  private referencing(statement: Record<string, unknown>, rule: RuleInfo, resourceArn: string): string {
    const ref = this.ruleArn(rule);
    const resource = this.origin(resourceArn);
    let text = JSON.stringify(statement);
    if (ref.resource) text = text.split(JSON.stringify(rule.arn)).join(this.terraform ? ref.text : `{ "Fn::GetAtt": ["${ref.resource.id}", "Arn"] }`);
    if (resource && !this.terraform && !resource.sam) text = text.split(JSON.stringify(resourceArn)).join(`{ "Fn::GetAtt": ["${resource.id}", "Arn"] }`);
    if (resource && this.terraform) text = text.split(JSON.stringify(resourceArn)).join(`${resource.id}.arn`);
    return text;
  }
}

function snake(key: string): string {
  const known: Record<string, string> = { InputPath: "input_path", Input: "input", InputTransformer: "input_transformer", DeadLetterConfig: "dead_letter_config", RoleArn: "role_arn", RetryPolicy: "retry_policy" };
  return known[key] ?? key.replace(/[A-Z]/g, (c, i: number) => `${i === 0 ? "" : "_"}${c.toLowerCase()}`);
}

/** The template fix builder for a snapshot read before deploy; null for a live one. */
export function templateFixes(snapshot: Snapshot): TemplateFixes | null {
  return snapshot.source ? new TemplateFixes(snapshot.source) : null;
}
