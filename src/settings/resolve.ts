/**
 * The one settings resolver: every command reads its settings here, flags over the
 * environment over the config file over the defaults (DESIGN.md, "Configuration"), AWS
 * access included. Nothing else reads AWS_REGION, AWS_PROFILE, the config file or a
 * default; a setting that cannot be used is one UsageError naming it.
 */
import type { AwsOptions, AwsSettings } from "../aws/clients.js";
import type { LoadedConfig } from "../config/load.js";
import type { Settings as FileSettings } from "../config/schema.js";
import { UsageError } from "../errors.js";
import type { Io } from "../host/io.js";
import { resolveOutputOptions, type OutputOptions } from "../host/output.js";
import type { AppEvent } from "../model/snapshot.js";
import { requireDuration } from "../util/duration.js";
import { parseJsonText, readTextInput } from "../util/input.js";

/** Output formats; each command accepts a subset. */
export type Format = "pretty" | "json" | "markdown" | "junit" | "mermaid";
export const FORMATS: readonly Format[] = ["pretty", "json", "markdown", "junit", "mermaid"];

/** The global flags as commander parsed them. */
export interface GlobalFlags {
  profile?: string | undefined;
  region?: string | undefined;
  endpointUrl?: string | undefined;
  config?: string | undefined;
  env?: string | undefined;
  format?: string | undefined;
  color?: boolean | undefined;
  verbose?: boolean | undefined;
  quiet?: boolean | undefined;
  timeout?: string | undefined;
}

/** The pipeline flags shared by check, snapshot, probe, smoke and the focused commands. */
export interface PipelineFlags {
  bus?: string;
  rule?: string;
  all?: boolean;
  function?: string;
  publisher?: string;
  busEnvVar?: string;
  event?: string;
  source?: string;
  detailType?: string;
  detail?: string;
  since?: string;
  strict?: boolean;
  peekDlq?: boolean;
}

/** The pipeline to examine. */
export interface PipelineRequest {
  bus: string;
  rule: string | null;
  all: boolean;
  function: string | null;
  publisher: string | null;
  busEnvVar: string;
  event: AppEvent | null;
  sinceMs: number;
  /** True when --since (or the config's since) set the window. */
  sinceGiven: boolean;
  strict: boolean;
  peekDlq: boolean;
}

/** Default deadline of a command's AWS calls. */
export const DEFAULT_AWS_TIMEOUT_MS = 60_000;
/** Default deadline of a job wait (jobs --wait, smoke). */
export const DEFAULT_WAIT_TIMEOUT_MS = 15 * 60_000;

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Which of the sources gave a value: for messages that name where a bad value came from. */
type Source<T> = { value: T; from: string } | undefined;

function first<T>(...candidates: Array<[T | undefined, string]>): Source<T> {
  for (const [value, from] of candidates) if (value !== undefined) return { value, from };
  return undefined;
}

/**
 * The settings of one command run. The global flags are checked at once; the config file
 * is read on first use, and AWS access is decided only by the commands that talk to AWS.
 */
export class Settings {
  readonly format: Format;
  readonly formatGiven: boolean;
  readonly output: OutputOptions;
  readonly verbose: boolean;
  readonly quiet: boolean;
  /** --config as given. */
  readonly configPath: string | undefined;
  /** --env as given. */
  readonly envName: string | undefined;
  /** --timeout as given. */
  readonly timeoutFlag: string | undefined;
  private file: Promise<LoadedConfig> | undefined;
  private awsSettings: Promise<AwsSettings> | undefined;

  constructor(
    /** The global flags as given (for re-run commands that repeat them). */
    readonly globals: GlobalFlags,
    private readonly io: Io,
  ) {
    const format = (text(globals.format) ?? "pretty") as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format: "${format}" is not one of ${FORMATS.join(", ")}`);
    this.format = format;
    this.formatGiven = globals.format !== undefined;
    this.verbose = globals.verbose === true;
    this.quiet = globals.quiet === true;
    this.output = resolveOutputOptions(io, { color: globals.color !== false, verbose: this.verbose, quiet: this.quiet });
    this.configPath = text(globals.config);
    this.envName = text(globals.env);
    this.timeoutFlag = text(globals.timeout);
    if (this.timeoutFlag !== undefined) requireDuration(this.timeoutFlag, "--timeout");
    const endpoint = text(globals.endpointUrl);
    if (endpoint !== undefined) checkEndpoint(endpoint, "--endpoint-url");
  }

  /** Checks the format against the ones the command supports; another is a usage error. */
  formatFor<F extends Format>(supported: readonly F[]): F {
    if (!(supported as readonly Format[]).includes(this.format)) {
      throw new UsageError(`--format ${this.format} is not available for this command (use ${supported.join(" or ")})`);
    }
    return this.format as F;
  }

  /** The config file in effect (read once; none is fine unless --config or --env names one). */
  config(): Promise<LoadedConfig> {
    this.file ??= import("../config/load.js").then(({ loadConfig }) => loadConfig({ cwd: this.io.cwd, path: this.configPath, envName: this.envName }));
    return this.file;
  }

  /** The config file's settings (after choosing the environment). */
  async fileSettings(): Promise<FileSettings> {
    return (await this.config()).settings;
  }

  /**
   * The deadline: --timeout, else the config's timeout, else `defaultMs` (60s for AWS
   * calls, 15m for a job wait).
   */
  async timeoutMs(defaultMs: number): Promise<number> {
    if (this.timeoutFlag !== undefined) return requireDuration(this.timeoutFlag, "--timeout");
    const configured = (await this.fileSettings()).timeout;
    return configured !== undefined ? requireDuration(configured, "timeout (config)") : defaultMs;
  }

  /** Where --timeout's value came from, for resume hints: the flag only. */
  get timeoutText(): string | undefined {
    return this.timeoutFlag;
  }

  /**
   * AWS access: region, profile and endpoint (flags > environment > config file; the
   * region last from the profile), and the deadline. A named profile that does not exist,
   * or no region from anywhere, is one clear UsageError before any call is made.
   */
  aws(): Promise<AwsSettings> {
    this.awsSettings ??= this.resolveAws(true);
    return this.awsSettings;
  }

  /**
   * `aws()` plus what an Aws needs from the process: the environment and Ctrl-C.
   * `configFile: false` leaves the config file out (init writes it, it does not read it).
   */
  async awsOptions(interrupt: AbortSignal, overrides: Partial<AwsSettings> = {}, options: { configFile?: boolean } = {}): Promise<AwsOptions> {
    const settings = options.configFile === false ? await this.resolveAws(false) : await this.aws();
    return { ...settings, ...overrides, interrupt, env: this.io.env };
  }

  private async resolveAws(useConfigFile: boolean): Promise<AwsSettings> {
    const file: FileSettings = useConfigFile ? await this.fileSettings() : {};
    const env = this.io.env;
    const accessKeys = text(env.AWS_ACCESS_KEY_ID) !== undefined && text(env.AWS_SECRET_ACCESS_KEY) !== undefined;
    const profile = first<string>([text(this.globals.profile), "--profile"], [text(env.AWS_PROFILE), "AWS_PROFILE"], [accessKeys ? undefined : file.profile, "profile (config)"]);
    const endpoint = first<string>([text(this.globals.endpointUrl), "--endpoint-url"], [text(env.AWS_ENDPOINT_URL), "AWS_ENDPOINT_URL"], [file.endpointUrl, "endpointUrl (config)"]);
    if (endpoint) checkEndpoint(endpoint.value, endpoint.from);
    let region = first<string>([text(this.globals.region), "--region"], [text(env.AWS_REGION), "AWS_REGION"], [text(env.AWS_DEFAULT_REGION), "AWS_DEFAULT_REGION"], [file.region, "region (config)"]);
    if (profile || !region) {
      const { readProfiles } = await import("./profiles.js");
      const profiles = await readProfiles(env);
      if (profile && !profiles.has(profile.value)) {
        const known = profiles.names();
        throw new UsageError(
          `${profile.from}: there is no profile "${profile.value}" in ${profiles.files.join(" or ")}${known.length > 0 ? ` (profiles there: ${known.join(", ")})` : ""}`,
          { hint: `add it with \`aws configure --profile ${profile.value}\` (or \`aws configure sso\`), or name another` },
        );
      }
      const fromProfile = profiles.region(profile?.value ?? "default");
      if (!region && fromProfile) region = { value: fromProfile, from: `the profile ${profile?.value ?? "default"}` };
    }
    if (!region) {
      throw new UsageError("no AWS region: pass --region, set AWS_REGION, or add a region to your profile or to course-doctor.config.json", {
        hint: "e.g. course-doctor check --region eu-west-1 ...",
      });
    }
    return {
      region: region.value,
      profile: profile?.value,
      endpointUrl: endpoint?.value,
      ...(file.accounts ? { accounts: file.accounts } : {}),
      timeoutMs: useConfigFile ? await this.timeoutMs(DEFAULT_AWS_TIMEOUT_MS) : this.timeoutFlag !== undefined ? requireDuration(this.timeoutFlag, "--timeout") : DEFAULT_AWS_TIMEOUT_MS,
    };
  }

  /** The region as far as it is known without reading the profile (for offline headers); null when none was given. */
  async givenRegion(): Promise<string | null> {
    const env = this.io.env;
    return text(this.globals.region) ?? text(env.AWS_REGION) ?? text(env.AWS_DEFAULT_REGION) ?? (await this.fileSettings()).region ?? null;
  }

  /** The pipeline flags over the config file into a request. */
  async pipeline(flags: PipelineFlags, defaults: { sinceMs?: number } = {}): Promise<PipelineRequest> {
    const file = await this.fileSettings();
    if (flags.all && flags.rule) throw new UsageError("--all and --rule exclude each other: --all checks every rule on the bus");
    const since = first<string>([flags.since, "--since"], [file.since, "since (config)"]);
    return {
      bus: flags.bus ?? file.bus ?? "default",
      rule: flags.all ? null : (flags.rule ?? file.rule ?? null),
      all: flags.all === true,
      function: flags.function ?? file.function ?? null,
      publisher: flags.publisher ?? file.publisher ?? null,
      busEnvVar: flags.busEnvVar ?? file.busEnvVar ?? "EVENT_BUS_NAME",
      event: await this.event(flags, file),
      sinceMs: since ? requireDuration(since.value, since.from) : (defaults.sinceMs ?? 3_600_000),
      sinceGiven: since !== undefined,
      strict: flags.strict ?? file.strict ?? false,
      peekDlq: flags.peekDlq ?? file.peekDlq ?? false,
    };
  }

  /** A duration flag over its config key over a default. */
  async duration(flag: string | undefined, flagName: string, configValue: string | undefined, configName: string, defaultMs: number): Promise<number> {
    if (flag !== undefined) return requireDuration(flag, flagName);
    if (configValue !== undefined) return requireDuration(configValue, `${configName} (config)`);
    return defaultMs;
  }

  private async event(flags: PipelineFlags, file: FileSettings): Promise<AppEvent | null> {
    if (flags.event !== undefined) {
      if (flags.source !== undefined || flags.detailType !== undefined || flags.detail !== undefined) {
        throw new UsageError("--event excludes --source, --detail-type and --detail: give the whole event, or its parts");
      }
      const input = await readTextInput(flags.event, this.io, "--event");
      const parsed = parseJsonText(input.text, input.origin, "--event");
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new UsageError("--event: expected a JSON object (a full event or a PutEvents entry)");
      }
      return { origin: input.origin === "inline JSON" ? "inline" : "file", input: parsed };
    }
    if (flags.source !== undefined || flags.detailType !== undefined || flags.detail !== undefined) {
      if (flags.source === undefined || flags.detailType === undefined) {
        throw new UsageError("--source and --detail-type go together (add --detail JSON for the detail)");
      }
      const detail = flags.detail !== undefined ? parseJsonText(flags.detail, "--detail", "--detail") : {};
      return { origin: "flags", input: { source: flags.source, "detail-type": flags.detailType, detail } };
    }
    if (file.event !== undefined) return { origin: "config", input: file.event };
    if (file.source !== undefined && file.detailType !== undefined) {
      return { origin: "config", input: { source: file.source, "detail-type": file.detailType, detail: file.detail ?? {} } };
    }
    return null;
  }
}

function checkEndpoint(url: string, from: string): void {
  if (!/^https?:\/\/[^/]/i.test(url)) throw new UsageError(`${from}: "${url}" is not an http(s) URL`);
}
