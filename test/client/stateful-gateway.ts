// A gateway that remembers what it created, for the exactly-once tests: keys and tiers are
// stored the way LiteLLM 1.80.7 stores them, and its answers are the recorded ones with the
// stored values put in. A test can make it lose answers on the way back.
import { createHash } from 'node:crypto';
import { HttpResponse } from 'msw';
import { maskKey } from '../../src/index';
import { answering, recordedBody, replay, type Counted } from './wire';

/** How the next answer is lost: after the gateway did the work, or before it saw the call. */
export type Loss = 'answer-lost' | 'answer-502' | 'request-lost';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

type Json = Record<string, unknown>;

export interface StoredKey {
  key: string;
  key_alias: string | null;
  budget_id: string | null;
}

export interface KeyGateway {
  keys: Map<string, StoredKey>;
  losses: Loss[];
  generate: Counted;
  info: Counted;
}

/** `/key/generate` and `/key/info` over one store of keys, indexed by hash. */
export function keyGateway(): KeyGateway {
  const keys = new Map<string, StoredKey>();
  const losses: Loss[] = [];
  const generate = answering('post', '/key/generate', async (request, n) => {
    const body = (await request.json()) as Json;
    const loss = losses.shift();
    if (loss === 'request-lost') return HttpResponse.error();

    const alias = (body.key_alias as string | undefined) ?? null;
    if (alias !== null && [...keys.values()].some((k) => k.key_alias === alias)) {
      return replay('key-generate-duplicate-alias.400.json', { body: duplicateAlias(alias) });
    }
    const key = (body.key as string | undefined) ?? `sk-made-by-the-gateway-${n}`;
    const budgetId = (body.budget_id as string | undefined) ?? null;
    // The same chosen key again is an upsert on 1.80.7: still one row.
    keys.set(sha256(key), { key, key_alias: alias, budget_id: budgetId });

    if (loss === 'answer-lost') return HttpResponse.error();
    if (loss === 'answer-502') return new HttpResponse('Bad Gateway', { status: 502 });
    return replay('key-generate-client-chosen-key.ok.json', {
      body: generatedKeyBody({ key, key_alias: alias, budget_id: budgetId }),
    });
  });
  const info = answering('get', '/key/info', (request) => {
    const asked = new URL(request.url).searchParams.get('key') ?? '';
    const hash = /^[0-9a-f]{64}$/.test(asked) ? asked : sha256(asked);
    const stored = keys.get(hash);
    if (!stored) return replay('key-info-unknown-key.404.json');
    return replay('key-info-by-hash.master.json', { body: keyInfoBody(hash, stored) });
  });
  return { keys, losses, generate, info };
}

function duplicateAlias(alias: string) {
  const body = recordedBody<{ error: Json }>('key-generate-duplicate-alias.400.json');
  body.error.message = (body.error.message as string).replace('wire-alias-once', alias);
  return body;
}

function generatedKeyBody(stored: StoredKey) {
  const body = recordedBody<Json>('key-generate-client-chosen-key.ok.json');
  const token = sha256(stored.key);
  return { ...body, ...stored, key_name: maskKey(stored.key), token, token_id: token };
}

function keyInfoBody(hash: string, stored: StoredKey) {
  const body = recordedBody<{ key: string; info: Json }>('key-info-by-hash.master.json');
  const { key_alias, budget_id } = stored;
  return { key: hash, info: { ...body.info, key_name: maskKey(stored.key), key_alias, budget_id } };
}

export interface BudgetGateway {
  tiers: Map<string, Json>;
  losses: Loss[];
  create: Counted;
  read: Counted;
}

/** `/budget/new` and `/budget/info` over one store of tiers. */
export function budgetGateway(): BudgetGateway {
  const tiers = new Map<string, Json>();
  const losses: Loss[] = [];
  const create = answering('post', '/budget/new', async (request) => {
    const body = (await request.json()) as Json;
    const loss = losses.shift();
    if (loss === 'request-lost') return HttpResponse.error();

    const id = (body.budget_id as string | undefined) ?? globalThis.crypto.randomUUID();
    // 1.80.7 refuses a budget_id it already has with a bare text/plain 500.
    if (tiers.has(id)) return replay('budget-new-duplicate.500.json');
    const row = storedTier({ ...body, budget_id: id });
    tiers.set(id, row);

    if (loss === 'answer-lost') return HttpResponse.error();
    if (loss === 'answer-502') return new HttpResponse('Bad Gateway', { status: 502 });
    return replay('budget-new.ok.json', { body: row });
  });
  const read = answering('post', '/budget/info', async (request) => {
    const { budgets } = (await request.json()) as { budgets: string[] };
    const rows = budgets.flatMap((id) => tiers.get(id) ?? []);
    return replay('budget-info.ok.json', { body: rows });
  });
  return { tiers, losses, create, read };
}

/**
 * A tier row as 1.80.7 stores it: numeric strings become numbers, and each model's limits
 * come back in the order rpm_limit, tpm_limit, max_budget, budget_duration
 * (budget-new.ok.json sent them in another order).
 */
function storedTier(body: Json): Json {
  const template = recordedBody<Json>('budget-new-minimal.ok.json');
  const row: Json = { ...template, rpm_limit: null };
  for (const [field, value] of Object.entries(body)) {
    row[field] = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  const models = body.model_max_budget as Record<string, Json> | null | undefined;
  if (models) {
    row.model_max_budget = Object.fromEntries(
      Object.entries(models).map(([model, limits]) => {
        const { rpm_limit, tpm_limit, max_budget, budget_duration } = limits;
        return [model, { rpm_limit, tpm_limit, max_budget, budget_duration }];
      }),
    );
  }
  return row;
}
