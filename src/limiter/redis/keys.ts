import { createHash } from 'node:crypto';

/**
 * Where one key's shared limits live. The id is built from the key's sha256 (the gateway's
 * own `token`), never the key; the braces are a Redis Cluster hash tag, so that every key of
 * one limiter, Bottleneck's included, lands on one slot and a script may touch them all.
 */
export function ledgerPrefix(apiKey: string, namespace = 'ltc'): string {
  const hash = createHash('sha256').update(apiKey).digest('hex');
  return `${namespace}:{${hash}}`;
}

/** The fixed keys of a ledger, in the order its scripts expect them. */
export function fixedKeys(prefix: string): string[] {
  return ['epoch', 'meta', 'line', 'leases', 'clients'].map((name) => `${prefix}:${name}`);
}

/** A lane's pair of keys: its grants by expiry, and their amounts (with the sum in `#`). */
export function laneKeys(prefix: string, lane: string): [string, string] {
  return [`${prefix}:g:${lane}`, `${prefix}:a:${lane}`];
}

/** Lane names: the key's requests, tokens and parallel guard, and each model's. */
export const lanes = {
  requests: 'rpm',
  tokens: 'tpm',
  parallel: 'par',
  modelRequests: (model: string) => `m:${model}:rpm`,
  modelTokens: (model: string) => `m:${model}:tpm`,
} as const;
