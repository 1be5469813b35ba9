/**
 * Numbers the way event-ruler compares them. A literal is "exact" when the double it
 * rounds to prints back (shortest form) as the same decimal value: `300`, `300.0`, `3e2`
 * and `0.1` are exact, `0.1000000000000000055511` and `1e400` are not. Exact literals are
 * compared as numbers (so `300` equals `3.0e2`, in exact values and in `numeric`); an
 * inexact literal can only equal the very same text, and cannot be a numeric operand.
 */

const LITERAL_RE = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** "sign|digits|point" for the decimal value of a number literal, or "0" for zero. */
function decimalKey(text: string): string | undefined {
  const m = LITERAL_RE.exec(text);
  if (!m) return undefined;
  let digits = m[2]! + (m[3] ?? "");
  let point = m[2]!.length + (m[4] === undefined ? 0 : Number(m[4]));
  let lead = 0;
  while (lead < digits.length && digits.charCodeAt(lead) === 48) lead++;
  if (lead === digits.length) return "0";
  digits = digits.slice(lead);
  point -= lead;
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  return `${m[1]}|${digits.slice(0, end)}|${point}`;
}

/** True when the JSON number literal is represented exactly by the double it parses to. */
export function isExactDoubleLiteral(text: string): boolean {
  const value = Number(text);
  if (!Number.isFinite(value)) return false;
  const key = decimalKey(text);
  if (key === undefined) return false;
  if (value === 0) return key === "0";
  return key === decimalKey(String(value).replace("e+", "e"));
}

/** A JSON number literal as text: `String(n)` for numbers (never `-0`'s sign). */
export function numberText(value: number): string {
  return JSON.stringify(value);
}
