/**
 * The AWS access of a command that creates temporary resources (`probe --trace`, `tail`):
 * one client for the work, and a factory for the clients that remove what it created.
 * A cleanup client is made when cleanup starts (its deadline starts then) and is not cut
 * by Ctrl-C, so an interrupted run still removes everything.
 */
import { Aws } from "../aws/clients.js";
import type { Host } from "../host/host.js";

/** How long a cleanup's calls may take, whatever the command's own deadline. */
export const CLEANUP_TIMEOUT_MS = 30_000;

export async function withCleanupClients<T>(host: Host, timeoutMs: number, use: (aws: Aws, cleanupAws: () => Aws) => Promise<T>): Promise<T> {
  const awsOptions = await host.settings.awsOptions(host.signal);
  const aws = new Aws({ ...awsOptions, timeoutMs });
  const cleaners: Aws[] = [];
  const cleanupAws = () => {
    const cleaner = new Aws({ ...awsOptions, timeoutMs: CLEANUP_TIMEOUT_MS, interrupt: undefined });
    cleaners.push(cleaner);
    return cleaner;
  };
  try {
    return await use(aws, cleanupAws);
  } finally {
    aws.destroy();
    for (const cleaner of cleaners) cleaner.destroy();
  }
}
