import type { MetricsFlags } from "../../metrics/metrics.js";
import { withExamples, type Register } from "../command-kit.js";

export const registerMetricsCommand: Register = (program, act) => {
  const metrics = program
    .command("metrics")
    .argument("[rule]", "the rule (default: --rule, or the config's rule)")
    .summary("the rule's and its target's metrics as a table with sparklines, and what they mean (read-only)")
    .description(
      `Show the rule's EventBridge metrics (MatchedEvents, TriggeredRules, Invocations, FailedInvocations, DeadLetterInvocations, ThrottledRules) and its Lambda targets' Invocations, Errors and Throttles over a window, one sparkline per metric, and one line saying what the numbers mean. The rule's metrics are read with the dimensions EventBridge really publishes them with (EventBusName+RuleName on a custom bus). Periods without datapoints count as 0: these metrics are sent only when non-zero. Exit 1 when the numbers show a problem (failed invocations, matched but not invoked, function errors or throttles) or the rule is missing.`,
    );
  metrics
    .option("--bus <name|arn>", "the event bus the rule lives on (default: default)")
    .option("--rule <name>", "the rule (instead of the argument)")
    .option("--function <name>", "only this target function")
    .option("--since <duration>", "the window (default: 3h)")
    .option("--period <duration>", "one bar per this many minutes (default: about 40 bars over the window, 5m for 3h)");
  withExamples(metrics, [
    "course-doctor metrics agent2-ingestor-document-processing-dev --bus agent2-ingestor-events-dev",
    "course-doctor metrics --env dev --since 24h --period 1h",
    "course-doctor metrics --env dev --format json | jq '.rows[] | {name, total}'",
  ]);
  metrics.action(
    act<MetricsFlags>(async (host, options, args) => {
      const { runMetrics } = await import("../../metrics/metrics.js");
      return runMetrics(host, args[0], options);
    }),
  );
};
