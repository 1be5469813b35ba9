/**
 * `pattern test --remote`: asks EventBridge's TestEventPattern for its verdict too. Only
 * this module (loaded on demand) touches AWS for the pattern commands; it reads its
 * region, profile and endpoint through the settings resolver like every AWS command.
 */
import { Aws } from "../aws/clients.js";
import { AwsCallError, failed } from "../aws/errors.js";
import { servicesOf } from "../aws/services/index.js";
import type { Host } from "../host/host.js";

/** What TestEventPattern said about one event, compared with the local verdict. */
export type RemoteVerdict =
  | { status: "agrees" | "disagrees"; result: boolean; message: string }
  | { status: "no-result"; message: string }
  | { status: "rejected-pattern"; message: string }
  | { status: "error"; reason: string; action?: string; message: string };

export interface RemoteTester {
  /** Account and region of the caller, used to build the events TestEventPattern needs. */
  context: { account?: string; region?: string };
  test(pattern: string, event: string, local: boolean): Promise<RemoteVerdict>;
  close(): void;
}

/** Opens the AWS session; a failure to reach AWS is reported per event, never thrown. */
export async function openRemoteTester(host: Host): Promise<RemoteTester> {
  const aws = new Aws(await host.settings.awsOptions(host.signal));
  const { events, sts } = servicesOf(aws);
  let failure: RemoteVerdict | undefined;
  const context: { account?: string; region?: string } = { region: aws.region };
  try {
    context.account = (await sts.getCallerIdentity()).account;
  } catch (error) {
    failure = errorVerdict(error);
  }
  return {
    context,
    async test(pattern, event, local) {
      if (failure) return failure;
      try {
        const result = await events.testEventPattern(pattern, event);
        if (result === null) {
          return { status: "no-result", message: "TestEventPattern answered without a Result (emulators such as moto do): no remote verdict" };
        }
        const says = result ? "match" : "no match";
        return result === local
          ? { status: "agrees", result, message: `TestEventPattern agrees: ${says}` }
          : { status: "disagrees", result, message: `TestEventPattern disagrees: it says ${says}, the local engine says ${local ? "match" : "no match"}` };
      } catch (error) {
        if (error instanceof AwsCallError && error.code === "InvalidEventPatternException") {
          return { status: "disagrees", result: false, message: `TestEventPattern rejected the pattern or event: ${error.error}` };
        }
        failure = errorVerdict(error);
        return failure;
      }
    },
    close() {
      aws.destroy();
    },
  };
}

function errorVerdict(error: unknown): RemoteVerdict {
  if (!(error instanceof AwsCallError)) throw error;
  const failure = failed(error);
  const message = failure.reason === "access-denied" ? `access denied: the caller needs ${failure.action} (${failure.error})` : failure.error;
  const verdict: RemoteVerdict = { status: "error", reason: failure.reason, message };
  if (failure.action) verdict.action = failure.action;
  return verdict;
}
