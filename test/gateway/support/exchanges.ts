import { createHash } from 'node:crypto';
import type { Answer } from './shape';
import { readAnswer, type Toolkit } from './toolkit';
import type { RecordedRequest } from './wire';

/**
 * The state each single recorded exchange needs, rebuilt on a fresh gateway: the tiers and
 * keys of the recording, in its shapes. `setup` returns the raw key that `<virtual-key>` and
 * `sk-REDACTED-<n>` stand for.
 */

type Setup = (t: Toolkit) => Promise<string | undefined>;

export const FULL_TIER = {
  budget_id: 'wire-tier-full',
  max_budget: 10,
  soft_budget: 8,
  max_parallel_requests: 2,
  tpm_limit: 2000,
  rpm_limit: 40,
  budget_duration: '30d',
  model_max_budget: {
    'fake-gpt': { max_budget: 5, budget_duration: '1d', tpm_limit: 500, rpm_limit: 10 },
  },
};
const ZERO_TIER = { budget_id: 'wire-tier-zero', rpm_limit: 0 };
const CHAT_TIER = { budget_id: 'wire-chat', rpm_limit: 100, tpm_limit: 100000, max_budget: 100 };
const EXTRA_TIER = { budget_id: 'wire-extra-2', rpm_limit: 50 };
const SHARED_TIER = { budget_id: 'wire-shared-budget', max_budget: 0.01 };

const nothing: Setup = async () => undefined;

/** A tier (or several) and one key on the first of them. */
function keyOn(...tiers: Record<string, unknown>[]): Setup {
  return async (t) => {
    for (const tier of tiers) await t.tier(tier);
    const budget = tiers[0]?.budget_id;
    return t.key(budget === undefined ? {} : { budget_id: budget });
  };
}

function tiersOnly(...tiers: Record<string, unknown>[]): Setup {
  return async (t) => {
    for (const tier of tiers) await t.tier(tier);
    return undefined;
  };
}

function then(first: Setup, next: (t: Toolkit, key: string) => Promise<unknown>): Setup {
  return async (t) => {
    const key = (await first(t)) ?? '';
    await next(t, key);
    return key;
  };
}

const block = (t: Toolkit, key: string) => t.admin('POST', '/key/block', { key });
const remove = (t: Toolkit, key: string) => t.admin('POST', '/key/delete', { keys: [key] });
const spend = (t: Toolkit, key: string) => t.chat(key);

/** Four keys; the newest two are the ones the recorded first page shows. */
async function fourKeys(t: Toolkit): Promise<string> {
  await t.tier(FULL_TIER);
  await t.key({});
  await t.key({ max_parallel_requests: 1 });
  const first = await t.key({ budget_id: 'wire-tier-full' });
  const aliased = {
    rpm_limit: 3,
    models: ['fake-gpt'],
    key_alias: 'wire-alias-1',
    metadata: { tier: 'full' },
  };
  await t.key({ budget_id: 'wire-tier-full', ...aliased });
  return first;
}

export const EXCHANGES: Record<string, Setup> = {
  'auth-invalid-key-management.401': nothing,
  'auth-invalid-key.401': nothing,
  'auth-missing-key.401': nothing,
  'budget-delete-in-use.ok': keyOn(ZERO_TIER),
  'budget-delete-unknown-id.null': nothing,
  'budget-delete-wrong-field.422': tiersOnly(FULL_TIER),
  'budget-delete.ok': tiersOnly({ budget_id: 'wire-tier-to-delete', max_budget: 1 }),
  'budget-info-after-spend.ok': then(keyOn(SHARED_TIER), spend),
  'budget-info-empty.400': nothing,
  'budget-info.ok': tiersOnly(FULL_TIER, ZERO_TIER),
  'budget-list-virtual-key.denied': keyOn(),
  'budget-list.ok': tiersOnly(
    ZERO_TIER,
    { max_budget: 1.5 },
    { budget_id: 'wire-tier-str-num', rpm_limit: '7', max_budget: '2.5' },
    FULL_TIER,
  ),
  'budget-new-bad-duration.500': nothing,
  'budget-new-bad-type.422': nothing,
  'budget-new-duplicate.500': tiersOnly(ZERO_TIER),
  'budget-new-minimal.ok': nothing,
  'budget-new-no-id.ok': nothing,
  'budget-new-numeric-strings.ok': nothing,
  'budget-new-virtual-key.denied': keyOn(),
  'budget-new.ok': nothing,
  'budget-settings-missing-query.422': nothing,
  'budget-settings-unknown-id.ok': nothing,
  'budget-settings.ok': tiersOnly(FULL_TIER),
  'budget-update-no-id.400': nothing,
  'budget-update-unknown-id.null': nothing,
  'budget-update.ok': tiersOnly({ ...FULL_TIER, rpm_limit: 30, tpm_limit: 1000 }),
  'chat-blocked-key.401': then(keyOn(EXTRA_TIER), block),
  'chat-cors.ok': keyOn(EXTRA_TIER),
  'chat-deleted-key.401': then(keyOn(), remove),
  'chat-key-no-limits.ok': keyOn(),
  'chat-master-key.ok': nothing,
  'chat-stream.429': keyOn(ZERO_TIER),
  'chat-stream.ok': then(keyOn(CHAT_TIER), async (t, k) => [await spend(t, k), await spend(t, k)]),
  'chat-upstream-ratelimit-headers.ok': keyOn(CHAT_TIER),
  'chat.ok-second': then(keyOn(CHAT_TIER), spend),
  'chat.ok': keyOn(CHAT_TIER),
  'cors-preflight.ok': nothing,
  'key-block.ok': keyOn(EXTRA_TIER),
  'key-delete-again.404': then(keyOn(), remove),
  'key-delete.ok': keyOn(),
  'key-generate-client-chosen-key-again.ok': then(tiersOnly(EXTRA_TIER), (t) =>
    t.admin('POST', '/key/generate', {
      budget_id: 'wire-extra-2',
      key: 'sk-wire-chosen-by-client-0001',
    }),
  ),
  'key-generate-client-chosen-key.ok': tiersOnly(EXTRA_TIER),
  'key-generate-duplicate-alias.400': then(tiersOnly(EXTRA_TIER), (t) =>
    t.key({ budget_id: 'wire-extra-2', key_alias: 'wire-alias-once' }),
  ),
  'key-generate-unknown-budget.500': nothing,
  'key-generate-virtual-key.401': keyOn(),
  'key-generate-with-key-limits.ok': tiersOnly(FULL_TIER),
  'key-generate.ok': tiersOnly(FULL_TIER),
  'key-info-after-budget-delete.master': then(keyOn(ZERO_TIER), (t) =>
    t.admin('POST', '/budget/delete', { id: 'wire-tier-zero' }),
  ),
  'key-info-after-spend.master': async (t) => {
    await t.tier(SHARED_TIER);
    const key = await t.key({ budget_id: 'wire-shared-budget', key_alias: 'wire-shared-c' });
    await spend(t, key);
    return key;
  },
  'key-info-after-update.master': then(keyOn(FULL_TIER, ZERO_TIER), (t, key) =>
    t.admin('POST', '/key/update', { key, budget_id: 'wire-tier-zero' }),
  ),
  'key-info-by-hash.master': then(keyOn(EXTRA_TIER), async (t, key) => {
    await block(t, key);
    await t.admin('POST', '/key/unblock', { key });
  }),
  'key-info-unknown-key.404': nothing,
  'key-info.master': keyOn(FULL_TIER),
  'key-info.self': keyOn(FULL_TIER),
  'key-list-full-object.ok': fourKeys,
  'key-list.ok': fourKeys,
  'key-unblock.ok': then(keyOn(EXTRA_TIER), block),
  'key-update-unknown-budget.400': keyOn(FULL_TIER),
  'key-update.ok': keyOn(FULL_TIER, ZERO_TIER),
};

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Replaces the recording's placeholders with this gateway's keys, everywhere in a value. */
function substitute(value: unknown, masterKey: string, key: string): unknown {
  if (typeof value === 'string') {
    return value
      .replace('<master-key>', masterKey)
      .replace('<virtual-key>', key)
      .replace(/^sk-REDACTED-\d+$/, key)
      .replace(/\b[0-9a-f]{64}\b/g, sha256(key));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, masterKey, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, masterKey, key)]),
    );
  }
  return value;
}

/** Sends a recorded request to the gateway, with placeholders replaced. */
export async function replay(t: Toolkit, request: RecordedRequest, key: string): Promise<Answer> {
  const headers = substitute(request.headers, t.gw.masterKey, key) as Record<string, string>;
  const query = substitute(request.query, t.gw.masterKey, key) as Record<string, string>;
  const path = substitute(request.path, t.gw.masterKey, key) as string;
  const search = new URLSearchParams(query).toString();
  const target = search === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${search}`;
  const body = substitute(request.body, t.gw.masterKey, key);
  const init: RequestInit = { method: request.method, headers };
  if (body !== null && body !== undefined) init.body = JSON.stringify(body);
  return readAnswer(await fetch(t.gw.url + target, init));
}
