import type { PipelineFlags } from "../../settings/resolve.js";
import { withExamples, type Register } from "../command-kit.js";

export const registerRuleCommand: Register = (program, act) => {
  const rule = program
    .command("rule")
    .argument("[name]", "the rule (default: --rule, or the config's rule)")
    .summary("show a rule: state, pattern, targets with retry/DLQ, same-name rules on other buses (read-only)")
    .description(
      `Show one EventBridge rule as AWS holds it: its state, its pattern (pretty-printed), its targets with their retry policy and dead-letter queue, the bus it lives on, and the rules of the same name on other buses. Exit 1 when the rule is disabled or missing.`,
    );
  rule.option("--bus <name|arn>", "the event bus the rule lives on (default: default)").option("--rule <name>", "the rule (instead of the argument)");
  withExamples(rule, [
    "course-doctor rule agent2-ingestor-document-processing-dev --bus agent2-ingestor-events-dev",
    "course-doctor rule --env dev",
    "course-doctor rule order-created --bus orders --format json | jq .targets",
  ]);
  rule.action(
    act<PipelineFlags>(async (host, options, args) => {
      const { runRule } = await import("../../inspect/rule.js");
      return runRule(host, args[0], options);
    }),
  );
};
