/**
 * Numbers the way event-ruler compares them (ComparableNumber.generate): a literal is
 * "exact" when `BigDecimal.valueOf(double)` — the decimal Java's `Double.toString` prints —
 * equals the literal's decimal value. Exact literals are compared as numbers (so `300`
 * equals `3.0e2`, in exact values and in `numeric`); an inexact literal can only equal the
 * very same text, and cannot be a numeric operand.
 *
 * Java prints the shortest decimal that reads back as the same double, as JavaScript does,
 * except that it never prints fewer than two digits: where the shortest form has one digit
 * it prints the two-digit decimal closest to the double. For normal doubles that is the
 * same value ("1e23" prints "1.0E23"), but the smallest subnormals have no second digit to
 * spare: 5e-324 prints "4.9E-324", so `5e-324` is inexact in event-ruler and `4.9e-324`
 * is exact. (This is the specification of Double.toString since JDK 19; older JDKs also
 * printed a few longer-than-shortest forms, such as 1.0000000000000001E23 for 1e23.)
 * BigDecimal has no negative zero, so `-0` is the number 0.
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

/** Significant digits of the shortest form (String(x) is "d", "d.ddd", "de-n", ...). */
function significantDigits(shortest: string): number {
  const mantissa = shortest.replace(/^-/, "").replace(/e.*$/, "").replace(".", "").replace(/^0+/, "");
  return mantissa.replace(/0+$/, "").length || 1;
}

/** The exact value of a finite double as mantissa × 2^exponent (BigInt mantissa). */
function exactBinary(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  return biased === 0 ? { mantissa: fraction, exponent: -1074 } : { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** |n × 10^q − x| scaled by a common positive factor, for comparing candidates. */
function distance(n: number, q: number, x: number): bigint {
  const { mantissa, exponent } = exactBinary(x);
  // Scale both to integers: multiply by 2^-exponent (exponent < 0 here) and 10^-q (q < 0).
  const tens = q < 0 ? 10n ** BigInt(-q) : 1n;
  const twos = exponent < 0 ? 1n << BigInt(-exponent) : 1n;
  const candidate = BigInt(n) * (q >= 0 ? 10n ** BigInt(q) : 1n) * twos;
  const value = mantissa * (exponent >= 0 ? 1n << BigInt(exponent) : 1n) * tens;
  const d = candidate - value;
  return d < 0n ? -d : d;
}

/** The decimal Java's Double.toString prints for a finite, non-zero double (as a literal). */
export function javaDoubleText(x: number): string {
  const shortest = String(x);
  if (significantDigits(shortest) > 1) return shortest;
  const two = x.toPrecision(2);
  if (Number(two) === x) return two;
  // Only subnormals get here: among the two-digit decimals that read back as x, the closest.
  const exp = Number(Math.abs(x).toExponential(1).split("e")[1]);
  const sign = x < 0 ? "-" : "";
  let best: { text: string; d: bigint } | undefined;
  for (const q of [exp - 2, exp - 1]) {
    for (let n = 10; n <= 99; n++) {
      const text = `${sign}${n}e${q}`;
      if (Number(text) !== x) continue;
      const d = distance(n, q, x);
      if (best === undefined || d < best.d) best = { text, d };
    }
  }
  return best?.text ?? shortest;
}

/** True when the JSON number literal is a number event-ruler can compare (see above). */
export function isExactDoubleLiteral(text: string): boolean {
  const value = Number(text);
  if (!Number.isFinite(value)) return false;
  const key = decimalKey(text);
  if (key === undefined) return false;
  if (value === 0) return key === "0";
  return key === decimalKey(javaDoubleText(value).replace("e+", "e"));
}

/** True when a JavaScript number, written as JSON, is a number event-ruler can compare. */
export function isComparableNumber(value: number): boolean {
  if (!Number.isFinite(value)) return false;
  // Integers up to 2^53 always print exactly; this spares the text round trip.
  if (Number.isSafeInteger(value)) return true;
  return isExactDoubleLiteral(JSON.stringify(value));
}

/** A JSON number literal as text: `String(n)` for numbers (never `-0`'s sign). */
export function numberText(value: number): string {
  return JSON.stringify(value);
}
