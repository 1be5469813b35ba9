/**
 * What `rule` and `policy` share: one collection session under the command's deadline, and
 * the collected pipeline of one rule (through the same collector `check` uses).
 */
import { Aws } from "../aws/clients.js";
import { isFatalFailure, reachHint } from "../aws/errors.js";
import { CollectSession } from "../collect/readers.js";
import { collectSnapshot } from "../collect/snapshot.js";
import { AwsAccessError } from "../errors.js";
import type { Host } from "../host/host.js";
import type { Collected, Identity, Snapshot } from "../model/snapshot.js";
import type { PipelineRequest } from "../settings/resolve.js";
import { TOOL } from "../version.js";

/** Opens an AWS session for the command; `use` runs with it and the clients are closed after. */
export async function withSession<T>(host: Host, use: (session: CollectSession) => Promise<T>): Promise<T> {
  const aws = new Aws(await host.settings.awsOptions(host.signal));
  try {
    return await use(new CollectSession(aws, { tool: TOOL }));
  } finally {
    aws.destroy();
  }
}

/** Collects one rule's pipeline; no credentials or no endpoint is an error (exit 2), not a finding. */
export async function collectRule(session: CollectSession, request: PipelineRequest, rule: string): Promise<Snapshot> {
  const snapshot = await collectSnapshot(session, {
    bus: request.bus,
    rule,
    function: null,
    publisher: null,
    busEnvVar: request.busEnvVar,
    event: null,
    sinceMs: 60_000,
    peekDlq: false,
    // These commands show configuration only: no metrics or log reads.
    activity: false,
  });
  requireReachable(snapshot.identity);
  return snapshot;
}

/** No credentials, no endpoint or no answer before the deadline is an error (exit 2), not a finding. */
export function requireReachable(identity: Collected<Identity>): void {
  if (identity.ok || !isFatalFailure(identity)) return;
  throw new AwsAccessError(`cannot reach AWS: ${identity.error}`, { hint: reachHint(identity.reason) });
}
