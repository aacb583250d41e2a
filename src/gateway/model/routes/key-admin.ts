import { json, type Handler } from '../context';
import { envelope, validationError } from '../errors';
import { isoOffset, isoZ } from '../format';
import { keyAuthRow, keyRow } from '../rows';
import type { VirtualKey } from '../state';
import { coerceFields, missingField, parseObjectBody, type Body } from '../validate';
import { aliasTaken, applyKeyFields, KEY_SCHEMA, keyNotFound } from './key-fields';
import { tokenOf } from './key-read';

/** `/key/update`, `/key/delete`, `/key/block`, `/key/unblock`, `/key/regenerate`. */

function foreignKeyError(): ReturnType<typeof envelope> {
  const message =
    'Authentication Error, Foreign key constraint failed on the field: ' +
    '`LiteLLM_VerificationToken_budget_id_fkey (index)`';
  return envelope(400, message, 'auth_error', 'None');
}

/** 1.80.7 answers the key row with `litellm_budget_table: null`; the change applies at once. */
export const keyUpdate: Handler = async (req, ctx) => {
  const parsed = parseObjectBody(req.body);
  if ('reply' in parsed) return parsed.reply;
  const { value, issues } = coerceFields(parsed.body, KEY_SCHEMA);
  if (issues.length > 0) return validationError(issues);
  if (typeof value.key !== 'string') return missingField('key', parsed.body);

  const key = await ctx.state.findKey(value.key);
  if (!key) return keyNotFound();
  if (typeof value.budget_id === 'string' && !ctx.state.budgets.has(value.budget_id)) {
    return foreignKeyError();
  }
  const taken = aliasTaken(ctx.state, value, key.token);
  if (taken) return taken;

  const { key: sent, ...changes } = value;
  applyKeyFields(key, changes, ctx.now());
  key.updated_at = ctx.now();
  key.tierCache = null;
  return json({ key: sent, token: key.token, ...keyRow(key, null, isoOffset) });
};

async function keysByReference(ctx: Parameters<Handler>[1], body: Body): Promise<VirtualKey[]> {
  const found: VirtualKey[] = [];
  for (const reference of Array.isArray(body.keys) ? body.keys : []) {
    const key =
      typeof reference === 'string' ? ctx.state.keys.get(await tokenOf(reference)) : undefined;
    if (key) found.push(key);
  }
  for (const alias of Array.isArray(body.key_aliases) ? body.key_aliases : []) {
    const key = typeof alias === 'string' ? ctx.state.keyByAlias(alias) : undefined;
    if (key) found.push(key);
  }
  return found;
}

export const keyDelete: Handler = async (req, ctx) => {
  const parsed = parseObjectBody(req.body);
  if ('reply' in parsed) return parsed.reply;
  const body = parsed.body;
  if (!Array.isArray(body.keys) && !Array.isArray(body.key_aliases)) {
    return envelope(400, 'Send keys or key_aliases to delete.', 'bad_request_error');
  }
  const found = await keysByReference(ctx, body);
  if (found.length === 0)
    return envelope(404, "{'error': 'No keys found'}", 'internal_server_error');
  for (const key of found) ctx.state.keys.delete(key.token);
  return json({ deleted_keys: body.keys ?? body.key_aliases });
};

function setBlocked(blocked: boolean): Handler {
  return async (req, ctx) => {
    const parsed = parseObjectBody(req.body);
    if ('reply' in parsed) return parsed.reply;
    if (typeof parsed.body.key !== 'string') return missingField('key', parsed.body);
    const key = await ctx.state.findKey(parsed.body.key);
    if (!key) return keyNotFound();
    key.blocked = blocked;
    key.updated_at = ctx.now();
    // The two routes answer with different projections of the same row, as recorded.
    return json(blocked ? keyAuthRow(key) : { token: key.token, ...keyRow(key, null, isoZ) });
  };
}

export const keyBlock = setBlocked(true);
export const keyUnblock = setBlocked(false);

export const keyRegenerate: Handler = async () => {
  return envelope(
    500,
    'Regenerating keys needs a LiteLLM Enterprise licence.',
    'internal_server_error',
  );
};
