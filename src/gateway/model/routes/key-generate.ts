import { json, type Ctx, type Handler } from '../context';
import { envelope, internalError, plainServerError, validationError } from '../errors';
import { randomId, randomKey, sha256Hex } from '../ids';
import { newTier } from './budget';
import { generatedKey } from '../rows';
import type { VirtualKey } from '../state';
import { coerceFields, parseObjectBody, type Body } from '../validate';
import { aliasTaken, applyKeyFields, blankKey, durationParses, KEY_SCHEMA } from './key-fields';

/**
 * `/key/generate`. A client-chosen `key` sent again is an upsert (one row, 200 again), which
 * makes a retried creation safe; an alias already used by another key is refused.
 */

function badKeyFormat(): ReturnType<typeof envelope> {
  const message = "Invalid key format. A virtual key must start with 'sk-'.";
  return envelope(400, message, 'bad_request_error', 'key');
}

/**
 * `soft_budget` on a key makes the proxy create a budget row of its own and point the key
 * at it, silently replacing `budget_id` — reproduced because clients must avoid it.
 */
function splitSoftBudget(ctx: Ctx, value: Body, now: number): void {
  if (typeof value.soft_budget !== 'number') return;
  const budgetId = randomId();
  ctx.state.putBudget({ ...newTier(budgetId, now), soft_budget: value.soft_budget });
  value.budget_id = budgetId;
}

function store(ctx: Ctx, raw: string, token: string, value: Body): VirtualKey {
  const now = ctx.now();
  const existing = ctx.state.keys.get(token);
  const key = existing ?? blankKey(raw, token, now);
  applyKeyFields(key, value, now);
  key.updated_at = now;
  key.tierCache = null;
  ctx.state.keys.set(token, key);
  return key;
}

export const keyGenerate: Handler = async (req, ctx) => {
  const parsed = parseObjectBody(req.body);
  if ('reply' in parsed) return parsed.reply;
  const { value, issues } = coerceFields(parsed.body, KEY_SCHEMA);
  if (issues.length > 0) return validationError(issues);

  const raw = typeof value.key === 'string' ? value.key : randomKey();
  if (!raw.startsWith('sk-')) return badKeyFormat();
  const token = await sha256Hex(raw);
  const taken = aliasTaken(ctx.state, value, token);
  if (taken) return taken;
  if (typeof value.budget_id === 'string' && !ctx.state.budgets.has(value.budget_id)) {
    return internalError();
  }
  if (!durationParses(value)) return plainServerError();

  splitSoftBudget(ctx, value, ctx.now());
  const key = store(ctx, raw, token, value);
  const tier = ctx.options.embedTierOnGenerate ? ctx.state.liveTier(key) : null;
  return json(generatedKey(key, tier));
};
