import { withExamples, type Register } from "../command-kit.js";
import type { PipelineFlags } from "../../settings/resolve.js";

export const registerPolicyCommand: Register = (program, act) => {
  const policy = program
    .command("policy")
    .argument("[function]", "the function (default: --function, or the configured rule's Lambda target)")
    .summary("show a function's resource policy and whether it admits the rule (read-only)")
    .description(
      `Show a Lambda function's resource policy statement by statement, the EventBridge rules each statement admits, and whether the configured rule is among them. When it is not, prints the exact \`aws lambda add-permission\` command (with the rule's real ARN) and exits 1.`,
    );
  policy
    .option("--bus <name|arn>", "the event bus the rule lives on (default: default)")
    .option("--rule <name>", "the rule that should be admitted")
    .option("--function <name>", "the function (instead of the argument)");
  withExamples(policy, [
    "course-doctor policy --bus agent2-ingestor-events-dev --rule agent2-ingestor-document-processing-dev",
    "course-doctor policy agent2-ingestor-api-dev --env dev",
    "course-doctor policy my-function --format json | jq .addPermission",
  ]);
  policy.action(
    act<PipelineFlags>(async (host, options, args) => {
      const { runPolicy } = await import("../../inspect/policy.js");
      return runPolicy(host, args[0], options);
    }),
  );
};
