import { UsageError } from './errors';

/** Characters an alias prefix may use, so aliases stay easy to quote and grep. */
const PREFIX = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The alias of the n-th key (from 1) of a tier: `<prefix>-<tier>-<00001>`. Numbers are
 * padded to five digits and simply grow past 99999, so an alias never changes when a later
 * run asks for more keys.
 */
export function keyAlias(prefix: string, tier: string, n: number): string {
  return `${prefix}-${tier}-${String(n).padStart(5, '0')}`;
}

export function checkPrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) {
    throw new UsageError(
      `--alias-prefix must be letters, digits, ".", "_" or "-", got ${JSON.stringify(prefix)}`,
    );
  }
  return prefix;
}
