/**
 * The one factory for AWS clients. Every client shares the region, credentials
 * (profile or the SDK's chain), endpoint override, adaptive retries and one deadline;
 * every call goes through `Aws.send`, which applies the deadline and records the IAM
 * action it needed (so `iam-policy` can be checked against what the code really calls).
 *
 * The SDK modules load lazily, so commands that never touch AWS never pay for them.
 */
import type { CommandIO, MetadataBearer } from "@smithy/types";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { STSClient } from "@aws-sdk/client-sts";
import { AwsAccessError } from "../errors.js";

/** IAM service prefixes of the clients we use. */
export type ServiceName = "events" | "lambda" | "cloudwatch" | "logs" | "sts" | "sqs";

interface ClientMap {
  events: EventBridgeClient;
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
  sts: STSClient;
  sqs: SQSClient;
}

export interface AwsOptions {
  region?: string | undefined;
  profile?: string | undefined;
  /** --endpoint-url or the config's endpointUrl; AWS_ENDPOINT_URL is read by the SDK itself. */
  endpointUrl?: string | undefined;
  /** One deadline for all calls made through this factory. */
  timeoutMs: number;
  /** Aborted on Ctrl-C. */
  interrupt?: AbortSignal | undefined;
  env?: Record<string, string | undefined>;
  /** Attempts per call (adaptive retry mode); default 5. */
  maxAttempts?: number;
  /** Clients to use instead of creating them (tests with aws-sdk-client-mock). */
  clients?: Partial<ClientMap>;
}

type AnyClient = { send(command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown>; destroy?(): void };

const CLIENT_SERVICE: Record<string, ServiceName> = {
  EventBridgeClient: "events",
  LambdaClient: "lambda",
  CloudWatchClient: "cloudwatch",
  CloudWatchLogsClient: "logs",
  STSClient: "sts",
  SQSClient: "sqs",
};

/** AWS access for one command run. */
export class Aws {
  /** IAM actions any Aws of this process called (the drift test of `iam-policy` reads it). */
  static readonly actionsCalled = new Set<string>();
  /** IAM actions called so far, e.g. "lambda:GetPolicy". */
  readonly actionsUsed = new Set<string>();
  /** Aborted at the deadline or on Ctrl-C. */
  readonly signal: AbortSignal;
  /** The endpoint when it is not AWS's own (an emulator), else null. */
  readonly endpoint: string | null;
  private readonly clients = new Map<ServiceName, Promise<AnyClient>>();
  private regionPromise: Promise<string> | undefined;

  constructor(private readonly options: AwsOptions) {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    this.signal = options.interrupt ? AbortSignal.any([options.interrupt, deadline]) : deadline;
    const env = options.env ?? process.env;
    this.endpoint = options.endpointUrl ?? env.AWS_ENDPOINT_URL ?? null;
  }

  /** The client for a service, created on first use. */
  client<S extends ServiceName>(service: S): Promise<ClientMap[S]> {
    let client = this.clients.get(service);
    if (!client) {
      client = this.createClient(service);
      this.clients.set(service, client);
    }
    return client as Promise<ClientMap[S]>;
  }

  /** The region in effect (flag, config, environment, or the profile's). */
  region(): Promise<string> {
    this.regionPromise ??= this.client("sts").then(async (sts) => {
      try {
        return await sts.config.region();
      } catch {
        throw new AwsAccessError("no AWS region: pass --region, set AWS_REGION, or set a region in your profile");
      }
    });
    return this.regionPromise;
  }

  /**
   * Sends a command with the shared deadline (and `timeoutMs` for this call alone) and
   * records its IAM action, derived from the client and command names
   * (LambdaClient + GetPolicyCommand = lambda:GetPolicy).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's own command type is generic over its input
  async send<C extends CommandIO<any, MetadataBearer>>(service: ServiceName, command: C, options: { timeoutMs?: number } = {}): Promise<C extends CommandIO<any, infer O> ? O : never> {
    const client = (await this.client(service)) as unknown as AnyClient;
    const action = actionOf(service, command);
    this.actionsUsed.add(action);
    Aws.actionsCalled.add(action);
    // A per-call limit, for long-lived clients (a follow) whose own deadline is far away.
    const abortSignal = options.timeoutMs === undefined ? this.signal : AbortSignal.any([this.signal, AbortSignal.timeout(options.timeoutMs)]);
    return (await client.send(command as never, { abortSignal })) as never;
  }

  /** Closes sockets so the process can exit promptly. */
  destroy(): void {
    for (const client of this.clients.values()) void client.then((c) => c.destroy?.(), () => undefined);
  }

  private async createClient(service: ServiceName): Promise<AnyClient> {
    const given = this.options.clients?.[service];
    if (given) return given as unknown as AnyClient;
    const config = await this.clientConfig();
    switch (service) {
      case "events":
        return new (await import("@aws-sdk/client-eventbridge")).EventBridgeClient(config) as unknown as AnyClient;
      case "lambda":
        return new (await import("@aws-sdk/client-lambda")).LambdaClient(config) as unknown as AnyClient;
      case "cloudwatch":
        return new (await import("@aws-sdk/client-cloudwatch")).CloudWatchClient(config) as unknown as AnyClient;
      case "logs":
        // Live Tail uses a "streaming-" host prefix that an endpoint override cannot resolve.
        return new (await import("@aws-sdk/client-cloudwatch-logs")).CloudWatchLogsClient({
          ...config,
          disableHostPrefix: this.options.endpointUrl !== undefined || config.disableHostPrefix === true,
        }) as unknown as AnyClient;
      case "sts":
        return new (await import("@aws-sdk/client-sts")).STSClient(config) as unknown as AnyClient;
      case "sqs":
        return new (await import("@aws-sdk/client-sqs")).SQSClient(config) as unknown as AnyClient;
    }
  }

  private async clientConfig(): Promise<Record<string, unknown> & { disableHostPrefix?: boolean }> {
    silenceSdkNodeWarning();
    const env = this.options.env ?? process.env;
    const config: Record<string, unknown> & { disableHostPrefix?: boolean } = {
      retryMode: "adaptive",
      maxAttempts: this.options.maxAttempts ?? 5,
    };
    // The Io's environment is the boundary (tests run commands in-process with their own),
    // so the settings the SDK would read from process.env are passed from it explicitly.
    const region = this.options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (region) config.region = region;
    if (this.endpoint) {
      config.endpoint = this.endpoint;
      config.disableHostPrefix = true;
    }
    const profile = this.options.profile ?? env.AWS_PROFILE;
    if (profile) {
      // The SDK reads the profile (credentials and region) from the shared config files.
      config.profile = profile;
    } else if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      config.credentials = {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      };
    }
    // Fail fast on an endpoint that does not answer instead of waiting out the OS timeout.
    config.requestHandler = { connectionTimeout: 5_000, requestTimeout: Math.max(5_000, this.options.timeoutMs) };
    return config;
  }
}

/** "lambda:GetPolicy" from the service and a GetPolicyCommand instance. */
export function actionOf(service: ServiceName, command: object): string {
  return `${service}:${command.constructor.name.replace(/Command$/, "")}`;
}

/** The service prefix of an SDK client instance (for clients passed in by tests). */
export function serviceOfClient(client: object): ServiceName | undefined {
  return CLIENT_SERVICE[client.constructor.name];
}

/** The SDK warns about Node versions on stderr; that warning is not for our users. */
export function silenceSdkNodeWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}
