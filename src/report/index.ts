// The report renderers, registered by name. Each is pure: (diagnosis, options) => text.
// Only `pretty` colors, with the chalk instance the host hands it (STYLE.md 6).
import type { ChalkInstance } from "chalk";
import type { Diagnosis, DiagnosisSet } from "../model/finding.js";
import { renderJson, renderJsonSet } from "./json.js";
import { renderJunit, renderJunitSet } from "./junit.js";
import { renderMarkdown, renderMarkdownSet } from "./markdown.js";
import { renderPretty, renderPrettySet } from "./pretty.js";

/** The formats a diagnosis can be rendered in. */
export type ReportFormat = "pretty" | "json" | "markdown" | "junit";

/** What the host gives every renderer; each reads only what it needs. */
export interface ReportOptions {
  /** Colors for `pretty` (level 0 for plain text: not a TTY, --no-color, NO_COLOR). */
  chalk: ChalkInstance;
  /** Terminal width; `pretty` wraps prose to it. */
  columns: number;
  /**
   * The command line that produced the diagnosis, as the user could run it again (e.g.
   * `course-doctor check --env dev`). It names the command in the pretty header and
   * becomes the re-run step of the markdown; without it both are built from the target.
   */
  command?: string;
  /** --strict: warnings count as failures (JUnit reports them as <failure>). */
  strict?: boolean;
}

/** A renderer: one function for a diagnosis, one for a set of them (`check --all`). */
export interface Renderer {
  diagnosis(diagnosis: Diagnosis, options: ReportOptions): string;
  set(set: DiagnosisSet, options: ReportOptions): string;
}

/** Every renderer, by format name. */
export const renderers: Readonly<Record<ReportFormat, Renderer>> = {
  pretty: { diagnosis: renderPretty, set: renderPrettySet },
  json: { diagnosis: (diagnosis) => renderJson(diagnosis), set: (set) => renderJsonSet(set) },
  markdown: { diagnosis: renderMarkdown, set: renderMarkdownSet },
  junit: { diagnosis: renderJunit, set: renderJunitSet },
};

/** Renders one diagnosis in the given format. */
export function renderReport(format: ReportFormat, diagnosis: Diagnosis, options: ReportOptions): string {
  return renderers[format].diagnosis(diagnosis, options);
}

/** Renders the diagnoses of `check --all` in the given format. */
export function renderReportSet(format: ReportFormat, set: DiagnosisSet, options: ReportOptions): string {
  return renderers[format].set(set, options);
}

export { appendStepSummary, githubStepSummary } from "./github.js";
export { worstStatus } from "./text.js";
