/** A word as a POSIX shell reads it back: bare when safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9._\-:/=@+,%]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Options whose values never appear in a command line course-doctor prints. */
const SECRET_OPTIONS = new Set(["--token"]);

/** `course-doctor ARGS…` as the user could type it again, with secret option values masked. */
export function commandLine(argv: readonly string[]): string {
  const words = argv.map((arg, i) => {
    if (i > 0 && SECRET_OPTIONS.has(argv[i - 1]!)) return "***";
    const eq = arg.indexOf("=");
    if (eq > 0 && SECRET_OPTIONS.has(arg.slice(0, eq))) return `${arg.slice(0, eq)}=***`;
    return shellWord(arg);
  });
  return ["course-doctor", ...words].join(" ");
}
