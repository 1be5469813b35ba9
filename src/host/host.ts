import type { Settings } from "../settings/resolve.js";
import type { Io } from "./io.js";
import type { Output } from "./output.js";

/**
 * What a use case receives besides its own typed options: the process boundary, the one
 * output sink, Ctrl-C, the settings resolver and the command line as run. The command
 * layer builds it; nothing here knows commander.
 */
export interface Host {
  io: Io;
  out: Output;
  /** Flags, environment and config file, resolved in one place. */
  settings: Settings;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /** The command line as run (`course-doctor check --bus …`), secret values masked. */
  commandLine: string;
}
