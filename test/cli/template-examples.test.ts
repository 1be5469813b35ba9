/**
 * The built CLI on the examples' templates (the seeds' ingestor as SAM and CloudFormation):
 * healthy exits 0; broken exits 1 naming the wrong bus and the default-bus ARN with fixes
 * to the templates; CI formats; bad input is one line, exit 2. No AWS call: no credentials.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBin } from "../helpers/cli.js";

const EVENT = ["--source", "agent2.ingestor", "--detail-type", "Document Processing Required"];
const NO_AWS = { AWS_PROFILE: "", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "", AWS_ENDPOINT_URL: "http://127.0.0.1:9" };
const files = (variant: string) => ["--template", `examples/templates/${variant}/infrastructure/eventbridge-setup.yaml`, "--template", `examples/templates/${variant}/backend/template.yaml`];

describe("check --template on the examples, with the built CLI", () => {
  it("passes the healthy ingestor with exit 0, and makes no AWS call", async () => {
    const result = await runBin(["check", ...files("healthy"), ...EVENT, "--account", "123456789012"], { env: NO_AWS });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/aws\.access\s+before deploy/);
    expect(result.stdout).toMatch(/target\.permission\s+agent2-ingestor-api-dev: events\.amazonaws\.com may invoke it from\s+rule\/agent2-ingestor-events-dev\/agent2-ingestor-document-processing-dev/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("finds the wrong bus and the default-bus ARN in the broken one, with fixes to the templates", async () => {
    const result = await runBin(["check", ...files("broken"), ...EVENT, "--account", "123456789012", "--format", "json"], { env: NO_AWS });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { status: string; rootCause: { id: string; fix: string }; findings: Array<{ id: string; status: string; fix?: string }> };
    expect(report.rootCause.id).toBe("publisher.bus");
    expect(report.rootCause.fix).toContain("In resource ApiFunction (examples/templates/broken/backend/template.yaml), set Environment.Variables.EVENT_BUS_NAME: agent2-ingestor-events-dev");
    const permission = report.findings.find((f) => f.id === "target.permission")!;
    expect(permission.status).toBe("fail");
    expect(permission.fix).toContain("In resource EventBridgeInvokeLambdaPermission (examples/templates/broken/infrastructure/eventbridge-setup.yaml), set SourceArn: !GetAtt DocumentProcessingRule.Arn");
  });

  it("fails a CI job through JUnit when the template is broken", async () => {
    const result = await runBin(["check", ...files("broken"), ...EVENT, "--format", "junit"], { env: NO_AWS });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/<testsuites[\s\S]*<failure/);
    expect(result.stdout).toMatch(/name="status" value="fail"/);
  });

  it("the EventBridge stack alone: the imported function ARN is named, exit 2", async () => {
    const result = await runBin(["check", "--template", "examples/templates/healthy/infrastructure/eventbridge-setup.yaml", ...EVENT], { env: NO_AWS });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("!ImportValue agent2-ingestor-backend-dev-ApiFunctionArn");
    expect(result.stdout).toMatch(/Could not diagnose/);
  });

  it.each<[string, string, RegExp]>([
    ["a file that does not exist", "missing.yaml", /--template: no such file "missing\.yaml"/],
    ["a file that is not a template", "package.json", /--template package\.json: not a CloudFormation template: it has no Resources/],
  ])("%s: exit 2, one line", async (_, file, message) => {
    const result = await runBin(["check", "--template", file], { env: NO_AWS });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe("");
  });

  it("a template with no rule: exit 2 naming the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cd-template-"));
    const file = join(dir, "queue.yaml");
    writeFileSync(file, "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n");
    const result = await runBin(["check", "--template", file], { env: NO_AWS });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: the template defines no EventBridge rule`);
  });

  it.each<[string[], RegExp]>([
    [["--template", "x.yaml", "--from", "y.json"], /cannot be combined with --from/],
    [["--template", "x.yaml", "--probe"], /--probe sends a live event/],
    [["--template", "x.yaml", "--tf-plan", "p.json"], /exclude each other/],
    [["--account", "123"], /--account and --parameter go with --template/],
  ])("usage errors: %j", async (args, message) => {
    const result = await runBin(["check", ...args], { env: NO_AWS });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
