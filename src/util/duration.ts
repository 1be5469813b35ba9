import { UsageError } from "../errors.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d)/gy;

/**
 * Parses a duration such as `500ms`, `0.5s`, `30s`, `5m`, `1h` or `1h30m` into
 * milliseconds. Returns undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const input = text.trim().toLowerCase();
  if (input === "") return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = PART.exec(input); match; match = PART.exec(input)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed = PART.lastIndex;
  }
  if (consumed !== input.length) return undefined;
  return Math.round(total);
}

/** Like parseDuration, but a bad value is a usage error naming the option. */
export function requireDuration(text: string, option: string, { allowZero = false } = {}): number {
  const ms = parseDuration(text);
  if (ms === undefined || (!allowZero && ms <= 0)) {
    throw new UsageError(`${option}: "${text}" is not a duration (use e.g. 500ms, 30s, 5m, 1h)`);
  }
  return ms;
}

/** Formats milliseconds for people: `850ms`, `4.2s`, `3m 05s`, `2h 10m`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  const totalSeconds = Math.round(ms / 1_000);
  if (totalSeconds < 3_600) {
    const m = Math.floor(totalSeconds / 60);
    const s = totalSeconds % 60;
    return `${m}m ${String(s).padStart(2, "0")}s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)}h ${String(totalMinutes % 60).padStart(2, "0")}m`;
}

/** "1h", "30m", "90s", "1h30m": the metrics and logs window as people write it. */
export function formatWindow(ms: number): string {
  const units: Array<[string, number]> = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ];
  let rest = Math.max(0, Math.round(ms / 1000) * 1000);
  let out = "";
  for (const [unit, size] of units) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out || `${ms}ms`;
}
