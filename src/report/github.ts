// GitHub Actions job summary: the markdown report appended to the file the runner names
// in $GITHUB_STEP_SUMMARY. The only I/O under src/report, kept apart from the renderers.
import { appendFile } from "node:fs/promises";

// GitHub refuses a step summary above 1 MiB and shows an error instead of it.
const STEP_SUMMARY_LIMIT = 1024 * 1024;

/** The job summary file when running in GitHub Actions, else undefined. */
export function githubStepSummary(env: Record<string, string | undefined>): string | undefined {
  if (env.GITHUB_ACTIONS !== "true") return undefined;
  const path = env.GITHUB_STEP_SUMMARY;
  return path !== undefined && path.trim() !== "" ? path : undefined;
}

/** What happened to the job summary: written, or why not. */
export interface StepSummaryResult {
  path: string;
  /** Set when the file could not be written; the check's own result stands regardless. */
  error?: string;
}

/**
 * Appends the markdown report to the job summary when running in GitHub Actions;
 * resolves to undefined elsewhere. Never rejects: a summary that cannot be written must
 * not change the outcome of the check, so the caller gets the reason to warn about.
 */
export async function appendStepSummary(
  env: Record<string, string | undefined>,
  markdown: string,
): Promise<StepSummaryResult | undefined> {
  const path = githubStepSummary(env);
  if (path === undefined) return undefined;
  try {
    await appendFile(path, fitStepSummary(markdown), "utf8");
    return { path };
  } catch (error) {
    return { path, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The markdown cut to what GitHub accepts, with a line saying it was cut. */
export function fitStepSummary(markdown: string): string {
  const text = markdown.endsWith("\n") ? `${markdown}\n` : `${markdown}\n\n`;
  if (Buffer.byteLength(text, "utf8") <= STEP_SUMMARY_LIMIT) return text;
  const notice = "\n\n_The report was cut here to fit GitHub's 1 MiB job summary limit; run with `--format markdown` for all of it._\n\n";
  const room = STEP_SUMMARY_LIMIT - Buffer.byteLength(notice, "utf8") - 16;
  let cut = Buffer.from(text, "utf8").subarray(0, room).toString("utf8");
  // A multi-byte character split at the boundary decodes as U+FFFD; drop it.
  cut = cut.replace(/\uFFFD$/, "");
  const lastBreak = cut.lastIndexOf("\n");
  cut = lastBreak > 0 ? cut.slice(0, lastBreak) : cut;
  // Cut inside a code block, the notice would render as code: close the block first.
  const fences = cut.match(/^\s*```/gm)?.length ?? 0;
  return `${cut}${fences % 2 === 1 ? "\n```" : ""}${notice}`;
}
