/**
 * Wildcard values: `*` matches any run of characters (including none); `\*` is a literal
 * star and `\\` a literal backslash. Two unescaped stars in a row, a backslash before any
 * other character and a trailing backslash are rejected, as EventBridge does.
 */

/** A parsed wildcard: literal segments between the stars. */
export interface Wildcard {
  /** segments[0] must start the value, the last must end it; others appear in order. */
  segments: string[];
  source: string;
}

/** Parses a wildcard value; throws Error with a reason when it is malformed. */
export function parseWildcard(source: string): Wildcard {
  const segments: string[] = [];
  let current = "";
  let lastWasStar = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      const next = source[i + 1];
      if (next !== "*" && next !== "\\") {
        throw new Error(`a backslash must be followed by "*" or "\\" (position ${i})`);
      }
      current += next;
      i++;
      lastWasStar = false;
    } else if (c === "*") {
      if (lastWasStar) throw new Error(`consecutive wildcard characters at position ${i}`);
      segments.push(current);
      current = "";
      lastWasStar = true;
    } else {
      current += c;
      lastWasStar = false;
    }
  }
  segments.push(current);
  return { segments, source };
}

/** Number of unescaped stars. */
export function wildcardStars(w: Wildcard): number {
  return w.segments.length - 1;
}

/**
 * True when the whole value matches. Greedy left-to-right: each middle segment takes its
 * first occurrence, which is optimal for `*`-separated literals, so this is linear-ish
 * and cannot be driven into exponential backtracking.
 */
export function matchWildcard(w: Wildcard, value: string): boolean {
  const segs = w.segments;
  if (segs.length === 1) return value === segs[0];
  const first = segs[0]!;
  const last = segs[segs.length - 1]!;
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let pos = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < segs.length - 1; i++) {
    const seg = segs[i]!;
    if (seg === "") continue;
    const at = value.indexOf(seg, pos);
    if (at < 0 || at + seg.length > end) return false;
    pos = at + seg.length;
  }
  return true;
}
