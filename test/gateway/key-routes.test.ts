import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { withGateway, type Toolkit } from './support/toolkit';

/** Key and tier routes: creating a key exactly once, reading it by hash, blocking, deleting. */

const hash = (key: string) => createHash('sha256').update(key).digest('hex');
let t: Toolkit | undefined;
afterEach(async () => t?.gw.close());

const master = () => ({ authorization: `Bearer ${t!.gw.masterKey}` });

describe('key routes', () => {
  it('upserts a client-chosen key sent again: 200 both times, one row', async () => {
    t = await withGateway();
    const body = { key: 'sk-chosen-by-client-0001', key_alias: 'once' };
    const first = await t.send('POST', '/key/generate', master(), body);
    const again = await t.send('POST', '/key/generate', master(), body);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect((again.body as { token: string }).token).toBe(hash(body.key));
    expect(await t.admin('GET', '/key/list')).toMatchObject({
      keys: [hash(body.key)],
      total_count: 1,
    });
  });

  it('refuses an alias another key already has, naming key_alias', async () => {
    t = await withGateway();
    await t.key({ key_alias: 'taken' });
    const answer = await t.send('POST', '/key/generate', master(), { key_alias: 'taken' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: { type: 'bad_request_error', param: 'key_alias', code: '400' },
    });
  });

  it('reads a key by its raw value, by its hash, and by itself without ?key=', async () => {
    t = await withGateway();
    await t.tier({ budget_id: 'tier', rpm_limit: 7 });
    const key = await t.key({ budget_id: 'tier' });
    const byRaw = (await t.admin('GET', `/key/info?key=${key}`)) as { key: string };
    const byHash = (await t.admin('GET', `/key/info?key=${hash(key)}`)) as { key: string };
    const self = await t.send('GET', '/key/info', { authorization: `Bearer ${key}` });
    expect([byRaw.key, byHash.key]).toEqual([key, hash(key)]);
    expect(self.body).toMatchObject({
      key: hash(key),
      info: { litellm_budget_table: { rpm_limit: 7 } },
    });
  });

  it('does not let a virtual key read another key or use admin routes', async () => {
    t = await withGateway();
    const [mine, other] = [await t.key(), await t.key()];
    expect(
      (await t.send('GET', `/key/info?key=${other}`, { authorization: `Bearer ${mine}` })).status,
    ).toBe(403);
    const admin = await t.send('GET', '/budget/list', { authorization: `Bearer ${mine}` });
    expect(admin.status).toBe(401);
    expect(JSON.stringify(admin.body)).toContain('Only proxy admin');
  });

  it('blocks and unblocks a key', async () => {
    t = await withGateway();
    const key = await t.key();
    await t.admin('POST', '/key/block', { key });
    const blocked = await t.chat(key);
    expect(blocked.status).toBe(401);
    expect(JSON.stringify(blocked.body)).toContain('Key is blocked');
    await t.admin('POST', '/key/unblock', { key: hash(key) });
    expect((await t.chat(key)).status).toBe(200);
  });

  it('deletes a key: its calls get token_not_found_in_db and a second delete 404', async () => {
    t = await withGateway();
    const key = await t.key();
    expect(await t.admin('POST', '/key/delete', { keys: [key] })).toEqual({ deleted_keys: [key] });
    expect((await t.chat(key)).body).toMatchObject({
      error: { type: 'token_not_found_in_db', code: '401' },
    });
    expect((await t.send('POST', '/key/delete', master(), { keys: [key] })).status).toBe(404);
  });

  it('answers null for an unknown tier and detaches keys from a deleted one', async () => {
    t = await withGateway();
    expect(await t.admin('POST', '/budget/update', { budget_id: 'nope', rpm_limit: 1 })).toBeNull();
    await t.tier({ budget_id: 'tier' });
    const key = await t.key({ budget_id: 'tier' });
    await t.admin('POST', '/budget/delete', { id: 'tier' });
    const info = (await t.admin('GET', `/key/info?key=${key}`)) as {
      info: Record<string, unknown>;
    };
    expect(info.info).toMatchObject({ budget_id: null, litellm_budget_table: null });
  });

  it('coerces numeric strings and refuses other strings with a 422 naming the field', async () => {
    t = await withGateway();
    expect(await t.admin('POST', '/budget/new', { budget_id: 'n', rpm_limit: '7' })).toMatchObject({
      rpm_limit: 7,
    });
    const bad = await t.send('POST', '/budget/new', master(), { rpm_limit: 'abc' });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({
      detail: [{ type: 'int_parsing', loc: ['body', 'rpm_limit'], input: 'abc' }],
    });
  });

  it('answers litellm_budget_table null when embedTierOnGenerate is false', async () => {
    t = await withGateway({ embedTierOnGenerate: false });
    await t.tier({ budget_id: 'tier', rpm_limit: 1 });
    const generated = (await t.admin('POST', '/key/generate', { budget_id: 'tier' })) as Record<
      string,
      unknown
    >;
    expect(generated.litellm_budget_table).toBeNull();
    expect(generated.budget_id).toBe('tier');
  });

  it('moves a key sent with soft_budget onto a new tier, as the proxy does', async () => {
    t = await withGateway();
    await t.tier({ budget_id: 'tier', rpm_limit: 1 });
    const generated = (await t.admin('POST', '/key/generate', {
      budget_id: 'tier',
      soft_budget: 5,
    })) as { budget_id: string };
    expect(generated.budget_id).not.toBe('tier');
    expect(await t.admin('GET', '/budget/list')).toHaveLength(2);
  });

  it('serves embeddings under the same limits and prices', async () => {
    t = await withGateway();
    const key = await t.key({ rpm_limit: 1 });
    const send = () =>
      t!.send(
        'POST',
        '/v1/embeddings',
        { authorization: `Bearer ${key}` },
        { model: 'fake-gpt', input: ['a', 'b'] },
      );
    const first = await send();
    expect(first.body).toMatchObject({
      object: 'list',
      data: [{ index: 0 }, { index: 1 }],
      usage: { prompt_tokens: 14 },
    });
    expect(first.headers['x-litellm-response-cost']).toBe('0.014');
    expect((await send()).status).toBe(429);
  });
});
