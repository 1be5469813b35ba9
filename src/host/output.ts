import { Chalk, type ChalkInstance } from "chalk";
import type { Io, TextStream } from "./io.js";

/** How the sink decides about colors and live lines (see `resolveOutputOptions`). */
export interface OutputOptions {
  /** Colors on stdout. */
  color: boolean;
  /** Colors on stderr. */
  colorStderr: boolean;
  /** Live (rewritten) lines and spinners on stderr. */
  live: boolean;
  verbose: boolean;
  quiet: boolean;
}

/**
 * Decides colors and live lines from the flags and the environment: no colors when the
 * stream is not a TTY, with --no-color or NO_COLOR; FORCE_COLOR forces them; live lines
 * only on a TTY stderr outside CI.
 */
export function resolveOutputOptions(io: Io, flags: { color?: boolean; verbose?: boolean; quiet?: boolean }): OutputOptions {
  const env = io.env;
  const noColor = flags.color === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== "");
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  const inCi = env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
  // What stderr is, is asked only when something is about to go there: building the
  // stream (on a pipe, with node:net) is a real part of a short command's start-up.
  let stderrTty: boolean | undefined;
  const onTty = () => (stderrTty ??= io.stderr.isTTY === true);
  return {
    color: !noColor && (force || io.stdout.isTTY === true),
    get colorStderr() {
      return !noColor && (force || onTty());
    },
    get live() {
      return onTty() && !inCi && env.TERM !== "dumb";
    },
    verbose: flags.verbose === true,
    quiet: flags.quiet === true,
  };
}

/**
 * The one sink for everything a command prints. Results go to stdout; progress, notes
 * and debug lines to stderr. A live line is rewritten in place on a TTY and printed
 * only when it changes otherwise.
 */
export class Output {
  /** Colors for text bound for stdout (level 0 when colors are off). */
  readonly chalk: ChalkInstance;
  private stderrChalk: ChalkInstance | undefined;
  private liveText: string | undefined;
  private lastPlainLive: string | undefined;

  private readonly stderrOf: () => TextStream;

  /** `stderr` may be given as a function: the stream is then built only when first written to. */
  constructor(
    private readonly stdout: TextStream,
    stderr: TextStream | (() => TextStream),
    readonly options: OutputOptions,
  ) {
    this.stderrOf = typeof stderr === "function" ? stderr : () => stderr;
    this.chalk = new Chalk({ level: options.color ? 2 : 0 });
  }

  /** Colors for text bound for stderr (decided on first use). */
  get chalkStderr(): ChalkInstance {
    return (this.stderrChalk ??= new Chalk({ level: this.options.colorStderr ? 2 : 0 }));
  }

  private get stderr(): TextStream {
    return this.stderrOf();
  }

  get verbose(): boolean {
    return this.options.verbose;
  }

  /** Terminal width for layout, 100 when unknown. */
  get columns(): number {
    return this.stdout.columns ?? 100;
  }

  /** Writes a result to stdout, ending it with a newline. */
  result(text: string): void {
    this.clearLive();
    this.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** A progress note on stderr (silenced by --quiet). */
  progress(text: string): void {
    if (this.options.quiet) return;
    this.clearLive();
    this.stderr.write(`${text}\n`);
  }

  /** A warning on stderr; shown even with --quiet. */
  warn(text: string): void {
    this.clearLive();
    this.stderr.write(`${this.chalkStderr.yellow("warning:")} ${text}\n`);
  }

  /** An error line on stderr. */
  error(text: string): void {
    this.clearLive();
    this.stderr.write(`${this.chalkStderr.red("error:")} ${text}\n`);
  }

  /** A debug line on stderr, only with --verbose. */
  debug(text: string): void {
    if (!this.options.verbose) return;
    this.clearLive();
    this.stderr.write(`${this.chalkStderr.dim(text)}\n`);
  }

  /**
   * Shows a status line that changes over time (a wait, a poll). On a TTY it is rewritten
   * in place; elsewhere a line is printed only when the text differs from the last one,
   * so `stable` text should exclude fast-changing parts such as elapsed time: pass them
   * in `ticking`, which only the live form shows.
   */
  live(stable: string, ticking = ""): void {
    if (this.options.quiet) return;
    if (this.options.live) {
      const text = ticking ? `${stable} ${ticking}` : stable;
      const width = Math.max(20, (this.stderr.columns ?? 100) - 1);
      const shown = visibleLength(text) > width ? truncateVisible(text, width) : text;
      this.stderr.write(`\r\x1b[2K${shown}`);
      this.liveText = shown;
      return;
    }
    if (stable !== this.lastPlainLive) {
      this.lastPlainLive = stable;
      this.stderr.write(`${stable}\n`);
    }
  }

  /** Removes the live line, if one is shown. */
  clearLive(): void {
    if (this.liveText !== undefined) {
      this.stderr.write("\r\x1b[2K");
      this.liveText = undefined;
    }
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Length of text as shown, ignoring color codes. */
export function visibleLength(text: string): number {
  return text.replace(ANSI, "").length;
}

function truncateVisible(text: string, width: number): string {
  const plain = text.replace(ANSI, "");
  return `${plain.slice(0, width - 1)}…`;
}
