import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendStepSummary, fitStepSummary, githubStepSummary } from "../../src/report/github.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "course-doctor-summary-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("GitHub job summary", () => {
  it("is used only inside GitHub Actions with a summary file", () => {
    expect(githubStepSummary({ GITHUB_STEP_SUMMARY: "/tmp/x" })).toBeUndefined();
    expect(githubStepSummary({ GITHUB_ACTIONS: "false", GITHUB_STEP_SUMMARY: "/tmp/x" })).toBeUndefined();
    expect(githubStepSummary({ GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: " " })).toBeUndefined();
    expect(githubStepSummary({ GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: "/tmp/x" })).toBe("/tmp/x");
  });

  it("appends the report after what earlier steps wrote", async () => {
    const path = join(dir, "summary.md");
    const env = { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: path };
    expect(await appendStepSummary(env, "# first")).toEqual({ path });
    expect(await appendStepSummary(env, "# second\n")).toEqual({ path });
    expect(await readFile(path, "utf8")).toBe("# first\n\n# second\n\n");
  });

  it("does nothing outside GitHub Actions", async () => {
    const path = join(dir, "summary.md");
    expect(await appendStepSummary({ GITHUB_STEP_SUMMARY: path }, "# report")).toBeUndefined();
    await expect(readFile(path, "utf8")).rejects.toThrow();
  });

  it("reports a file it cannot write instead of throwing", async () => {
    const path = join(dir, "missing", "summary.md");
    const result = await appendStepSummary({ GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: path }, "# report");
    expect(result?.path).toBe(path);
    expect(result?.error).toMatch(/ENOENT/);
  });

  it("cuts a report past GitHub's 1 MiB limit, closing an open code block", () => {
    const huge = `# big\n\n\`\`\`sh\n${"é command line\n".repeat(80_000)}\`\`\`\n`;
    const fitted = fitStepSummary(huge);
    expect(Buffer.byteLength(fitted, "utf8")).toBeLessThanOrEqual(1024 * 1024);
    expect(fitted).not.toContain("\uFFFD");
    expect(fitted).toMatch(/\n```\n\n_The report was cut here/);
    expect(fitStepSummary("# small")).toBe("# small\n\n");
  });
});
