import { InvalidArgumentError } from 'commander';

/** A commander parser for a whole number in [min, max]; the message names the value. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      const range = `from ${min} to ${max}`;
      throw new InvalidArgumentError(`expected a whole number ${range}, got "${text}"`);
    }
    return value;
  };
}

/** `a,b , c` → `['a', 'b', 'c']`. */
export function commaList(text: string): string[] {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) {
    throw new InvalidArgumentError(`expected a comma-separated list, got "${text}"`);
  }
  return items;
}

/** A JSON object given on the command line. */
export function jsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`expected a JSON object: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`expected a JSON object such as '{"team":"a"}', got ${text}`);
  }
  return value as Record<string, unknown>;
}
