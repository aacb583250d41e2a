/**
 * Hashes and random ids through Web Crypto, so the model also runs where msw runs in a
 * browser (no `node:crypto`).
 */

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The key's `token`: the sha256 of the raw key, in hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return hex(new Uint8Array(digest));
}

export function randomId(): string {
  return globalThis.crypto.randomUUID();
}

/** A new virtual key: `sk-` and 22 url-safe characters, like the proxy's. */
export function randomKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const text = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
  return `sk-${text.replace(/=+$/, '')}`;
}

/** True for a 64-digit hex string, i.e. a key's hash rather than the key itself. */
export function looksLikeHash(text: string): boolean {
  return /^[0-9a-f]{64}$/.test(text);
}
