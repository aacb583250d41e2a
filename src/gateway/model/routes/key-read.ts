import { json, type Handler } from '../context';
import { envelope, validationError, type ValidationIssue } from '../errors';
import { sha256Hex } from '../ids';
import { keyInfoRow, keyListRow } from '../rows';
import type { VirtualKey } from '../state';
import { keyNotFound } from './key-fields';

/** `/key/info` and `/key/list`. */

/**
 * `?key=` may be the raw key or its hash; without it the calling key describes itself, so
 * a virtual key can read its own tier. A virtual key may not read other keys.
 */
export const keyInfo: Handler = async (req, ctx, caller) => {
  const asked = req.query.key;
  if (asked === undefined) {
    const self = caller.kind === 'key' ? caller.key : undefined;
    if (!self) return keyNotFound();
    return json({ key: self.token, info: keyInfoRow(self, ctx.state.liveTier(self)) });
  }
  const key = await ctx.state.findKey(asked);
  if (!key) return keyNotFound();
  if (caller.kind === 'key' && caller.key.token !== key.token) {
    return envelope(403, 'A virtual key may only read its own info.', 'auth_error', 'key');
  }
  return json({ key: asked, info: keyInfoRow(key, ctx.state.liveTier(key)) });
};

function queryInt(
  query: Record<string, string>,
  name: string,
  fallback: number,
  bounds: { ge: number; le?: number },
  issues: ValidationIssue[],
): number {
  const text = query[name];
  if (text === undefined) return fallback;
  const loc = ['query', name];
  if (!/^\s*[-+]?\d+\s*$/.test(text)) {
    const msg = 'Input should be a valid integer, unable to parse string as an integer';
    issues.push({ type: 'int_parsing', loc, msg, input: text });
  } else if (Number(text) < bounds.ge) {
    const msg = `Input should be greater than or equal to ${bounds.ge}`;
    issues.push({ type: 'greater_than_equal', loc, msg, input: text, ctx: { ge: bounds.ge } });
  } else if (bounds.le !== undefined && Number(text) > bounds.le) {
    const msg = `Input should be less than or equal to ${bounds.le}`;
    issues.push({ type: 'less_than_equal', loc, msg, input: text, ctx: { le: bounds.le } });
  }
  return Number(text);
}

function newestFirst(keys: Iterable<VirtualKey>): VirtualKey[] {
  return [...keys].reverse().sort((a, b) => b.created_at - a.created_at);
}

/** Pages of key hashes (or, with `return_full_object=true`, whole rows), newest first. */
export const keyList: Handler = async (req, ctx) => {
  const issues: ValidationIssue[] = [];
  const page = queryInt(req.query, 'page', 1, { ge: 1 }, issues);
  const size = queryInt(req.query, 'size', 10, { ge: 1, le: 100 }, issues);
  if (issues.length > 0) return validationError(issues);

  const alias = req.query.key_alias;
  const all = newestFirst(ctx.state.keys.values()).filter(
    (k) => alias === undefined || k.key_alias === alias,
  );
  const slice = all.slice((page - 1) * size, page * size);
  const full = req.query.return_full_object === 'true';
  return json({
    keys: full ? slice.map(keyListRow) : slice.map((k) => k.token),
    total_count: all.length,
    current_page: page,
    total_pages: Math.ceil(all.length / size),
  });
};

/** The hash a key reference stands for (raw keys are hashed, hashes kept). */
export async function tokenOf(reference: string): Promise<string> {
  return /^[0-9a-f]{64}$/.test(reference) ? reference : sha256Hex(reference);
}
