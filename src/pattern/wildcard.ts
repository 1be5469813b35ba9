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

/**
 * event-ruler's measure of how non-deterministic a field's wildcards make its matcher
 * (MachineComplexityEvaluator): over every input, the most matcher states that are at once
 * on the way to a wildcard pattern, each weighted by the patterns it leads to. Values are
 * read as event-ruler holds them: UTF-8 bytes between JSON quotes. A state is a prefix of a
 * value; the values of one pattern (an anything-but wildcard list) share their prefix up to
 * and including the first "*", and their final state. "*a*a*a*" scores 7 (after "aaa": *,
 * *a, *a*, ... *a*a*a*); three values "*:stack/NAME/*" score 9, four 12. `patterns` holds
 * each pattern's values. Exploration stops as soon as the score passes `limit`.
 */
export function wildcardComplexity(patterns: readonly (readonly string[])[], limit: number): number {
  const STAR = -1;
  const encoder = new TextEncoder();
  type Value = { group: number; tokens: number[]; shared: number; keys: string[] };
  const values: Value[] = [];
  const distinct = new Set<string>();
  patterns.forEach((group, g) => {
    for (const value of new Set(group)) {
      const tokens: number[] = [34];
      for (const { literal, star } of wildcardTokens(value)) {
        if (star) tokens.push(STAR);
        else for (const b of encoder.encode(literal)) tokens.push(b);
      }
      tokens.push(34);
      const firstStar = tokens.indexOf(STAR);
      const shared = firstStar < 0 ? tokens.length - 1 : firstStar + 1;
      const index = values.length;
      // State keys: a shared prefix by its bytes, the final state by pattern, others by value.
      const keys = tokens.map((_, k) => (k === 0 ? "" : k === tokens.length ? "" : k <= shared ? `p${tokens.slice(0, k).join(",")}` : `v${index}:${k}`));
      keys.push(`m${g}`);
      keys[tokens.length] = `m${g}`;
      values.push({ group: g, tokens, shared, keys });
      distinct.add(`${g}\u0000${value}`);
    }
  });
  if (values.length === 0) return 0;
  const alphabet = new Set<number>([0x01]);
  for (const { tokens } of values) for (const t of tokens) if (t !== STAR) alphabet.add(t);
  const close = (tokens: number[], alive: Set<number>) => {
    for (let k = 0; k < tokens.length; k++) if (alive.has(k) && tokens[k] === STAR) alive.add(k + 1);
    return alive;
  };
  const start = values.map(({ tokens }) => close(tokens, new Set([0])));
  const keyOf = (state: Set<number>[]) => state.map((alive) => [...alive].sort((a, b) => a - b).join(",")).join("|");
  const score = (state: Set<number>[]) => {
    const weights = new Map<string, Set<number>>();
    state.forEach((alive, v) => {
      const { keys, group } = values[v]!;
      for (const k of alive) {
        if (k === 0) continue;
        const key = keys[k]!;
        let groups = weights.get(key);
        if (!groups) weights.set(key, (groups = new Set()));
        groups.add(group);
      }
    });
    let sum = 0;
    for (const groups of weights.values()) sum += groups.size;
    return sum;
  };
  let best = score(start);
  const seen = new Set([keyOf(start)]);
  const queue = [start];
  while (queue.length > 0 && seen.size < 20_000) {
    const state = queue.shift()!;
    for (const byte of alphabet) {
      const next = state.map((alive, v) => {
        const tokens = values[v]!.tokens;
        const out = new Set<number>();
        for (const k of alive) {
          if (k > 0 && tokens[k - 1] === STAR) out.add(k); // a star goes on matching
          if (k < tokens.length && tokens[k] === byte) out.add(k + 1);
        }
        return close(tokens, out);
      });
      const key = keyOf(next);
      if (seen.has(key)) continue;
      seen.add(key);
      best = Math.max(best, score(next));
      if (best > limit) return best;
      queue.push(next);
    }
  }
  return best;
}

/** The literal runs and stars of a wildcard value (escapes resolved). */
function wildcardTokens(source: string): { literal: string; star: boolean }[] {
  const out: { literal: string; star: boolean }[] = [];
  let literal = "";
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      literal += source[i + 1] ?? "";
      i++;
    } else if (c === "*") {
      if (literal !== "") out.push({ literal, star: false });
      literal = "";
      out.push({ literal: "", star: true });
    } else literal += c;
  }
  if (literal !== "") out.push({ literal, star: false });
  return out;
}
