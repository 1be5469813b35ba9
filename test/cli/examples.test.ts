import { describe, expect, it } from "vitest";
import { runBin } from "../helpers/cli.js";

// The README's first command: the built CLI diagnosing the shipped incident snapshot, offline.
describe("check --from the examples, with the built CLI", () => {
  it("finds the ingestor incident's root cause: the publisher has no bus variable", async () => {
    const result = await runBin(["check", "--from", "examples/ingestor-wrong-bus.snapshot.json"], { env: { AWS_PROFILE: "", AWS_REGION: "" } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Root cause\s+publisher\.bus: agent2-ingestor-upload-dev has no EVENT_BUS_NAME/);
    expect(result.stdout).toContain("EVENT_BUS_NAME=agent2-ingestor-events-dev");
    expect(result.stderr).not.toMatch(/NodeVersionSupportWarning|\n\s+at /);
  });

  it("reports the same diagnosis as JSON and markdown", async () => {
    const json = await runBin(["check", "--from", "examples/ingestor-wrong-bus.snapshot.json", "--format", "json"]);
    const report = JSON.parse(json.stdout) as { status: string; rootCause: { id: string } | null };
    expect(json.code).toBe(1);
    expect(report.status).toBe("fail");
    expect(report.rootCause?.id).toBe("publisher.bus");
    const markdown = await runBin(["check", "--from", "examples/ingestor-wrong-bus.snapshot.json", "--format", "markdown"]);
    expect(markdown.stdout).toMatch(/^# EventBridge pipeline: .* — broken/m);
    expect(markdown.stdout).toContain("## What works");
    // The pipeline's picture, with the publisher's arrow to the bus marked broken.
    expect(markdown.stdout).toContain('## Pipeline\n\nWhat was read, left to right. The broken link (`publisher.bus`) is drawn in red.\n\n```mermaid\nflowchart LR\n  n0["λ agent2-ingestor-upload-dev"]');
    expect(markdown.stdout).toContain('n0 -->|"EVENT_BUS_NAME · ✖ publisher.bus"| n1');
    expect(markdown.stdout).toContain("linkStyle 0 stroke:#d00,stroke-width:3px");
  });

  it("passes the healthy pipeline with exit code 0", async () => {
    const result = await runBin(["check", "--from", "examples/ingestor-healthy.snapshot.json", "--format", "json"]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { rootCause: unknown }).rootCause).toBeNull();
  });
});
