import type { Finding } from "../model/finding.js";
import type { Snapshot, TargetInfo } from "../model/snapshot.js";
import { lambdaTotal, windowLabel } from "./metrics-support.js";
import { awsCommand, finding, plural, regionOf, skipped, subjectOf, tailSince, perTarget, type Check } from "./support.js";

function checkTarget(snapshot: Snapshot, target: TargetInfo): Finding {
  const subject = subjectOf(target);
  if (target.kind !== "lambda" || !target.function) return skipped("metrics.errors", `${subject}: not a function`, undefined, subject);
  if (!snapshot.metrics.ok) return skipped("metrics.errors", "metrics could not be read (see metrics.matched)", undefined, subject);
  const metrics = snapshot.metrics.value;
  const { name, qualifier } = target.function;
  const errors = lambdaTotal(metrics, name, qualifier, "Errors") ?? 0;
  const throttles = lambdaTotal(metrics, name, qualifier, "Throttles") ?? 0;
  const invocations = lambdaTotal(metrics, name, qualifier, "Invocations") ?? 0;
  const window = windowLabel(snapshot, metrics);
  const region = regionOf(snapshot);
  const evidence = { function: subject, invocations, errors, throttles, start: metrics.start, end: metrics.end };
  const counts = `${plural(invocations, "invocation")}, ${plural(errors, "error")}, ${plural(throttles, "throttle")} ${window}`;
  if (errors > 0) {
    return finding("metrics.errors", "fail", `${subject}: ${counts}`, {
      subject,
      detail: "The function was invoked and failed: the handler throws (or times out). Its log lines say why (logs.errors).",
      evidence,
      fix: [
        "Read the errors (aws logs tail needs AWS CLI v2):",
        `  aws logs tail /aws/lambda/${name} --since ${tailSince(snapshot.request.sinceMs)} --filter-pattern ERROR${region ? ` --region ${region}` : ""}`,
        `or: course-doctor logs ${name} --since ${tailSince(snapshot.request.sinceMs)} --filter ERROR`,
      ].join("\n"),
    });
  }
  if (throttles > 0) {
    return finding("metrics.errors", "warn", `${subject}: ${counts}`, {
      subject,
      detail: "Throttled invocations are retried, and dropped when the retries run out.",
      evidence,
      fix: `Check its concurrency: ${awsCommand(["lambda", "get-function-concurrency"], [["--function-name", name], ["--region", region]])}`,
    });
  }
  return finding("metrics.errors", "pass", `${subject}: ${counts}`, { subject, evidence });
}

/** The target functions' Errors and Throttles are zero. */
export const metricsErrorsCheck: Check = {
  id: "metrics.errors",
  title: "the target function's Errors and Throttles are zero",
  needsAccount: true,
  run(snapshot) {
    return perTarget(snapshot, "metrics.errors", (t) => checkTarget(snapshot, t));
  },
};
