import { readFileSync } from "node:fs";
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

  it("the built bin's saved --help is exactly what the CLI prints, and --version is the package's", async () => {
    const [saved, built, inProcess, version] = await Promise.all([runBin(["--help"]), runBin(["--help", "--no-color"]), runCli(["--help"]), runBin(["--version"])]);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toBe(built.stdout);
    expect(saved.stdout).toBe(inProcess.stdout);
    expect(saved.stdout).toMatch(/^\s+pattern\b/m);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version);
  });

  it("a command sets up only itself, yet a mistyped one still gets a suggestion", async () => {
    const typo = await runCli(["patern", "test"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Did you mean pattern\?/);
    const inner = await runCli(["pattern", "--help"]);
    expect(inner.stdout).toContain("test");
    expect(inner.stdout).not.toMatch(/^\s+check\b/m);
  });

  it("the built bin reads an event from standard input for \"-\"", async () => {
    const event = readFileSync(new URL("../../examples/ingestor-event.json", import.meta.url), "utf8");
    const result = await runBin(["pattern", "test", "examples/ingestor-rule-pattern.json", "-"], { stdin: event });
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("✔ match");
    expect(result.code).toBe(0);
  });

  it("the built bin answers --help with exit code 0 and no AWS SDK warning", async () => {
    const result = await runBin(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: course-doctor");
    expect(result.stderr).toBe("");
  });
});

describe("the bin's two bundles", () => {
  it("knows every other command, so only `pattern` alone runs from the lean bundle", async () => {
    const { commandNames } = await import("../../src/cli/program.js");
    const bin = readFileSync(new URL("../../bin/course-doctor.js", import.meta.url), "utf8");
    const listed = JSON.parse(/const OTHER_COMMANDS = new Set\((\[[^\]]*\])\)/.exec(bin)![1]!) as string[];
    expect([...listed].sort()).toEqual(commandNames().filter((name) => name !== "pattern").sort());
  });

  it("pattern test answers from the lean bundle, and pattern beside another command from the whole CLI", async () => {
    const lean = await runBin(["pattern", "test", "examples/ingestor-rule-pattern.json", "examples/ingestor-event.json"]);
    expect(lean.code).toBe(0);
    expect(lean.stdout).toContain("match");
    // `input` is not in the lean bundle: named beside `pattern`, the whole CLI must serve it.
    const whole = await runBin(["input", "--help", "pattern"]);
    expect(whole.code).toBe(0);
    expect(whole.stdout).toContain("Usage: course-doctor input");
  });
});
