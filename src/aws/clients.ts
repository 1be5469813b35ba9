/**
 * The one factory for AWS clients. Every client shares the region, credentials (profile
 * or the SDK's chain), endpoint override, adaptive retries and the command's deadline;
 * every call goes through `Aws.call`, which applies the deadline (even to work the SDK
 * does not let it cut, such as resolving credentials), records the IAM action it needed
 * (so `iam-policy` can be checked against what the code really calls), and turns any
 * failure into an AwsCallError naming the service, status, code and message.
 *
 * Call sites use the narrow services in ./services/, never `call` with a raw command.
 * The SDK modules load lazily, so commands that never touch AWS never pay for them.
 */
import type { CommandIO, MetadataBearer } from "@smithy/types";
import { InterruptedError } from "../errors.js";
import { Deadline, raceAbort } from "../util/deadline.js";
import { realTimer } from "../util/poll.js";
import { AwsCallError, classifyAwsError, type ServiceName } from "./errors.js";
import { RateLimits } from "./rate-limits.js";

export type { ServiceName } from "./errors.js";

/** How to read another account's resources: a profile for it, or a role in it to assume. */
export interface AccountAccess {
  profile?: string | undefined;
  roleArn?: string | undefined;
  externalId?: string | undefined;
}

/** Temporary credentials, as the SDK takes them from a provider. */
interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** What the settings resolver decided about AWS access for a command. */
export interface AwsSettings {
  /** Always known: the resolver refuses to run an AWS command without one. */
  region?: string | undefined;
  profile?: string | undefined;
  /** --endpoint-url, AWS_ENDPOINT_URL or the config's endpointUrl. */
  endpointUrl?: string | undefined;
  /** The command's deadline for all its AWS calls. */
  timeoutMs: number;
  /** Credentials for other accounts, by account id (the config file's `accounts`). */
  accounts?: Record<string, AccountAccess> | undefined;
}

export interface AwsOptions extends AwsSettings {
  /** Aborted on Ctrl-C. */
  interrupt?: AbortSignal | undefined;
  /** The process environment the credentials come from (tests pass their own). */
  env?: Record<string, string | undefined>;
  /** Attempts per call (throttles and transient failures are retried); default 5. */
  maxAttempts?: number;
  /** The token buckets every Aws of the run shares (one per AWS quota); a new set by default. */
  rateLimits?: RateLimits;
  /** Clients to use instead of creating them (tests with aws-sdk-client-mock). */
  clients?: Partial<Record<ServiceName, unknown>>;
  /** A credentials provider that overrides the profile and the environment (another account's role). */
  credentials?: () => Promise<Credentials>;
}

type AnyClient = { send(command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown>; destroy?(): void };

/** The SDK's own logger would print request-timeout warnings on stderr; course-doctor reports failures itself. */
const SILENT_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** The SDK package of each service (loaded on first use). */
async function clientClass(service: ServiceName): Promise<new (config: Record<string, unknown>) => AnyClient> {
  switch (service) {
    case "events":
      return (await import("@aws-sdk/client-eventbridge")).EventBridgeClient as never;
    case "lambda":
      return (await import("@aws-sdk/client-lambda")).LambdaClient as never;
    case "cloudwatch":
      return (await import("@aws-sdk/client-cloudwatch")).CloudWatchClient as never;
    case "logs":
      return (await import("@aws-sdk/client-cloudwatch-logs")).CloudWatchLogsClient as never;
    case "sts":
      return (await import("@aws-sdk/client-sts")).STSClient as never;
    case "sqs":
      return (await import("@aws-sdk/client-sqs")).SQSClient as never;
    case "sns":
      return (await import("@aws-sdk/client-sns")).SNSClient as never;
    case "kms":
      return (await import("@aws-sdk/client-kms")).KMSClient as never;
    case "iam":
      return (await import("@aws-sdk/client-iam")).IAMClient as never;
    case "states":
      return (await import("@aws-sdk/client-sfn")).SFNClient as never;
    case "firehose":
      return (await import("@aws-sdk/client-firehose")).FirehoseClient as never;
    default:
      throw new Error(`no SDK client is wired for ${service}`);
  }
}

/** AWS access for one command run. */
export class Aws {
  /** IAM actions any Aws of this process called (the drift test of `iam-policy` reads it). */
  static readonly actionsCalled = new Set<string>();
  /** IAM actions called so far, e.g. "lambda:GetPolicy". */
  readonly actionsUsed = new Set<string>();
  /** The command's deadline; its signal also aborts on Ctrl-C. */
  readonly deadline: Deadline;
  /** The endpoint when it is not AWS's own (an emulator), else null. */
  readonly endpoint: string | null;
  /** The region every client of this factory talks to. */
  readonly region: string;
  /** The run's token buckets, shared with every sibling (other regions and accounts). */
  readonly rateLimits: RateLimits;
  /** Whose quotas the calls spend: the caller's account, or another account's. */
  private readonly quotaScope: string;
  private readonly clients = new Map<ServiceName, Promise<AnyClient>>();
  private readonly env: Record<string, string | undefined>;
  private readonly siblings = new Map<string, Aws>();

  constructor(
    private readonly options: AwsOptions,
    deadline?: Deadline,
    quotaScope = "caller",
  ) {
    this.env = options.env ?? process.env;
    this.rateLimits = options.rateLimits ?? new RateLimits();
    this.quotaScope = quotaScope;
    this.deadline = deadline ?? new Deadline(options.timeoutMs, options.interrupt);
    this.endpoint = options.endpointUrl ?? this.env.AWS_ENDPOINT_URL ?? null;
    const region = options.region ?? this.env.AWS_REGION ?? this.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error("Aws needs a region: the settings resolver decides it before any client is made");
    this.region = region;
  }

  /** Aborted at the deadline or on Ctrl-C. */
  get signal(): AbortSignal {
    return this.deadline.signal;
  }

  /** The same access in another region, under the same deadline (a target whose ARN names another region). */
  inRegion(region: string): Aws {
    if (region === this.region) return this;
    return this.sibling(`region:${region}`, () => ({ ...this.options, region, clients: undefined }), this.quotaScope);
  }

  /** How the configuration says to read `account`'s resources; undefined when it says nothing. */
  accessTo(account: string): AccountAccess | undefined {
    return this.options.accounts?.[account];
  }

  /**
   * Access to another account, as the configuration names it: its profile, or a role in it
   * assumed with this access's credentials (STS AssumeRole), under the same deadline.
   */
  inAccount(account: string, access: AccountAccess): Aws {
    return this.sibling(`account:${account}`, () => {
      if (access.roleArn) {
        const roleArn = access.roleArn;
        let pending: Promise<Credentials> | undefined;
        const assume = async (): Promise<Credentials> => {
          const { StsService } = await import("./services/sts.js");
          return new StsService(this).assumeRole(roleArn, "course-doctor", access.externalId);
        };
        const credentials = () => {
          pending ??= assume().catch((error: unknown) => {
            pending = undefined;
            throw error;
          });
          return pending;
        };
        return { ...this.options, clients: undefined, profile: undefined, credentials };
      }
      return { ...this.options, clients: undefined, profile: access.profile, credentials: undefined };
    }, `account:${account}`);
  }

  private sibling(key: string, options: () => AwsOptions, quotaScope: string): Aws {
    let sibling = this.siblings.get(key);
    if (!sibling) {
      sibling = new Aws({ ...options(), rateLimits: this.rateLimits }, this.deadline, quotaScope);
      this.siblings.set(key, sibling);
    }
    return sibling;
  }

  /**
   * Sends a command under the deadline (and `timeoutMs` for this call alone, for long-lived
   * follows) and records its IAM action, derived from the service and command names
   * (lambda + GetPolicyCommand = lambda:GetPolicy). Each attempt first takes a token from
   * the bucket of the operation's AWS quota; a throttled attempt slows that bucket alone and
   * is tried again, and so is a transient failure (with backoff), up to `maxAttempts`. Any
   * failure is an AwsCallError; Ctrl-C is an InterruptedError.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's own command type is generic over its input
  async call<C extends CommandIO<any, MetadataBearer>>(service: ServiceName, command: C, options: { timeoutMs?: number } = {}): Promise<C extends CommandIO<any, infer O> ? O : never> {
    const operation = operationOf(command);
    const action = `${service}:${operation}`;
    this.actionsUsed.add(action);
    Aws.actionsCalled.add(action);
    const limit = options.timeoutMs === undefined ? this.deadline : this.deadline.child(options.timeoutMs);
    const bucket = this.rateLimits.bucketFor(this.quotaScope, this.region, service, operation);
    const attempts = Math.max(1, this.options.maxAttempts ?? 5);
    try {
      const client = await raceAbort(this.client(service), limit.signal);
      for (let attempt = 1; ; attempt++) {
        const sentAt = bucket ? await bucket.take(limit.signal) : 0;
        try {
          const out = (await raceAbort(client.send(command as never, { abortSignal: limit.signal }), limit.signal)) as never;
          bucket?.succeeded();
          return out;
        } catch (error) {
          if (limit.signal.aborted || attempt >= attempts) throw error;
          const retry = await retryOf(error);
          if (retry === null) throw error;
          if (retry.throttled && bucket) {
            // The bucket, slowed, paces the next attempt.
            bucket.throttled(sentAt, retry.afterMs);
            continue;
          }
          await realTimer.sleep(Math.max(retry.afterMs ?? 0, backoffMs(attempt)), limit.signal);
        }
      }
    } catch (error) {
      if (this.deadline.interrupted) throw this.deadline.signal.reason as InterruptedError;
      const cut = limit.signal.aborted ? limit.signal.reason : error;
      throw new AwsCallError({ ...classifyAwsError(cut, { service, action, endpoint: this.endpoint }), action: withAction(cut, action) }, { cause: error });
    } finally {
      if (limit !== this.deadline) limit.dispose();
    }
  }

  /** Closes sockets and the deadline's timer so the process can exit promptly. */
  destroy(): void {
    for (const client of this.clients.values()) void client.then((c) => c.destroy?.(), () => undefined);
    for (const sibling of this.siblings.values()) sibling.destroy();
    this.deadline.dispose();
  }

  private client(service: ServiceName): Promise<AnyClient> {
    let client = this.clients.get(service);
    if (!client) {
      client = this.createClient(service);
      this.clients.set(service, client);
    }
    return client;
  }

  private async createClient(service: ServiceName): Promise<AnyClient> {
    const given = this.options.clients?.[service];
    if (given) return given as AnyClient;
    silenceSdkNodeWarning();
    const Client = await clientClass(service);
    const config = this.clientConfig();
    // Live Tail uses a "streaming-" host prefix that an endpoint override cannot resolve.
    return new Client(service === "logs" ? { ...config, disableHostPrefix: this.endpoint !== null } : config);
  }

  private clientConfig(): Record<string, unknown> {
    const env = this.env;
    const config: Record<string, unknown> = {
      region: this.region,
      // Retries are Aws.call's own, each attempt paced by its quota's bucket: the SDK's
      // adaptive mode would keep one rate for the whole client.
      retryMode: "standard",
      maxAttempts: 1,
      logger: SILENT_LOGGER,
      // A silent socket fails the attempt (and the SDK retries) instead of waiting forever;
      // the command's deadline bounds the whole call anyway.
      requestHandler: {
        connectionTimeout: Math.min(5_000, this.options.timeoutMs),
        requestTimeout: Math.min(20_000, this.options.timeoutMs),
        throwOnRequestTimeout: true,
        logger: SILENT_LOGGER,
      },
    };
    if (this.endpoint) {
      config.endpoint = this.endpoint;
      config.disableHostPrefix = true;
    }
    // The Io's environment is the boundary (tests run commands in-process with their own),
    // so the settings the SDK would read from process.env are passed from it explicitly.
    const profile = this.options.profile ?? env.AWS_PROFILE;
    if (this.options.credentials) {
      config.credentials = this.options.credentials;
    } else if (profile) {
      config.profile = profile;
    } else if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      config.credentials = {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      };
    }
    return config;
  }
}

/** The action a denial names, else the call's own. */
function withAction(error: unknown, action: string): string {
  const message = (error as { message?: unknown })?.message;
  if (typeof message !== "string") return action;
  return /perform:\s*([a-z0-9-]+:[A-Za-z0-9]+)/i.exec(message)?.[1] ?? action;
}

/** "lambda:GetPolicy" from the service and a GetPolicyCommand instance. */
export function actionOf(service: ServiceName, command: object): string {
  return `${service}:${operationOf(command)}`;
}

/** "GetPolicy" from a GetPolicyCommand instance. */
function operationOf(command: object): string {
  return command.constructor.name.replace(/Command$/, "");
}

/**
 * Whether a failed attempt is worth another, by the SDK's own classification (throttling;
 * transient: timeouts, dropped connections, HTTP 5xx), and how long the service asked to
 * wait (Retry-After). Loaded on the first failure only.
 */
async function retryOf(error: unknown): Promise<{ throttled: boolean; afterMs?: number } | null> {
  if (typeof error !== "object" || error === null || error instanceof InterruptedError) return null;
  const { isThrottlingError, isTransientError, isServerError } = await import("@smithy/core/retry");
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  const afterMs = retryAfterMs(error);
  if (isThrottlingError(sdkError)) return afterMs === undefined ? { throttled: true } : { throttled: true, afterMs };
  if (isTransientError(sdkError) || isServerError(sdkError)) return afterMs === undefined ? { throttled: false } : { throttled: false, afterMs };
  return null;
}

/** The wait a throttled answer asked for (Lambda's retryAfterSeconds, a Retry-After header), capped at 20 s. */
function retryAfterMs(error: object): number | undefined {
  const e = error as { retryAfterSeconds?: unknown; $response?: { headers?: Record<string, string | undefined> } };
  const header = e.$response?.headers?.["retry-after"];
  const seconds = Number(e.retryAfterSeconds ?? header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(20_000, seconds * 1000) : undefined;
}

/** The SDK's backoff for transient failures: full jitter over 100 ms × 2^attempt, at most 20 s. */
function backoffMs(attempt: number): number {
  return Math.floor(Math.random() * Math.min(20_000, 100 * 2 ** attempt));
}

/** The SDK warns about Node versions on stderr; that warning is not for our users. */
export function silenceSdkNodeWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}
