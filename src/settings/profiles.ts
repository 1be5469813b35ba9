/**
 * The AWS CLI's shared profiles (~/.aws/config and ~/.aws/credentials, or the files
 * AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE name), read with the SDK's own loader:
 * so that a profile that does not exist is one clear line, and the region can come from
 * the profile before any client is made.
 */
import { join } from "node:path";
import { loadSharedConfigFiles } from "@smithy/core/config";

/** The profiles found in the shared files. */
export interface Profiles {
  /** The files read, as a person would name them. */
  files: string[];
  has(name: string): boolean;
  names(): string[];
  /** The profile's region (config file first, then credentials file). */
  region(name: string): string | undefined;
}

export async function readProfiles(env: Record<string, string | undefined>): Promise<Profiles> {
  const home = env.HOME ?? env.USERPROFILE ?? "~";
  const configFilepath = env.AWS_CONFIG_FILE ?? join(home, ".aws", "config");
  const filepath = env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, ".aws", "credentials");
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ configFilepath, filepath, ignoreCache: true });
  const shown = (path: string) => (path.startsWith(`${home}/`) ? `~/${path.slice(home.length + 1)}` : path);
  const known = new Set([...Object.keys(configFile ?? {}), ...Object.keys(credentialsFile ?? {})]);
  return {
    files: [shown(configFilepath), shown(filepath)],
    has: (name) => known.has(name),
    names: () => [...known].sort(),
    region: (name) => configFile?.[name]?.region ?? credentialsFile?.[name]?.region,
  };
}
