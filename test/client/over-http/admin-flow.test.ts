import { describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError, NotFoundError } from '../../../src/index';
import { HELLO, tierId, useGateway } from './gateway';

describe('the typed client against the local gateway over HTTP', () => {
  const ctx = useGateway();

  it('creates a tier, issues a key bound to it and calls chat with that key', async () => {
    const id = tierId('flow');
    const tier = await ctx.admin.createBudget({ budget_id: id, rpm_limit: 5, max_budget: 1 });
    expect(tier).toMatchObject({ budget_id: id, rpm_limit: 5, max_budget: 1 });

    const key = await ctx.admin.generateKey({ budget_id: id });
    expect(key.key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(key.litellm_budget_table?.budget_id).toBe(id);

    const client = await ctx.admin.withKey(key);
    const { data, meta } = await client.chatCompletions(HELLO).withResponse();
    expect(data.choices[0]?.message?.content).toBe('fake reply to: hello');
    expect(meta.callId).toBeTruthy();
    expect(meta.cost).toBeCloseTo(0.017);
    expect(meta.rateLimit.limitRequests).toBe(5);
    expect(meta.rateLimit.remainingRequests).toBe(4);
    await client.close();
  });

  it('reads a key by its hash, lists it, blocks, unblocks and deletes it', async () => {
    const id = tierId('keys');
    await ctx.admin.createBudget({ budget_id: id });
    const key = await ctx.admin.generateKey({ budget_id: id, key_alias: `${id}-alias` });
    const token = key.token as string;

    const info = await ctx.admin.getKeyInfo(token);
    expect(info.info.budget_id).toBe(id);
    expect(info.info.key_alias).toBe(`${id}-alias`);

    const hashes: string[] = [];
    for await (const hash of ctx.admin.listKeys({ pageSize: 2 })) hashes.push(hash);
    expect(hashes).toContain(token);

    await ctx.admin.blockKey(key.key);
    const blocked = ctx.admin.withKey(key).then((c) => c.chatCompletions(HELLO));
    await expect(blocked).rejects.toBeInstanceOf(AuthenticationError);
    await ctx.admin.unblockKey(key.key);

    const deleted = await ctx.admin.deleteKey({ keys: [key.key] });
    expect(deleted.deleted_keys).toEqual([key.key]);
    await expect(ctx.admin.getKeyInfo(token)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a duplicate key_alias with a BadRequestError naming the param', async () => {
    const id = tierId('alias');
    await ctx.admin.createBudget({ budget_id: id });
    await ctx.admin.generateKey({ budget_id: id, key_alias: `${id}-once` });
    const again = await ctx.admin.generateKey({ budget_id: id, key_alias: `${id}-once` })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(BadRequestError);
    expect((again as BadRequestError).param).toBe('key_alias');
  });

  it('walks every page of full key rows', async () => {
    const id = tierId('pages');
    await ctx.admin.createBudget({ budget_id: id });
    const tokens = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      tokens.add((await ctx.admin.generateKey({ budget_id: id })).token as string);
    }
    // Full rows on 1.80.7 carry no budget_id: find ours by hash.
    const rows = [];
    for await (const row of ctx.admin.listKeys({ fullObjects: true, pageSize: 2 })) {
      if (tokens.has(row.token as string)) rows.push(row);
    }
    expect(rows).toHaveLength(5);
    expect(rows.every((row) => typeof row.key_name === 'string')).toBe(true);
  });

  it('updates and deletes tiers, answering null for unknown ids', async () => {
    const id = tierId('tiers');
    await ctx.admin.createBudget({ budget_id: id, rpm_limit: 3 });
    const updated = await ctx.admin.updateBudget({ budget_id: id, rpm_limit: 9 });
    expect(updated?.rpm_limit).toBe(9);
    expect(await ctx.admin.updateBudget({ budget_id: `${id}-none`, rpm_limit: 1 })).toBeNull();

    const [row] = await ctx.admin.getBudgets([id]);
    expect(row?.rpm_limit).toBe(9);
    const settings = await ctx.admin.getBudgetSettings(id);
    expect(settings.map((f) => f.field_name)).toContain('rpm_limit');
    expect((await ctx.admin.listBudgets()).map((b) => b.budget_id)).toContain(id);

    expect((await ctx.admin.deleteBudget(id))?.budget_id).toBe(id);
    expect(await ctx.admin.deleteBudget(id)).toBeNull();
  });
});
