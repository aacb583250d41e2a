import { NotFoundError, type KeyRow, type TierClient } from '../index';
import { runPool } from './pool';

/** The key that stands for "no tier" in counts. */
export const NO_TIER = '(none)';

/** A key and the tier it is on (`null` when none). */
export interface KeyTier {
  token: string;
  alias: string | null;
  tier: string | null;
}

/** Lookups of `/key/info` run at once when a row does not say its tier. */
const LOOKUP_CONCURRENCY = 8;

/**
 * Every key with its tier. `/key/list` has no tier filter, so every page of full rows is
 * read; LiteLLM 1.80.7 leaves `budget_id` out of those rows altogether, and then each such
 * key's tier is read from `/key/info` (one request per key, by hash).
 */
export async function keyTiers(client: TierClient, signal?: AbortSignal): Promise<KeyTier[]> {
  const known: KeyTier[] = [];
  const unknown: KeyRow[] = [];
  for await (const row of client.listKeys({ fullObjects: true, pageSize: 100, signal })) {
    if (!row.token) continue;
    if ('budget_id' in row) known.push(keyTier(row, row.budget_id ?? null));
    else unknown.push(row);
  }
  await runPool(unknown, LOOKUP_CONCURRENCY, async (row) => {
    const tier = await lookUpTier(client, row.token as string, signal);
    if (tier !== undefined) known.push(keyTier(row, tier));
  }, () => Boolean(signal?.aborted));
  signal?.throwIfAborted();
  return known;
}

/** How many keys each tier holds; keys without one are counted under `NO_TIER`. */
export async function countKeysByTier(
  client: TierClient,
  signal?: AbortSignal,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { tier } of await keyTiers(client, signal)) {
    counts.set(tier ?? NO_TIER, (counts.get(tier ?? NO_TIER) ?? 0) + 1);
  }
  return counts;
}

function keyTier(row: KeyRow, tier: string | null): KeyTier {
  return { token: row.token as string, alias: row.key_alias ?? null, tier };
}

/** A key's tier from `/key/info`; undefined when the key vanished meanwhile. */
async function lookUpTier(
  client: TierClient,
  token: string,
  signal?: AbortSignal,
): Promise<string | null | undefined> {
  try {
    const { info } = await client.getKeyInfo(token, { signal });
    return info.budget_id ?? info.litellm_budget_table?.budget_id ?? null;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
