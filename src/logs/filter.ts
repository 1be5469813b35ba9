/**
 * The local re-check of a CloudWatch Logs filter pattern. The pattern always goes to the
 * service (FilterLogEvents, Live Tail); some endpoints (emulators) match it only
 * approximately, so for the simple forms — plain and quoted terms — every returned line
 * is checked again here. JSON (`{ $.level = "error" }`), space-delimited (`[ip, user]`)
 * and regex (`%...%`) patterns are left to the service.
 */

/** A compiled term pattern: what a message must and must not contain. */
export interface TermFilter {
  /** Every one of these must appear (plain and quoted terms). */
  all: string[];
  /** At least one of these must appear, when any (`?term`). */
  any: string[];
  /** None of these may appear (`-term`). */
  none: string[];
}

/**
 * Parses a filter pattern made of terms: `ERROR`, `"Task timed out"`, `ERROR Exception`
 * (both), `?ERROR ?Exception` (either), `-DEBUG` (exclude). Returns null when the pattern
 * is empty or of a form the service alone can judge (JSON, space-delimited, regex, or
 * `?` terms mixed with plain ones), so that the caller trusts the service's answer.
 */
export function parseTermFilter(pattern: string | undefined): TermFilter | null {
  const text = (pattern ?? "").trim();
  if (text === "" || text === '""') return null;
  if (/^[{[%]/.test(text)) return null;
  const filter: TermFilter = { all: [], any: [], none: [] };
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let kind: keyof TermFilter = "all";
    if (text[i] === "?" || text[i] === "-") {
      kind = text[i] === "?" ? "any" : "none";
      i++;
    }
    let term = "";
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const ch = text[i]!;
        if (ch === "\\" && i + 1 < text.length) {
          term += text[i + 1];
          i += 2;
          continue;
        }
        if (ch === '"') {
          closed = true;
          i++;
          break;
        }
        term += ch;
        i++;
      }
      if (!closed) return null;
    } else {
      while (i < text.length && !/\s/.test(text[i]!)) term += text[i++];
      // Operators and structure inside a bare word: not a term pattern.
      if (/["{}[\]%]/.test(term)) return null;
    }
    if (term === "") return null;
    filter[kind].push(term);
  }
  // "?a b" has no documented meaning as a term pattern: let the service decide.
  if (filter.any.length > 0 && filter.all.length > 0) return null;
  if (filter.all.length + filter.any.length + filter.none.length === 0) return null;
  return filter;
}

/** True when the message satisfies the term filter (terms match case-sensitively, anywhere in the text). */
export function matchesTerms(filter: TermFilter, message: string): boolean {
  if (!filter.all.every((term) => message.includes(term))) return false;
  if (filter.any.length > 0 && !filter.any.some((term) => message.includes(term))) return false;
  return !filter.none.some((term) => message.includes(term));
}

/** The local check for a pattern: a predicate, or one that accepts everything when the service is trusted. */
export function localFilterFor(pattern: string | undefined): (message: string) => boolean {
  const filter = parseTermFilter(pattern);
  return filter ? (message) => matchesTerms(filter, message) : () => true;
}
