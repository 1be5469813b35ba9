/** Fixes run where the diagnosis looked: the run's region, profile and endpoint on every aws command. */
import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { withConnection } from "../../src/checks/support.js";
import { splitFix } from "../../src/report/text.js";
import { broken } from "../fixtures/snapshot.js";

describe("withConnection", () => {
  const connection = { region: "eu-west-1", profile: "dev", endpoint: "http://127.0.0.1:5000" };

  it.each([
    ["aws events enable-rule --name r", "aws events enable-rule --region eu-west-1 --profile dev --endpoint-url http://127.0.0.1:5000 --name r"],
    ["aws events enable-rule --name r --region us-east-2", "aws events enable-rule --profile dev --endpoint-url http://127.0.0.1:5000 --name r --region us-east-2"],
    [
      'aws events put-rule --name r --event-pattern "$(aws events describe-rule --name r --query EventPattern)"',
      'aws events put-rule --region eu-west-1 --profile dev --endpoint-url http://127.0.0.1:5000 --name r --event-pattern "$(aws events describe-rule --region eu-west-1 --profile dev --endpoint-url http://127.0.0.1:5000 --name r --query EventPattern)"',
    ],
    ["Enable it: aws events enable-rule --name r", "Enable it: aws events enable-rule --region eu-west-1 --profile dev --endpoint-url http://127.0.0.1:5000 --name r"],
    ["An AWS managed key cannot be granted; aws is not a command here.", "An AWS managed key cannot be granted; aws is not a command here."],
  ])("%s", (fix, expected) => {
    expect(withConnection(fix, connection)).toBe(expected);
  });

  it("adds nothing the run did not use", () => {
    expect(withConnection("aws sqs create-queue --queue-name q --region us-east-1", { region: "us-east-1", endpoint: null })).toBe("aws sqs create-queue --queue-name q --region us-east-1");
  });
});

describe("fixes that are safe to paste", () => {
  it("the publisher.bus fix echoes only the variable it sets, never the whole environment", () => {
    const publisher = runChecks(broken.ingestorIncident()).find((f) => f.id === "publisher.bus")!;
    const update = splitFix(publisher.fix!).flatMap((s) => (s.kind === "command" ? s.lines : [])).find((line) => line.includes("update-function-configuration"))!;
    expect(update).toMatch(/update-function-configuration .*--query Environment\.Variables\.EVENT_BUS_NAME --output text/);
  });

  it("the logs.errors fix keeps its filter pattern on one command line and says it needs AWS CLI v2", () => {
    const logs = runChecks(broken.handlerErrors()).find((f) => f.id === "logs.errors")!;
    const segments = splitFix(logs.fix!);
    const tail = segments.find((s) => s.kind === "command" && s.lines.some((l) => l.includes("aws logs tail")))!;
    expect(tail.lines).toHaveLength(1);
    expect(tail.lines[0]).toContain(`--filter-pattern '?ERROR ?Error ?Exception ?"Task timed out"'`);
    expect(logs.fix).toContain("AWS CLI v2");
  });
});
