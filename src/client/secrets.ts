// Keys look like `sk-` followed by at least a few characters; hashes are 64 hex digits.
const KEY_PATTERN = /\bsk-[A-Za-z0-9_\-.]{4,}/g;
const BEARER_PATTERN = /\b(Bearer\s+)([^\s"',]+)/gi;

/** Masks one secret to its scheme and last four characters: `sk-...abcd`. */
export function maskKey(key: string): string {
  if (key.length <= 8) return '***';
  const scheme = key.startsWith('sk-') ? 'sk-' : '';
  return `${scheme}...${key.slice(-4)}`;
}

/** Masks every key-shaped substring of a text (messages, log lines, bodies). */
export function maskSecrets(text: string): string {
  return text
    .replace(BEARER_PATTERN, (_, prefix: string, token: string) => prefix + maskKey(token))
    .replace(KEY_PATTERN, (key) => (key.includes('...') ? key : maskKey(key)));
}

/** A deep copy of a JSON-like value with every string masked. */
export function maskDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskSecrets(value);
  if (Array.isArray(value)) return value.map(maskDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v);
    return out;
  }
  return value;
}
