/**
 * Seeds pipelines into moto with the real SDK clients, for integration tests and the
 * benchmark. Each helper does one thing a team's infrastructure code would do.
 */
import { crc32 } from "node:zlib";
import {
  CloudWatchClient,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  type Target,
} from "@aws-sdk/client-eventbridge";
import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
} from "@aws-sdk/client-lambda";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { MOTO_ACCOUNT, MOTO_REGION, motoCredentials, type Moto } from "./moto.js";

/** A zip archive holding one stored (uncompressed) file: enough for moto's CreateFunction. */
export function makeZip(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const file = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(file.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + file.length, 12);
  end.writeUInt32LE(local.length + file.length + data.length, 16);
  return Buffer.concat([local, file, data, central, file, end]);
}

const HANDLER_ZIP = makeZip("handler.py", "def handler(event, context):\n    print(event)\n    return {'ok': True}\n");

export interface IngestorNames {
  bus: string;
  rule: string;
  ruleArn: string;
  fn: string;
  fnArn: string;
  publisher: string;
  dlqArn: string;
  dlqUrl: string;
}

/** A queue policy letting EventBridge send to `queueArn` from the rule `ruleArn`. */
export function sendPolicy(queueArn: string, ruleArn: string): object {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "EventBridgeSend", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: queueArn, Condition: { ArnEquals: { "aws:SourceArn": ruleArn } } }],
  };
}

/** The secret placed in the publisher's environment; it must never reach any output. */
export const PUBLISHER_SECRET = "sk_live_course_doctor_SECRET_5f2a9c";

export class Seeder {
  readonly events: EventBridgeClient;
  readonly lambda: LambdaClient;
  readonly iam: IAMClient;
  readonly logs: CloudWatchLogsClient;
  readonly cloudwatch: CloudWatchClient;
  readonly sqs: SQSClient;
  private roleArn: Promise<string> | undefined;

  constructor(
    moto: Moto | { endpoint: string },
    /** Another account's credentials (from STS AssumeRole into it), or another region. */
    options: { credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }; region?: string } = {},
  ) {
    const config = { region: options.region ?? MOTO_REGION, endpoint: moto.endpoint, credentials: options.credentials ?? motoCredentials };
    this.events = new EventBridgeClient(config);
    this.lambda = new LambdaClient(config);
    this.iam = new IAMClient(config);
    this.logs = new CloudWatchLogsClient(config);
    this.cloudwatch = new CloudWatchClient(config);
    this.sqs = new SQSClient(config);
  }

  /** Forgets the cached role (after moto was reset). */
  forget(): void {
    this.roleArn = undefined;
  }

  role(): Promise<string> {
    this.roleArn ??= this.iam
      .send(
        new CreateRoleCommand({
          RoleName: `lambda-role-${Math.random().toString(36).slice(2, 8)}`,
          AssumeRolePolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
          }),
        }),
      )
      .then((out) => out.Role!.Arn!);
    return this.roleArn;
  }

  async bus(name: string): Promise<string> {
    if (name === "default") return `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:event-bus/default`;
    const out = await this.events.send(new CreateEventBusCommand({ Name: name }));
    return out.EventBusArn!;
  }

  async rule(options: { name: string; bus: string; pattern: object; state?: "ENABLED" | "DISABLED" }): Promise<string> {
    const out = await this.events.send(
      new PutRuleCommand({ Name: options.name, EventBusName: options.bus, EventPattern: JSON.stringify(options.pattern), State: options.state ?? "ENABLED" }),
    );
    return out.RuleArn!;
  }

  /**
   * A role with a trust policy for `service` and inline policies (one per statement list);
   * returns its ARN.
   */
  async namedRole(name: string, options: { service?: string; trust?: object; inline?: Record<string, object[]>; managed?: string[]; boundary?: string } = {}): Promise<string> {
    const trust = options.trust ?? { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: options.service ?? "events.amazonaws.com" }, Action: "sts:AssumeRole" }] };
    const out = await this.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust), ...(options.boundary ? { PermissionsBoundary: options.boundary } : {}) }));
    for (const [policy, statements] of Object.entries(options.inline ?? {})) {
      await this.iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: policy, PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }));
    }
    for (const arn of options.managed ?? []) await this.iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn }));
    return out.Role!.Arn!;
  }

  /** A customer managed policy; returns its ARN. */
  async managedPolicy(name: string, statements: object[]): Promise<string> {
    const out = await this.iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }));
    return out.Policy!.Arn!;
  }

  /** A function; `deadLetterArn` is its own DeadLetterConfig (moto 5 accepts it and does not keep it). */
  async fn(name: string, environment: Record<string, string> = {}, options: { role?: string; deadLetterArn?: string } = {}): Promise<string> {
    const out = await this.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "python3.12",
        Role: options.role ?? (await this.role()),
        Handler: "handler.handler",
        Code: { ZipFile: HANDLER_ZIP },
        Environment: { Variables: environment },
        ...(options.deadLetterArn ? { DeadLetterConfig: { TargetArn: options.deadLetterArn } } : {}),
      }),
    );
    return out.FunctionArn!;
  }

  /** The function's (or alias's) asynchronous invocation settings. */
  async asyncConfig(fn: string, config: { retries?: number; maxAgeSeconds?: number; onFailure?: string; qualifier?: string }): Promise<void> {
    await this.lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: fn,
        Qualifier: config.qualifier,
        MaximumRetryAttempts: config.retries,
        MaximumEventAgeInSeconds: config.maxAgeSeconds,
        ...(config.onFailure ? { DestinationConfig: { OnFailure: { Destination: config.onFailure } } } : {}),
      }),
    );
  }

  /** Publishes a version and points an alias at it; returns the alias ARN. */
  async alias(fn: string, alias: string): Promise<string> {
    const version = await this.lambda.send(new PublishVersionCommand({ FunctionName: fn }));
    const out = await this.lambda.send(new CreateAliasCommand({ FunctionName: fn, Name: alias, FunctionVersion: version.Version! }));
    return out.AliasArn!;
  }

  async permission(fn: string, sourceArn: string | undefined, options: { qualifier?: string; sid?: string; principal?: string } = {}): Promise<void> {
    await this.lambda.send(
      new AddPermissionCommand({
        FunctionName: fn,
        Qualifier: options.qualifier,
        StatementId: options.sid ?? `events-${Math.random().toString(36).slice(2, 8)}`,
        Action: "lambda:InvokeFunction",
        Principal: options.principal ?? "events.amazonaws.com",
        SourceArn: sourceArn,
      }),
    );
  }

  async target(rule: string, bus: string, arn: string, extra: Partial<Target> = {}): Promise<void> {
    const out = await this.events.send(new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: extra.Id ?? "target-1", Arn: arn, ...extra }] }));
    if (out.FailedEntryCount) throw new Error(`PutTargets failed: ${JSON.stringify(out.FailedEntries)}`);
  }

  async concurrency(fn: string, reserved: number): Promise<void> {
    await this.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: reserved }));
  }

  async queue(name: string, attributes: Record<string, string> = {}): Promise<{ arn: string; url: string }> {
    const out = await this.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const read = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: out.QueueUrl!, AttributeNames: ["QueueArn"] }));
    return { arn: read.Attributes!.QueueArn!, url: out.QueueUrl! };
  }

  /** A dead-lettered event as EventBridge writes it, with its error attributes. */
  async deadLetter(url: string, attributes: { ruleArn: string; targetArn: string; errorCode: string; errorMessage: string }): Promise<void> {
    const string = (value: string) => ({ DataType: "String", StringValue: value });
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: JSON.stringify({ source: "agent2.ingestor", "detail-type": "Document Processing Required", detail: {} }),
        MessageAttributes: {
          RULE_ARN: string(attributes.ruleArn),
          TARGET_ARN: string(attributes.targetArn),
          ERROR_CODE: string(attributes.errorCode),
          ERROR_MESSAGE: string(attributes.errorMessage),
          RETRY_ATTEMPTS: { DataType: "Number", StringValue: "0" },
        },
      }),
    );
  }

  async metric(namespace: string, name: string, dimensions: Record<string, string>, value: number, at = new Date(Date.now() - 5 * 60_000)): Promise<void> {
    await this.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: namespace,
        MetricData: [{ MetricName: name, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })), Value: value, Timestamp: at }],
      }),
    );
  }

  async logLines(group: string, lines: string[], at = Date.now() - 60_000): Promise<void> {
    await this.logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch((error: Error) => {
      if (error.name !== "ResourceAlreadyExistsException") throw error;
    });
    const stream = `2026/11/22/[$LATEST]${Math.random().toString(16).slice(2, 10)}`;
    await this.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    await this.logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: lines.map((message, i) => ({ timestamp: at + i, message })) }));
  }

  /**
   * The document ingestor of DESIGN.md, healthy: custom bus, rule, Lambda target with the
   * right permission, a DLQ and retry policy, a publisher whose EVENT_BUS_NAME names the
   * bus (beside a secret), metrics showing matched = invoked, and quiet logs.
   */
  async ingestor(options: { suffix?: string; publisherEnv?: Record<string, string> | null; withMetrics?: boolean } = {}): Promise<IngestorNames> {
    const s = options.suffix ?? "";
    const bus = `agent2-ingestor-events-dev${s}`;
    const rule = `agent2-ingestor-document-processing-dev${s}`;
    const fn = `agent2-ingestor-api-dev${s}`;
    const publisher = `agent2-ingestor-upload-dev${s}`;
    await this.bus(bus);
    const ruleArn = await this.rule({ name: rule, bus, pattern: { source: ["agent2.ingestor"], "detail-type": ["Document Processing Required"] } });
    const fnArn = await this.fn(fn, { TABLE_NAME: "jobs" });
    await this.permission(fn, ruleArn, { sid: "EventBridgeInvokeLambdaPermission" });
    const dlqArn = `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:agent2-ingestor-dlq${s}`;
    const dlq = await this.queue(`agent2-ingestor-dlq${s}`, { Policy: JSON.stringify(sendPolicy(dlqArn, ruleArn)) });
    await this.target(rule, bus, fnArn, { RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: dlq.arn } });
    const env = options.publisherEnv === undefined ? { EVENT_BUS_NAME: bus, API_TOKEN: PUBLISHER_SECRET } : options.publisherEnv;
    if (env !== null) {
      // Its role may put events on the bus it publishes to (its EVENT_BUS_NAME, else the ingestor's).
      const busArn = `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:event-bus/${env.EVENT_BUS_NAME || bus}`;
      const role = await this.namedRole(`${publisher}-role`, { service: "lambda.amazonaws.com", inline: { publish: [{ Effect: "Allow", Action: "events:PutEvents", Resource: busArn }] } });
      await this.fn(publisher, env, { role });
    }
    if (options.withMetrics !== false) {
      await this.metric("AWS/Events", "MatchedEvents", { EventBusName: bus, RuleName: rule }, 3);
      await this.metric("AWS/Events", "TriggeredRules", { EventBusName: bus, RuleName: rule }, 3);
      await this.metric("AWS/Events", "Invocations", { EventBusName: bus, RuleName: rule }, 3);
      await this.metric("AWS/Lambda", "Invocations", { FunctionName: fn }, 3);
      await this.logLines(`/aws/lambda/${fn}`, ["START RequestId: 1 Version: $LATEST", "processing job 89fdf15c", "END RequestId: 1"]);
    }
    return { bus, rule, ruleArn, fn, fnArn, publisher, dlqArn: dlq.arn, dlqUrl: dlq.url };
  }
}
