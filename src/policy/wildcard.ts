/**
 * IAM's wildcard matching: `*` and `?` in actions, in Resource ARNs, in StringLike values and
 * in ArnLike values. Each follows its own page of the IAM User Guide (cited below).
 */

/**
 * One character of a pattern. `literal` marks a `*` or `?` that came from a policy variable
 * (`${*}`, or a context value): it stands for itself, not a wildcard.
 */
export interface PatternChar {
  c: string;
  literal?: boolean;
}

/** The characters of pattern text written in a policy, every `*` and `?` a wildcard. */
export function patternChars(text: string): PatternChar[] {
  return [...text].map((c) => ({ c }));
}

/** Characters that stand for themselves (a value substituted for a policy variable). */
export function literalChars(text: string): PatternChar[] {
  return [...text].map((c) => ({ c, literal: true }));
}

type Unit = { c: string } | { star: true; colon: boolean } | { one: true; colon: boolean };

/** Matches `value` against units; time proportional to units × value length, whatever the pattern. */
function matchesUnits(units: readonly Unit[], value: string, ignoreCase: boolean): boolean {
  const chars = [...(ignoreCase ? value.toLowerCase() : value)];
  const fold = (c: string) => (ignoreCase ? c.toLowerCase() : c);
  if (units.every((u) => "c" in u)) return units.length === chars.length && units.every((u, i) => fold((u as { c: string }).c) === chars[i]);
  // reach[j] = 1: the units so far can match the first j characters of the value.
  let reach = new Uint8Array(chars.length + 1);
  let next = new Uint8Array(chars.length + 1);
  reach[0] = 1;
  for (const unit of units) {
    next.fill(0);
    let any = 0;
    for (let j = 0; j <= chars.length; j++) {
      if ("star" in unit) {
        next[j] = reach[j]! || (j > 0 && next[j - 1]! && (unit.colon || chars[j - 1] !== ":")) ? 1 : 0;
      } else if (j > 0 && reach[j - 1]) {
        const c = chars[j - 1]!;
        next[j] = ("one" in unit ? unit.colon || c !== ":" : c === fold(unit.c)) ? 1 : 0;
      }
      any |= next[j]!;
    }
    if (!any) return false;
    [reach, next] = [next, reach];
  }
  return reach[chars.length] === 1;
}

/** Plain `*`/`?` matching of a whole string (StringLike, and each part of an ArnLike comparison). */
export function globMatches(pattern: string | readonly PatternChar[], value: string, { ignoreCase = false } = {}): boolean {
  const chars = typeof pattern === "string" ? patternChars(pattern) : pattern;
  const units = chars.map((p): Unit => (p.literal ? { c: p.c } : p.c === "*" ? { star: true, colon: true } : p.c === "?" ? { one: true, colon: true } : { c: p.c }));
  return matchesUnits(units, value, ignoreCase);
}

/**
 * An action name against an Action/NotAction entry: "The prefix and the action name are case
 * insensitive", with `*` and `?` as wildcards (IAM JSON policy elements: Action).
 */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatches(pattern, action, { ignoreCase: true });
}

/**
 * A resource ARN against a Resource/NotResource entry. IAM JSON policy elements: Resource —
 * wildcards work "within the individual segments of an ARN (the parts separated by colons)",
 * and "If the `*` wildcard is the last character of a resource ARN segment, it can expand to
 * match beyond the colon boundaries": so `...:function:fn*` matches `...:function:fn:live`,
 * while `fn*x` and `?` stay inside their segment. A Resource of `*` is one segment ending in
 * `*`: it matches everything.
 */
export function resourceMatches(pattern: string | readonly PatternChar[], resource: string): boolean {
  const chars = typeof pattern === "string" ? patternChars(pattern) : pattern;
  const units = chars.map((p, i): Unit => {
    if (p.literal || (p.c !== "*" && p.c !== "?")) return { c: p.c };
    if (p.c === "?") return { one: true, colon: false };
    const next = chars[i + 1];
    return { star: true, colon: next === undefined || next.c === ":" };
  });
  return matchesUnits(units, resource, false);
}

/** The six colon-separated parts of an ARN; `resource` keeps any further colons. */
export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Splits an ARN into its parts; null when the text is not an ARN. */
export function parseArn(text: string): ArnParts | null {
  const parts = text.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return null;
  const [, partition, service, region, account, ...rest] = parts;
  return { partition: partition!, service: service!, region: region!, account: account!, resource: rest.join(":") };
}

/**
 * ArnLike / ArnEquals (which "behave identically"): "Each of the six colon-delimited components of
 * the ARN is checked separately and each can include multi-character match wildcards (*) or
 * single-character match wildcards (?)" (IAM JSON policy elements: Condition operators). So a `*`
 * never spans the components, while the resource component keeps its own colons. An ARN pattern
 * short of six components matches nothing (they cannot all be compared); null when the pattern
 * is no ARN at all (`*`): the page documents the comparison for ARNs only.
 */
export function arnLikeMatches(pattern: string | readonly PatternChar[], value: string): boolean | null {
  const chars = typeof pattern === "string" ? patternChars(pattern) : pattern;
  const parts: PatternChar[][] = [[]];
  for (const p of chars) {
    if (p.c === ":" && parts.length < 6) parts.push([]);
    else parts[parts.length - 1]!.push(p);
  }
  if (parts[0]!.map((p) => p.c).join("") !== "arn") return null;
  if (parts.length < 6) return false;
  const v = parseArn(value);
  if (!v) return false;
  const values = [v.partition, v.service, v.region, v.account, v.resource];
  return values.every((text, i) => globMatches(parts[i + 1]!, text));
}
