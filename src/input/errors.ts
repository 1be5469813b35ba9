import type { InputProblem } from "./types.js";

/**
 * Target input settings PutTargets would reject. `path` points into the settings
 * (`$.InputTransformer.InputTemplate`), `reason` says what is wrong in one line; every
 * problem found is in `problems`, the first one is in the message.
 */
export class InvalidInputTransformError extends Error {
  readonly path: string;
  readonly reason: string;
  readonly problems: readonly InputProblem[];
  constructor(path: string, reason: string, problems: readonly InputProblem[] = [{ path, reason }]) {
    super(`${path}: ${reason}`);
    this.name = "InvalidInputTransformError";
    this.path = path;
    this.reason = reason;
    this.problems = problems;
  }
}
