import type { Finding } from "../model/finding.js";
import type { Snapshot, TargetInfo } from "../model/snapshot.js";
import { windowLabel } from "./metrics-support.js";
import { finding, flagsText, plural, regionOf, sh, skipped, subjectOf, tailSince, unreadable, perTarget, type Check } from "./support.js";

const MAX_LINE = 300;

function clip(text: string): string {
  const line = text.trim();
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 3)}...` : line;
}

function checkTarget(snapshot: Snapshot, target: TargetInfo): Finding {
  const subject = subjectOf(target);
  if (target.kind !== "lambda" || !target.function) return skipped("logs.errors", `${subject}: not a function`, undefined, subject);
  const state = snapshot.lambdaTargets[target.id];
  if (!state) return skipped("logs.errors", `${subject}: not collected`, undefined, subject);
  const window = windowLabel(snapshot, snapshot.metrics.ok ? snapshot.metrics.value : undefined);
  const region = regionOf(snapshot);
  const logs = state.logs;
  const group = logs.ok ? logs.value.group : `/aws/lambda/${state.functionName}`;
  if (!logs.ok && logs.reason !== "not-found") return unreadable(snapshot, "logs.errors", `log group ${group}`, logs, subject);
  if (!logs.ok || !logs.value.groupExists) {
    return finding("logs.errors", "warn", `no logs yet: ${group} does not exist`, {
      subject,
      detail: "The log group appears with the function's first log line: the function has never run (or never logged).",
      evidence: { group, groupExists: false },
      fix: `Send one event through the pipeline and watch for it: course-doctor probe ${flagsText([["--bus", snapshot.rule.ok ? snapshot.rule.value.busName : snapshot.request.bus], ["--rule", snapshot.request.rule], ["--region", region]])}`,
    });
  }
  const { errorLines, scannedLines } = logs.value;
  if (errorLines.length === 0) {
    return finding("logs.errors", "pass", `no error lines in ${group} (${plural(scannedLines, "line")} ${window})`, {
      subject,
      evidence: { group, scannedLines, errorLines: 0 },
    });
  }
  const newestFirst = [...errorLines].sort((a, b) => b.timestamp - a.timestamp);
  const newest = newestFirst[0]!;
  return finding("logs.errors", "fail", `${plural(errorLines.length, "error line")} in ${group} ${window}: ${clip(newest.message).split("\n")[0]}`, {
    subject,
    detail: newestFirst
      .slice(0, 5)
      .map((l) => `${new Date(l.timestamp).toISOString()}  ${clip(l.message)}`)
      .join("\n"),
    evidence: {
      group,
      scannedLines,
      errorLines: errorLines.length,
      newest: newestFirst.slice(0, 5).map((l) => ({ timestamp: l.timestamp, stream: l.stream, message: clip(l.message) })),
    },
    fix: [
      "The handler fails: read the errors around these lines and fix the code (aws logs tail needs AWS CLI v2):",
      `  aws logs tail ${sh(group)} ${flagsText([["--since", tailSince(snapshot.request.sinceMs)], ["--filter-pattern", '?ERROR ?Error ?Exception ?"Task timed out"'], ["--region", region]])}`,
      `or without the AWS CLI: course-doctor logs ${sh(state.functionName)} ${flagsText([["--since", tailSince(snapshot.request.sinceMs)], ["--filter", "?ERROR ?Error ?Exception"]])}`,
    ].join("\n"),
  });
}

/** No recent error lines in the target functions' log groups. */
export const logsErrorsCheck: Check = {
  id: "logs.errors",
  title: "no recent error lines in the target's log group",
  needsAccount: true,
  run(snapshot) {
    return perTarget(snapshot, "logs.errors", (t) => checkTarget(snapshot, t));
  },
};
