/**
 * IP addresses as event-ruler reads them: text that looks like IPv4 (four dot-separated
 * decimal runs) or IPv6 (hex digits and colons) becomes bytes; anything else is no
 * address. Exact string values in a pattern that are addresses match by address, so
 * "::1" in a pattern equals "0:0:0:0:0:0:0:1" in an event.
 */

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** True when the text has the shape of an address (valid or not). */
export function looksLikeIp(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

/** The address bytes (4 or 16), or undefined when the text is not an address. */
export function parseIp(text: string): Uint8Array | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (IPV6_SHAPE.test(text)) return parseIpv6(text);
  return undefined;
}

function parseIpv4(text: string): Uint8Array | undefined {
  // Java's literal parser refuses IPv4 text longer than 15 characters.
  if (text.length > 15) return undefined;
  const parts = text.split(".");
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const n = Number(parts[i]);
    if (!(n <= 255)) return undefined;
    out[i] = n;
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    for (const g of part.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const all = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  // Java turns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into the IPv4 address.
  if (out.slice(0, 10).every((b) => b === 0) && out[10] === 0xff && out[11] === 0xff) return out.slice(12);
  return out;
}

/**
 * An inclusive address range (a CIDR block, or a single address) as event-ruler holds it:
 * the bounds as upper-case hex digits, two per byte (CIDR.toHexDigits), matched digit by
 * digit (see hexInRange).
 */
export interface IpRange {
  low: Uint8Array;
  high: Uint8Array;
  lowHex: string;
  highHex: string;
}

/** Upper-case hex digits of the bytes, as event-ruler writes an address. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += (b < 16 ? "0" : "") + b.toString(16).toUpperCase();
  return out;
}

/** The range of one address (an exact IP value in a pattern). */
export function addressRange(ip: Uint8Array): IpRange {
  const hex = toHex(ip);
  return { low: ip, high: ip, lowHex: hex, highHex: hex };
}

function hexDigit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : -1;
}

/**
 * True when event-ruler's range machine accepts the text: it reads upper-case hex digits
 * one by one and accepts as soon as the digits read are strictly inside the range, or when
 * they equal a bound over the range's whole length — so what follows is never read. An
 * IPv6 address can thus fall in an IPv4 block (its first 8 digits do), and so can the text
 * of a JSON number ("12" is in 16.0.0.0/4: digits 1, then 2 inside 0-F), which event-ruler
 * tries against IP ranges like any other value (ByteMachine.transitionOn).
 */
export function hexInRange(text: string, range: IpRange): boolean {
  const low = range.lowHex;
  const high = range.highHex;
  let onLow = true;
  let onHigh = true;
  for (let i = 0; i < low.length; i++) {
    const d = hexDigit(text.charCodeAt(i));
    if (d < 0) return false; // not a digit, or the end of the text
    const lo: number = onLow ? hexDigit(low.charCodeAt(i)) : 0;
    const hi: number = onHigh ? hexDigit(high.charCodeAt(i)) : 15;
    if (d < lo || d > hi) return false;
    onLow = onLow && d === lo;
    onHigh = onHigh && d === hi;
    if (!onLow && !onHigh) return true;
  }
  return true;
}

/** Parses "addr/bits" the way EventBridge does; throws Error with a reason otherwise. */
export function parseCidr(text: string): IpRange {
  const slashed = text.split("/");
  while (slashed.length > 1 && slashed[slashed.length - 1] === "") slashed.pop();
  if (slashed.length !== 2) throw new Error("malformed CIDR, exactly one '/' required");
  if (!/^[+-]?\d+$/.test(slashed[1]!)) throw new Error("malformed CIDR, mask bits must be an integer");
  const bits = Number(slashed[1]);
  if (bits < 0) throw new Error("malformed CIDR, mask bits must not be negative");
  const ip = looksLikeIp(slashed[0]!) ? parseIp(slashed[0]!) : undefined;
  if (!ip) throw new Error(`"${slashed[0]}" is not an IPv4 or IPv6 address`);
  // event-ruler refuses /32 and /128 (use the address itself as an exact value instead).
  if (ip.length === 4 && bits > 31) throw new Error("IPv4 mask bits must be < 32");
  if (ip.length === 16 && bits > 127) throw new Error("IPv6 mask bits must be < 128");
  // The block of the address: host bits cleared for the low end, set for the high end
  // (event-ruler's CIDR.computeBottomBytes / computeTopBytes), so "10.0.0.5/24" is 10.0.0.0-255.
  const low = ip.slice();
  const high = ip.slice();
  let host = ip.length * 8 - bits;
  for (let i = high.length - 1; i >= 0 && host > 0; i--, host -= 8) {
    const mask = host >= 8 ? 0xff : (1 << host) - 1;
    low[i] = low[i]! & ~mask & 0xff;
    high[i] = high[i]! | mask;
  }
  return { low, high, lowHex: toHex(low), highHex: toHex(high) };
}


/** Canonical text of an address, for messages. */
export function formatIp(ip: Uint8Array): string {
  if (ip.length === 4) return Array.from(ip).join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip[i]! << 8) | ip[i + 1]!).toString(16));
  return groups.join(":");
}
