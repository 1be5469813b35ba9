import type { ChalkInstance } from "chalk";
import type { Output } from "../host/output.js";
import { formatDuration } from "../util/duration.js";
import { realTimer, type Timer } from "../util/poll.js";
import type { FollowOutcome, FollowUpdate } from "./follow.js";
import type { JobStatus } from "./status.js";

/** How a job stands at the end of a command: its state, or how our wait ended. */
export type JobOutcome = "running" | FollowOutcome;

/** The document `--format json` prints for jobs commands (and smoke's job part). */
export interface JobDocument {
  id: string;
  /** The API's status text; null when no status was ever read. */
  status: string | null;
  phase: string | null;
  progress: number | null;
  outcome: JobOutcome;
  error: string | null;
  resultId: string | null;
  /** From the submit's answer (or the start of the wait) to the last reading. */
  elapsedMs: number;
  api: string;
  statusUrl: string;
  /** The API's last answer about the job, as sent. */
  response: unknown;
}

export function jobDocument(input: {
  id: string;
  status: JobStatus | undefined;
  outcome: JobOutcome;
  elapsedMs: number;
  api: string;
  statusUrl: string;
}): JobDocument {
  const status = input.status;
  return {
    id: input.id,
    status: status?.status ?? null,
    phase: status?.phase ?? null,
    progress: status?.progress ?? null,
    outcome: input.outcome,
    error: status?.error ?? null,
    resultId: status?.resultId ?? null,
    elapsedMs: Math.round(input.elapsedMs),
    api: input.api,
    statusUrl: input.statusUrl,
    response: status?.response ?? null,
  };
}

const BAR_CELLS = 20;

/** A text progress bar: `██████░░░░░░░░░░░░░░`. */
export function progressBar(percent: number, cells = BAR_CELLS): string {
  const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * cells);
  return `${"█".repeat(filled)}${"░".repeat(cells - filled)}`;
}

function formatPercent(percent: number): string {
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)}%`;
}

/** "processing · searching_books" */
export function describeState(status: JobStatus | undefined): string {
  if (!status) return "no status read yet";
  return status.phase ? `${status.status} · ${status.phase}` : status.status;
}

/** "processing · searching_books 45%" */
function describeWithProgress(status: JobStatus | undefined): string {
  const base = describeState(status);
  return status?.progress != null ? `${base} ${formatPercent(status.progress)}` : base;
}

/**
 * The status line of a wait on stderr. On a terminal it is rewritten in place with a
 * progress bar and the elapsed time (ticking every second between polls); elsewhere it
 * prints one plain line each time the status, phase, progress or read problem changes,
 * prefixed with the elapsed time so CI logs show how long each phase took.
 */
export class LiveStatus {
  private last: FollowUpdate | undefined;
  private lastPlainKey: string | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly chalk: ChalkInstance;

  constructor(
    private readonly out: Output,
    private readonly id: string,
    private readonly startedAt: number,
    private readonly timer: Timer = realTimer,
  ) {
    this.chalk = out.chalkStderr;
    // Only a real clock ticks on its own; tests with a virtual clock get a line per poll.
    if (out.options.live && !out.options.quiet && timer === realTimer) {
      this.ticker = setInterval(() => this.draw(), 1_000);
      this.ticker.unref?.();
    }
  }

  update(update: FollowUpdate): void {
    this.last = update;
    if (this.out.options.live) {
      this.draw();
      return;
    }
    const key = `${describeWithProgress(update.status)}\u0000${update.problem ?? ""}`;
    if (key === this.lastPlainKey) return;
    this.lastPlainKey = key;
    const elapsed = formatDuration(update.elapsedMs).padStart(7);
    const problem = update.problem ? `  (status unavailable: ${update.problem}; still waiting)` : "";
    this.out.live(`${elapsed}  ${this.id}  ${describeWithProgress(update.status)}${problem}`);
  }

  /** Stops the ticker and removes the live line. */
  stop(): void {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.ticker = undefined;
    this.out.clearLive();
  }

  private draw(): void {
    const update = this.last;
    const c = this.chalk;
    const status = update?.status;
    let stable = `${c.cyan("●")} ${c.bold(this.id)}  ${status ? c.bold(status.status) : c.dim("waiting for the first status")}`;
    if (status?.phase) stable += c.dim(" · ") + status.phase;
    if (status?.progress != null) stable += `  ${c.cyan(progressBar(status.progress))} ${formatPercent(status.progress)}`;
    if (update?.problem) stable += c.yellow("  status unavailable, retrying");
    const elapsed = Math.max(0, this.timer.now() - this.startedAt);
    this.out.live(stable, c.dim(formatDuration(elapsed)));
  }
}

/** Pretty lines (stdout) for one status reading (`jobs status ID`). */
export function renderStatusPretty(status: JobStatus, chalk: ChalkInstance): string {
  const rows: Array<[string, string]> = [
    ["job", chalk.bold(status.id)],
    ["status", `${status.status}${stateMark(status, chalk)}`],
  ];
  if (status.phase) rows.push(["phase", status.phase]);
  if (status.progress !== null) rows.push(["progress", `${formatPercent(status.progress)}  ${chalk.cyan(progressBar(status.progress))}`]);
  if (status.error) rows.push(["error", chalk.red(status.error)]);
  if (status.resultId) rows.push(["result id", status.resultId]);
  return rows.map(([label, value]) => `${label.padEnd(10)}${value}`).join("\n");
}

function stateMark(status: JobStatus, chalk: ChalkInstance): string {
  if (status.state === "completed") return chalk.green("  ✔ completed");
  if (status.state === "failed") return chalk.red("  ✖ failed");
  return chalk.dim("  (running)");
}

/** The pretty end of a wait that reached a terminal state (stdout). */
export function renderFinishedPretty(status: JobStatus, elapsedMs: number, chalk: ChalkInstance, resultCommand: string | undefined): string {
  if (status.state === "failed") {
    const lines = [`${chalk.red("✖")} job ${chalk.bold(status.id)} ${chalk.red("failed")} after ${formatDuration(elapsedMs)} (${describeState(status)})`];
    lines.push(`  error: ${status.error ?? "(the API gave no error text)"}`);
    return lines.join("\n");
  }
  const lines = [`${chalk.green("✔")} job ${chalk.bold(status.id)} ${chalk.green("completed")} in ${formatDuration(elapsedMs)}${status.phase ? ` (${status.phase})` : ""}`];
  if (status.resultId) lines.push(`  result id: ${status.resultId}`);
  if (resultCommand) lines.push(`  read it:   ${resultCommand}`);
  return lines.join("\n");
}

/** "processing · searching_books 45%", for timeout and interruption messages. */
export function describeLastSeen(status: JobStatus | undefined): string {
  return status ? `last seen ${describeWithProgress(status)}` : "no status was read";
}
