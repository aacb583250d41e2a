/** A fresh virtual key: `sk-` and 32 random bytes, base64url (43 characters). */
export function newKeySecret(): string {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `sk-${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/** A fresh tier id, so a retried create can be recognised by reading it back. */
export function newBudgetId(): string {
  return `tier-${globalThis.crypto.randomUUID()}`;
}

/** The gateway's `token` for a key: its sha256 in hex. Lets a key be looked up by hash. */
export async function keyHash(key: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
