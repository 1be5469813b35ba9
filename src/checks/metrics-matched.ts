import { dimensionsLabel, MIN_TRUSTED_WINDOW_MS, ruleDimensions, ruleMetricTotal, windowLabel, windowMs } from "./metrics-support.js";
import { awsCommand, finding, flagsText, regionOf, sh, skipped, unreadable, type Check } from "./support.js";

/** MatchedEvents, queried with the dimensions EventBridge really published, is above zero. */
export const metricsMatchedCheck: Check = {
  id: "metrics.matched",
  title: "MatchedEvents, queried with the right dimensions, is above zero in the window",
  needsAccount: true,
  run(snapshot) {
    if (!snapshot.rule.ok) return [skipped("metrics.matched", "no rule to read (see rule.exists)")];
    if (!snapshot.metrics.ok) return [unreadable(snapshot, "metrics.matched", "the rule's metrics", snapshot.metrics)];
    const rule = snapshot.rule.value;
    const metrics = snapshot.metrics.value;
    const { dimensions, discovered } = ruleDimensions(metrics, rule, "MatchedEvents");
    const label = dimensionsLabel(dimensions);
    const matched = ruleMetricTotal(metrics, rule, "MatchedEvents");
    const triggered = ruleMetricTotal(metrics, rule, "TriggeredRules");
    const throttled = ruleMetricTotal(metrics, rule, "ThrottledRules");
    const window = windowLabel(snapshot, metrics);
    const short = windowMs(snapshot, metrics) < MIN_TRUSTED_WINDOW_MS;
    const evidence: Record<string, unknown> = {
      metric: "AWS/Events MatchedEvents",
      dimensions,
      dimensionsFrom: discovered ? "ListMetrics" : "the documented form (ListMetrics listed none)",
      matched,
      triggeredRules: triggered,
      throttledRules: throttled,
      start: metrics.start,
      end: metrics.end,
      periodSeconds: metrics.periodSeconds,
    };
    const notes: string[] = [];
    if (throttled > 0) notes.push(`ThrottledRules is ${throttled}: the rule was throttled (invocation quota) in the window.`);
    if (matched > 0) {
      return [finding("metrics.matched", "pass", `${matched} matched ${window} (${label})`, { evidence, ...(notes.length ? { detail: notes.join("\n") } : {}) })];
    }

    const region = regionOf(snapshot);
    const dimensionWords = Object.entries(dimensions)
      .map(([k, v]) => sh(`Name=${k},Value=${v}`))
      .join(" ");
    const query =
      `${awsCommand(["cloudwatch", "get-metric-statistics"], [["--namespace", "AWS/Events"], ["--metric-name", "MatchedEvents"]])} --dimensions ${dimensionWords} ` +
      flagsText([
        ["--start-time", metrics.start],
        ["--end-time", metrics.end],
        ["--period", String(metrics.periodSeconds)],
        ["--statistics", "Sum"],
        ["--region", region],
      ]);
    notes.unshift(
      "No datapoints means 0: MatchedEvents is sent only when non-zero. Metrics alone never prove the pipeline broken: they lag by minutes, and nothing may have been published in the window.",
    );
    if (rule.busName !== "default") {
      notes.push(
        `A query with RuleName alone returns nothing for a rule on a custom bus: CloudWatch returns only the exact dimension set EventBridge published, here EventBusName+RuleName.`,
      );
    }
    if (!discovered) notes.push("ListMetrics lists no MatchedEvents series for this rule: nothing matched in the last two weeks.");
    if (short) notes.push("The window is shorter than 5 minutes: datapoints arrive per minute and lag by minutes, so an empty window proves nothing.");
    return [
      finding("metrics.matched", "warn", `0 matched ${window} (${label})${short ? "; the window is too short to tell" : ""}`, {
        detail: notes.join("\n"),
        evidence,
        fix: [
          "Publish the application's event and look again in a few minutes (or run course-doctor probe to send one and watch it arrive).",
          `The same query by hand: ${query}`,
        ].join("\n"),
      }),
    ];
  },
};
