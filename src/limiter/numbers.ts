/**
 * Readers for the gateway's limit fields. The proxy stores rpm/tpm as BigInt columns and some
 * routes return them as decimal strings, so a numeric string counts as its number.
 */

/** The longest delay a timer can take, in milliseconds. */
export const MAX_TIMER = 2 ** 31 - 1;

/** How a wrong value is echoed in a TypeError: `"abc" (string)`, `-1 (number)`. */
function describe(value: unknown): string {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return `${shown} (${value === null ? 'null' : typeof value})`;
}

/**
 * A non-negative amount (USD, tokens, requests). `null`/`undefined` mean "no limit".
 * @throws TypeError naming `field` and echoing the value when it is negative or not a number.
 */
export function readAmount(value: unknown, field: string): number | null {
  if (value == null) return null;
  const n =
    typeof value === 'number' ? value
    : typeof value === 'string' && value.trim() !== '' ? Number(value)
    : Number.NaN;
  if (!(n >= 0 && n < Infinity)) {
    throw new TypeError(`${field} must be a non-negative number or null, got ${describe(value)}`);
  }
  return n;
}

/** A whole count (rpm, tpm, parallel): fractions round down, the stricter direction. */
export function readCount(value: unknown, field: string): number | null {
  const n = readAmount(value, field);
  return n === null ? null : Math.floor(n);
}

/** An instant as epoch ms, from an ISO date-time string, a Date or epoch ms. */
export function readInstant(value: unknown, field: string): number | null {
  if (value == null) return null;
  const ms =
    value instanceof Date ? value.getTime()
    : typeof value === 'number' ? value
    : typeof value === 'string' ? Date.parse(value)
    : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new TypeError(`${field} must be a date-time or null, got ${describe(value)}`);
  }
  return ms;
}

/** The stricter of two limits (or the earlier of two instants), where `null` means none. */
export function stricter(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}
