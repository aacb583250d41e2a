/**
 * Readers for the gateway's limit fields. The proxy stores rpm/tpm as BigInt columns and some
 * routes return them as decimal strings, so a numeric string counts as its number.
 */

function describe(value: unknown): string {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return `${shown} (${value === null ? 'null' : typeof value})`;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

/**
 * A non-negative amount (USD, tokens, requests). `null`/`undefined` mean "no limit".
 * @throws TypeError naming `field` and echoing the value when it is negative or not a number.
 */
export function readAmount(value: unknown, field: string): number | null {
  if (value === null || value === undefined) return null;
  const n = toNumber(value);
  if (!Number.isFinite(n) || n < 0) {
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
  if (value === null || value === undefined) return null;
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

/** The stricter of two limits, where `null` means unlimited. */
export function stricter(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** The earlier of two instants, where `null` means never. */
export function earlier(a: number | null, b: number | null): number | null {
  return stricter(a, b);
}
