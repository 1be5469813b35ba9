/**
 * A pattern EventBridge would reject. `path` is a JSON path into the pattern
 * (`$.detail.size[0].numeric`), `reason` one line saying what is wrong there.
 */
export class InvalidPatternError extends Error {
  readonly path: string;
  readonly reason: string;
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = "InvalidPatternError";
    this.path = path;
    this.reason = reason;
  }
}

/** An event that cannot be matched at all (not a JSON object, unreadable text, too deep). */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidEventError";
  }
}

/** `$.a.b[0]`, quoting keys that are not plain identifiers. */
export function jsonPath(segments: readonly (string | number)[]): string {
  let out = "$";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}
