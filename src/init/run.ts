/**
 * `init --bus NAME`: discover the pipeline on a bus and write a commented
 * course-doctor.config.json that the loader reads back as is.
 */
import { stat, writeFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { Aws } from "../aws/clients.js";
import { CollectSession } from "../collect/readers.js";
import type { Host } from "../host/host.js";
import { TOOL } from "../version.js";
import { DEFAULT_CONFIG_FILE, parseConfig } from "../config/load.js";
import { CliError, ExitCode, InterruptedError, UsageError } from "../errors.js";
import { shellWord } from "../util/shell.js";
import { discoverPipeline, type Discovery } from "./discover.js";
import { configObject, planInit, renderConfigText, type InitPlan } from "./plan.js";

/** The flags of `init`. */
export interface InitFlags {
  bus?: string;
  rule?: string;
  force?: boolean;
  output?: string;
}

/** Runs `init`; returns the exit code. */
export async function runInit(host: Host, flags: InitFlags): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json"]);
  const bus = flags.bus?.trim();
  if (!bus) throw new UsageError("name the bus: course-doctor init --bus NAME (aws events list-event-buses lists them)");
  // init writes the config file rather than reading it: a global --config names where.
  const shown = flags.output ?? host.settings.configPath ?? DEFAULT_CONFIG_FILE;
  const path = resolve(host.io.cwd, shown);
  const force = flags.force === true;
  // Refuse before reading AWS, so the user does not wait to be told.
  if (!force) await refuseExisting(path, shown);

  const aws = new Aws(await host.settings.awsOptions(host.signal, {}, { configFile: false }));
  let discovery: Discovery;
  try {
    host.out.progress(`reading bus ${bus}: rules, targets, functions…`);
    discovery = await discoverPipeline(new CollectSession(aws, { tool: TOOL }), bus, flags.rule ?? null);
  } catch (error) {
    if (host.signal.aborted) throw new InterruptedError("interrupted: nothing was written");
    throw error;
  } finally {
    aws.destroy();
  }
  // Ctrl-C while reading: nothing is written.
  if (host.signal.aborted) throw new InterruptedError("interrupted: nothing was written");

  if (discovery.missing) {
    const others = discovery.missing.otherBuses;
    const here = others.ok ? (others.value.length > 0 ? `buses here: ${others.value.join(", ")}` : "there are no buses here") : `the buses could not be listed (${others.error})`;
    throw new CliError(`no event bus named ${discovery.busName} in ${discovery.region}; ${here}`, ExitCode.Problems, {
      hint: "pass --bus with one of them, or --region for the region the bus lives in",
    });
  }

  const plan = planInit(discovery, {
    rule: flags.rule ?? null,
    region: host.settings.globals.region,
    profile: host.settings.globals.profile,
    endpointUrl: host.settings.globals.endpointUrl,
    env: host.settings.envName,
  });
  if ("kind" in plan) throw new CliError(plan.message, ExitCode.Problems, { hint: "pass one of them with --rule, or leave --rule out to let init choose" });

  const text = renderConfigText(plan);
  // The file must load as written; a failure here is a bug in init, never the user's.
  parseConfig(text, shown);
  await writeConfig(path, shown, text, force);

  for (const note of plan.notes) host.out.warn(note);
  const next = nextCommand(host, shown, path);
  if (format === "json") {
    host.out.result(JSON.stringify(configObject(plan), null, 2));
    host.out.progress(`wrote ${shown}; next: ${next}`);
  } else {
    host.out.result(renderSummary(plan, shown, next));
  }
  return ExitCode.Ok;
}

async function refuseExisting(path: string, shown: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing) throw existsError(shown, existing.isDirectory());
}

function existsError(shown: string, directory: boolean): UsageError {
  return directory
    ? new UsageError(`${shown} is a directory: name a file with --output FILE`)
    : new UsageError(`${shown} already exists: pass --force to overwrite it (or --output FILE to write elsewhere)`);
}

async function writeConfig(path: string, shown: string, text: string, force: boolean): Promise<void> {
  try {
    // "wx" fails if the file appeared while AWS was being read.
    await writeFile(path, text, { encoding: "utf8", flag: force ? "w" : "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw existsError(shown, false);
    if (code === "EISDIR") throw existsError(shown, true);
    throw new CliError(`cannot write ${shown}: ${(error as Error).message}`, ExitCode.CannotRun);
  }
}

/** `course-doctor check`, plus --config when the file is not where check looks by default. */
function nextCommand(host: Host, shown: string, path: string): string {
  const isDefault = relative(host.io.cwd, path) === DEFAULT_CONFIG_FILE;
  return isDefault ? "course-doctor check" : `course-doctor check --config ${shellWord(shown)}`;
}

function renderSummary(plan: InitPlan, shown: string, next: string): string {
  const lines = [`Wrote ${shown}${plan.env !== null ? ` (environment ${plan.env}, the default)` : ""}`];
  const width = Math.max(...plan.entries.map((entry) => entry.key.length));
  for (const entry of plan.entries) lines.push(`  ${entry.key.padEnd(width)}  ${entry.value}`);
  if (plan.footer.length > 0) lines.push(`  (the file says what is left to fill in)`);
  lines.push("", `Next: ${next}`);
  return lines.join("\n");
}
