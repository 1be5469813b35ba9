/**
 * `pattern test --remote`: asks EventBridge's TestEventPattern for its verdict too. Only
 * this module (loaded on demand) touches the AWS SDK for the pattern commands.
 */
import { TestEventPatternCommand } from "@aws-sdk/client-eventbridge";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { Aws } from "../aws/clients.js";
import { classifyAwsError } from "../aws/errors.js";
import type { CommandContext } from "../cli/context.js";
import { awsOptionsFor } from "../cli/pipeline-options.js";

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

/** Opens the AWS session; a failure here is reported per event, never thrown. */
export async function openRemoteTester(ctx: CommandContext): Promise<RemoteTester> {
  const aws = new Aws(awsOptionsFor(ctx, ctx.global));
  let failure: RemoteVerdict | undefined;
  const context: { account?: string; region?: string } = {};
  try {
    context.region = await aws.region();
    const identity = await aws.send("sts", new GetCallerIdentityCommand({}));
    if (identity.Account) context.account = identity.Account;
  } catch (error) {
    failure = errorVerdict(error, "sts:GetCallerIdentity");
  }
  return {
    context,
    async test(pattern, event, local) {
      if (failure) return failure;
      try {
        const out = await aws.send("events", new TestEventPatternCommand({ EventPattern: pattern, Event: event }));
        if (typeof out.Result !== "boolean") {
          return { status: "no-result", message: "TestEventPattern answered without a Result (emulators such as moto do): no remote verdict" };
        }
        const says = out.Result ? "match" : "no match";
        return out.Result === local
          ? { status: "agrees", result: out.Result, message: `TestEventPattern agrees: ${says}` }
          : { status: "disagrees", result: out.Result, message: `TestEventPattern disagrees: it says ${says}, the local engine says ${local ? "match" : "no match"}` };
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === "InvalidEventPatternException") {
          return { status: "disagrees", result: false, message: `TestEventPattern rejected the pattern or event: ${(error as Error).message}` };
        }
        failure = errorVerdict(error, "events:TestEventPattern");
        return failure;
      }
    },
    close() {
      aws.destroy();
    },
  };
}

function errorVerdict(error: unknown, action: string): RemoteVerdict {
  const failure = classifyAwsError(error, action);
  const message =
    failure.reason === "access-denied"
      ? `access denied: the caller needs ${failure.action ?? action} (${failure.error})`
      : `${failure.reason}: ${failure.error}`;
  const verdict: RemoteVerdict = { status: "error", reason: failure.reason, message };
  if (failure.action) verdict.action = failure.action;
  return verdict;
}
