import type { Host } from "../host/host.js";
import { BUS_LOGS_ACTIONS, grantedActions, iamPolicy, PEEK_ACTIONS, PROBE_ACTIONS, READ_ACTIONS, TAIL_ACTIONS, TRACE_ACTIONS, type ActionUse } from "./actions.js";

export interface IamPolicyFlags {
  probe?: boolean;
  tail?: boolean;
  peekDlq?: boolean;
  bus?: string;
  rule?: string;
  explain?: boolean;
}

/** Runs `iam-policy`: the policy document on stdout (no AWS call is made). */
export async function runIamPolicy(host: Host, flags: IamPolicyFlags): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json"]);
  const settings = await host.settings.fileSettings();
  const probe = flags.probe === true;
  const tail = flags.tail === true;
  const peekDlq = flags.peekDlq ?? settings.peekDlq ?? false;
  const policy = iamPolicy({
    probe,
    peekDlq,
    tail,
    scope: { bus: flags.bus ?? settings.bus, rule: flags.rule ?? settings.rule, region: (await host.settings.givenRegion()) ?? undefined },
  });
  const json = JSON.stringify(policy, null, 2);
  if (format === "json" || !flags.explain) {
    host.out.result(json);
  } else {
    const uses = [...READ_ACTIONS, ...(peekDlq ? PEEK_ACTIONS : []), ...(probe ? [...PROBE_ACTIONS, ...TRACE_ACTIONS, ...BUS_LOGS_ACTIONS] : []), ...(tail ? TAIL_ACTIONS : [])];
    host.out.result(`${json}\n\n${explain(uses, host.out.chalk.dim)}`);
  }
  host.out.progress(
    `${grantedActions(policy).size} actions${probe || tail ? `, with the writes of ${[probe ? "probe, its trace and its bus logging" : "", tail ? "tail" : ""].filter(Boolean).join(" and ")}` : ", read-only (add --probe for probe and check --probe, --tail for tail)"}. Attach with: aws iam put-role-policy --role-name ROLE --policy-name course-doctor --policy-document file://course-doctor-policy.json`,
  );
  return 0;
}

function explain(uses: readonly ActionUse[], dim: (text: string) => string): string {
  const width = Math.max(...uses.map((use) => use.action.length));
  return uses.map((use) => `${use.action.padEnd(width)}  ${use.why} ${dim(`(${use.by})`)}`).join("\n");
}
