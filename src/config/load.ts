import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as v from "valibot";
import { ConfigError } from "../errors.js";
import { describeJsonError } from "../util/input.js";
import { stripJsonComments } from "../util/jsonc.js";
import { API_KEYS, configFileSchema, SETTING_KEYS, SMOKE_KEYS, type ConfigFile, type Settings } from "./schema.js";

export const DEFAULT_CONFIG_FILE = "course-doctor.config.json";

/** The configuration in effect: the file's settings merged with the chosen environment. */
export interface LoadedConfig {
  /** Path of the file read, or undefined when there is none. */
  path: string | undefined;
  /** The environment chosen with --env (or the file's defaultEnv). */
  env: string | undefined;
  settings: Settings;
}

/**
 * Reads the config file: the one named with --config (which must exist), or
 * course-doctor.config.json in the working directory when present. Comments (// and
 * block) are allowed. Then applies the environment named by `envName` or `defaultEnv`.
 */
export async function loadConfig(options: { cwd: string; path?: string | undefined; envName?: string | undefined }): Promise<LoadedConfig> {
  const explicit = options.path !== undefined;
  const path = resolve(options.cwd, options.path ?? DEFAULT_CONFIG_FILE);
  const shown = options.path ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    // Synchronously: a small file, and no thread pool to start for it (see util/input.ts).
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !explicit) {
      if (options.envName !== undefined) {
        throw new ConfigError(`--env ${options.envName}: there is no ${DEFAULT_CONFIG_FILE} in this directory to define it`, {
          hint: "create one with `course-doctor init`, or name a file with --config",
        });
      }
      return { path: undefined, env: undefined, settings: {} };
    }
    if (code === "ENOENT") throw new ConfigError(`--config: no such file "${shown}"`);
    throw new ConfigError(`cannot read ${shown}: ${(error as Error).message}`);
  }
  return { path, ...parseConfig(text, shown, options.envName) };
}

/** Parses and validates config text; `shown` names the file in messages. */
export function parseConfig(text: string, shown: string, envName?: string): { env: string | undefined; settings: Settings } {
  let raw: unknown;
  const stripped = stripJsonComments(text);
  try {
    raw = JSON.parse(stripped);
  } catch (error) {
    throw new ConfigError(`${shown} is not valid JSON (${describeJsonError(stripped, error as Error)})`);
  }
  const parsed = v.safeParse(configFileSchema, raw);
  if (!parsed.success) throw new ConfigError(`${shown}: ${describeIssue(parsed.issues[0], raw)}`);
  return selectEnvironment(parsed.output, shown, envName);
}

function selectEnvironment(file: ConfigFile, shown: string, envName: string | undefined): { env: string | undefined; settings: Settings } {
  const { environments, defaultEnv, $schema: _schema, ...base } = file;
  const chosen = envName ?? defaultEnv;
  if (chosen === undefined) return { env: undefined, settings: base };
  const overlay = environments?.[chosen];
  if (!overlay) {
    const known = Object.keys(environments ?? {});
    const where = envName !== undefined ? `--env ${chosen}` : `defaultEnv "${chosen}"`;
    throw new ConfigError(
      `${where}: ${shown} has no environment "${chosen}"${known.length ? ` (it defines ${known.join(", ")})` : " (it defines no environments)"}`,
    );
  }
  return { env: chosen, settings: mergeSettings(base, overlay) };
}

/** Overlays `top` on `base`; the nested api and smoke sections merge key by key. */
export function mergeSettings(base: Settings, top: Settings): Settings {
  const merged: Settings = { ...base, ...top };
  if (base.api || top.api) merged.api = { ...base.api, ...top.api };
  if (base.smoke || top.smoke) merged.smoke = { ...base.smoke, ...top.smoke };
  if (base.accounts || top.accounts) merged.accounts = { ...base.accounts, ...top.accounts };
  return merged;
}

type Issue = v.InferIssue<typeof configFileSchema>;

function describeIssue(issue: Issue | undefined, raw: unknown): string {
  if (!issue) return "invalid configuration";
  const path = (issue.path ?? []).map((item) => String(item.key));
  const where = path.join(".") || "(top level)";
  if (issue.kind === "schema" && issue.type === "strict_object" && issue.input !== undefined && path.length > 0) {
    const key = path[path.length - 1]!;
    const section = path.length >= 2 ? path[path.length - 2] : undefined;
    const known = section === "api" ? API_KEYS : section === "smoke" ? SMOKE_KEYS : SETTING_KEYS;
    const guess = closest(key, known);
    return `unknown field "${where}"${guess ? ` (did you mean "${guess}"?)` : ""}`;
  }
  void raw;
  return `${where}: ${issue.message}`;
}

/** The known key nearest to `key` by edit distance, when it is close enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
