import { describe, expect, it } from "vitest";
import { runBin, runCli } from "../helpers/cli.js";

describe("the command line", () => {
  it("prints the version and exits 0", async () => {
    const result = await runCli(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("rejects an unknown command with exit code 2 and one message", async () => {
    const result = await runCli(["frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("frobnicate");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects an unknown format with exit code 2", async () => {
    const result = await runCli(["--format", "yaml", "--version"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/yaml/);
  });

  it("shows help with no arguments, exit code 2", async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Usage: course-doctor");
  });

  it("the built bin answers --help with exit code 0 and no AWS SDK warning", async () => {
    const result = await runBin(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: course-doctor");
    expect(result.stderr).toBe("");
  });
});
