/** A place text can be written to: process.stdout/stderr, or a buffer in tests. */
export interface TextStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Everything a command may touch outside its arguments. `main` receives one; tests pass
 * buffers and a fixed environment instead of the real process.
 */
export interface Io {
  stdout: TextStream;
  stderr: TextStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted when the user presses Ctrl-C. */
  interrupt: AbortSignal;
}

/** The real process as an Io. */
export function processIo(interrupt: AbortSignal): Io {
  return {
    // Each process stream is built on first access (stderr on a pipe loads node:net):
    // only what a command touches is paid for.
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    // process.stdin builds a stream (and loads fs/promises and readline) on first access:
    // only commands that read "-" pay for it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    interrupt,
  };
}

/** A captured stream for tests and for rendering into a string. */
export class BufferStream implements TextStream {
  chunks: string[] = [];
  constructor(
    readonly isTTY = false,
    readonly columns = 100,
  ) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  text(): string {
    return this.chunks.join("");
  }
}
