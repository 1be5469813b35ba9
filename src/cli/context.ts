import type { Command } from "commander";
import type { LoadedConfig } from "../config/load.js";
import { UsageError } from "../errors.js";
import { requireDuration } from "../util/duration.js";
import { commandLine } from "../util/shell.js";
import type { Io } from "./io.js";
import { Output, resolveOutputOptions } from "./output.js";

/** Output formats; each command accepts a subset. */
export type Format = "pretty" | "json" | "markdown" | "junit";

/** The global options, parsed and normalised once. */
export interface GlobalOptions {
  profile: string | undefined;
  region: string | undefined;
  endpointUrl: string | undefined;
  config: string | undefined;
  env: string | undefined;
  /** The requested format; each command checks it against what it supports. */
  format: Format;
  /** True when --format was given (commands may then refuse a format they lack). */
  formatGiven: boolean;
  color: boolean;
  verbose: boolean;
  quiet: boolean;
  /**
   * --timeout as given. AWS commands read it as one deadline for all their AWS calls
   * (`awsTimeoutMs`); `jobs` and `smoke` read it as the deadline of the wait.
   */
  timeout: string | undefined;
  /** One deadline for all AWS calls of a command (--timeout, default 60s). */
  awsTimeoutMs: number;
}

/** What every command receives: the process boundary, the sink and the global options. */
export interface CommandContext {
  io: Io;
  out: Output;
  global: GlobalOptions;
  /** The config file, read on first use (and only by commands that need it). */
  config(): Promise<LoadedConfig>;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /** The command line as run (`course-doctor check --bus …`), secret values masked. */
  commandLine: string;
  /**
   * Checks the format against the ones this command supports and returns it.
   * A format the command lacks is a usage error.
   */
  format<F extends Format>(supported: readonly F[]): F;
}

const FORMATS: readonly Format[] = ["pretty", "json", "markdown", "junit"];

/** Normalises the raw global option values commander parsed. */
export function parseGlobalOptions(raw: Record<string, unknown>, io: Io): GlobalOptions {
  const format = String(raw.format ?? "pretty") as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format: "${format}" is not one of ${FORMATS.join(", ")}`);
  const timeoutText = raw.timeout === undefined ? undefined : String(raw.timeout);
  const endpointUrl = stringOption(raw.endpointUrl);
  if (endpointUrl !== undefined && !/^https?:\/\/[^/]/i.test(endpointUrl)) {
    throw new UsageError(`--endpoint-url: "${endpointUrl}" is not an http(s) URL`);
  }
  return {
    profile: stringOption(raw.profile),
    region: stringOption(raw.region),
    endpointUrl,
    config: stringOption(raw.config),
    env: stringOption(raw.env),
    format,
    formatGiven: raw.format !== undefined,
    color: raw.color !== false && !(io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== ""),
    verbose: raw.verbose === true,
    quiet: raw.quiet === true,
    timeout: timeoutText,
    awsTimeoutMs: timeoutText === undefined ? 60_000 : requireDuration(timeoutText, "--timeout"),
  };
}

function stringOption(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Builds the context for a command from its commander object. */
export function createContext(command: Command, io: Io): CommandContext {
  const raw = command.optsWithGlobals();
  const global = parseGlobalOptions(raw, io);
  const out = new Output(io.stdout, io.stderr, resolveOutputOptions(io, global));
  let config: Promise<LoadedConfig> | undefined;
  return {
    io,
    out,
    global,
    signal: io.interrupt,
    // commander keeps the arguments it was given as rawArgs (not in its typings).
    commandLine: commandLine((rootOf(command) as Command & { rawArgs?: string[] }).rawArgs ?? []),
    config: () => (config ??= import("../config/load.js").then(({ loadConfig }) => loadConfig({ cwd: io.cwd, path: global.config, envName: global.env }))),
    format<F extends Format>(supported: readonly F[]): F {
      if (!(supported as readonly Format[]).includes(global.format)) {
        throw new UsageError(`--format ${global.format} is not available for this command (use ${supported.join(" or ")})`);
      }
      return global.format as F;
    },
  };
}

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}
