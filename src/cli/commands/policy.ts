import { withExamples, type Register } from "../command-kit.js";
import type { PipelineFlags } from "../../settings/resolve.js";

export const registerPolicyCommand: Register = (program, act) => {
  const policy = program
    .command("policy")
    .argument("[target]", "the function, or the rule's target id (default: --function, or the configured rule's only target)")
    .summary("show a target's policies and whether they admit the rule (read-only)")
    .description(
      `Show the policies that decide whether the rule can deliver to a target, statement by statement, with whether each applies to EventBridge's request.

For a Lambda function: its resource policy, the EventBridge rules each statement admits, and whether the configured rule is among them; when it is not, the exact \`aws lambda add-permission\` command (with the rule's real ARN), exit 1.

For any other target of the rule (--rule; name it by its target id): its queue, topic, CloudWatch Logs or bus policy, the role it delivers through (trust policy, inline and managed policies, boundary) and its KMS key's policy, with the verdicts and fixes of target.permission, target.role and target.encryption; exit 1 when one fails, 2 when one could not be read.`,
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
