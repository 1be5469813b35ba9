import { Option, type Command } from "commander";
import type { AwsOptions } from "../aws/clients.js";
import type { Settings } from "../config/schema.js";
import { UsageError } from "../errors.js";
import type { AppEvent } from "../model/snapshot.js";
import { requireDuration } from "../util/duration.js";
import { parseJsonText, readTextInput } from "../util/input.js";
import type { CommandContext } from "./context.js";

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

/** Which groups of pipeline flags a command takes. */
export interface PipelineOptionSet {
  /** --all (check and snapshot). */
  all?: boolean;
  /** --event / --source / --detail-type / --detail. */
  event?: boolean;
  /** --since, with this default shown in help. */
  since?: string | false;
  /** --strict and --peek-dlq (check). */
  verdict?: boolean;
}

/** Adds the pipeline flags to a command. Defaults live in `resolvePipeline`, so the config file can supply them. */
export function addPipelineOptions(command: Command, set: PipelineOptionSet = {}): Command {
  command
    .option("--bus <name|arn>", "the event bus the rule lives on (default: default)")
    .option("--rule <name>", "the rule to check");
  if (set.all) command.option("--all", "check every rule on the bus");
  command
    .option("--function <name>", "only this target function")
    .option("--publisher <function>", "the function that calls PutEvents (its bus setting is checked)")
    .option("--bus-env-var <name>", "the publisher's environment variable naming the bus (default: EVENT_BUS_NAME)");
  if (set.event) {
    command
      .option("--event <file|json>", "the event the application sends: a full event or a PutEvents entry")
      .option("--source <source>", "the event's source (instead of --event)")
      .option("--detail-type <type>", "the event's detail-type (instead of --event)")
      .option("--detail <json>", "the event's detail as JSON (with --source and --detail-type)");
  }
  if (set.since !== false && set.since !== undefined) {
    command.addOption(new Option("--since <duration>", `metrics and logs window (default: ${set.since})`));
  }
  if (set.verdict) {
    command
      .option("--strict", "warnings and checks that could not run fail too")
      .option("--peek-dlq", "read the newest dead-letter messages (without deleting them)");
  }
  return command;
}

/** The pipeline to examine, from flags, then environment, then config file. */
export interface PipelineRequest {
  bus: string;
  rule: string | null;
  all: boolean;
  function: string | null;
  publisher: string | null;
  busEnvVar: string;
  event: AppEvent | null;
  sinceMs: number;
  strict: boolean;
  peekDlq: boolean;
  region: string | undefined;
  profile: string | undefined;
  endpointUrl: string | undefined;
}

/** Merges flags over the config file (environment already applied) into a request. */
export async function resolvePipeline(ctx: CommandContext, flags: PipelineFlags, defaults: { sinceMs?: number } = {}): Promise<PipelineRequest> {
  const { settings } = await ctx.config();
  if (flags.all && flags.rule) throw new UsageError("--all and --rule exclude each other: --all checks every rule on the bus");
  const since = flags.since ?? settings.since;
  return {
    bus: flags.bus ?? settings.bus ?? "default",
    rule: flags.all ? null : (flags.rule ?? settings.rule ?? null),
    all: flags.all === true,
    function: flags.function ?? settings.function ?? null,
    publisher: flags.publisher ?? settings.publisher ?? null,
    busEnvVar: flags.busEnvVar ?? settings.busEnvVar ?? "EVENT_BUS_NAME",
    event: await resolveEvent(ctx, flags, settings),
    sinceMs: since !== undefined ? requireDuration(since, flags.since !== undefined ? "--since" : "since (config)") : (defaults.sinceMs ?? 3_600_000),
    strict: flags.strict ?? settings.strict ?? false,
    peekDlq: flags.peekDlq ?? settings.peekDlq ?? false,
    region: ctx.global.region ?? settings.region,
    profile: ctx.global.profile ?? settings.profile,
    endpointUrl: ctx.global.endpointUrl ?? settings.endpointUrl,
  };
}

async function resolveEvent(ctx: CommandContext, flags: PipelineFlags, settings: Settings): Promise<AppEvent | null> {
  if (flags.event !== undefined) {
    if (flags.source !== undefined || flags.detailType !== undefined || flags.detail !== undefined) {
      throw new UsageError("--event excludes --source, --detail-type and --detail: give the whole event, or its parts");
    }
    const input = await readTextInput(flags.event, ctx.io, "--event");
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
    let detail: unknown = {};
    if (flags.detail !== undefined) {
      detail = parseJsonText(flags.detail, "--detail", "--detail");
    }
    return { origin: "flags", input: { source: flags.source, "detail-type": flags.detailType, detail } };
  }
  if (settings.event !== undefined) return { origin: "config", input: settings.event };
  if (settings.source !== undefined && settings.detailType !== undefined) {
    return { origin: "config", input: { source: settings.source, "detail-type": settings.detailType, detail: settings.detail ?? {} } };
  }
  return null;
}

/** The AWS client settings for a command on this pipeline: its region, profile, endpoint, one deadline, Ctrl-C. */
export function awsOptionsFor(ctx: CommandContext, request: Pick<PipelineRequest, "region" | "profile" | "endpointUrl">): AwsOptions {
  return {
    region: request.region,
    profile: request.profile,
    endpointUrl: request.endpointUrl,
    timeoutMs: ctx.global.awsTimeoutMs,
    interrupt: ctx.signal,
    env: ctx.io.env,
  };
}
