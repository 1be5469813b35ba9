/**
 * Case-insensitive comparison as event-ruler does it: each character of the pattern
 * matches its own lower-case or upper-case form (which may be several characters, like
 * "ß" and "SS"). The event's characters are not folded themselves.
 */

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

function charAlternatives(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    if (lower === upper) out += escapeRegExp(lower);
    else if (lower.length === 1 && upper.length === 1) out += `[${escapeRegExp(lower)}${escapeRegExp(upper)}]`;
    else out += `(?:${escapeRegExp(lower)}|${escapeRegExp(upper)})`;
  }
  return out;
}

/** Whole-value match. */
export function equalsIgnoreCaseRegExp(value: string): RegExp {
  return new RegExp(`^${charAlternatives(value)}$`);
}

/** Value starts with. */
export function prefixIgnoreCaseRegExp(value: string): RegExp {
  return new RegExp(`^${charAlternatives(value)}`);
}

/** Value ends with. */
export function suffixIgnoreCaseRegExp(value: string): RegExp {
  return new RegExp(`${charAlternatives(value)}$`);
}
