import { describe, expect, it } from 'vitest';
import { adminOf, HELLO, tierId, useGateway } from './gateway';

/** Counts the keys the gateway holds on a tier, through its own key list and key info. */
async function keysOn(ctx: ReturnType<typeof useGateway>, budgetId: string): Promise<number> {
  let count = 0;
  for await (const token of ctx.admin.listKeys()) {
    const { info } = await ctx.admin.getKeyInfo(token);
    if (info.budget_id === budgetId) count += 1;
  }
  return count;
}

describe('creation is exactly-once when the gateway loses answers', () => {
  const ctx = useGateway();

  it('turns a key whose answer was dropped after it was made into one usable key', async () => {
    const id = tierId('drop-key');
    await ctx.admin.createBudget({ budget_id: id });
    // The key's answer is lost, then so is the first look-up that would confirm it.
    const fault = ctx.gateway.inject({
      match: { path: /^\/key\/(generate|info)$/ },
      fault: { kind: 'drop', when: 'after' },
      times: 2,
    });
    const admin = adminOf(ctx.gateway, { maxRetries: 3 });
    const key = await admin.generateKey({ budget_id: id, key_alias: `${id}-a` });

    expect(fault.hits).toBe(2);
    expect(await keysOn(ctx, id)).toBe(1);
    const client = await admin.withKey(key);
    await expect(client.chatCompletions(HELLO)).resolves.toMatchObject({ object: 'chat.completion' });
    await client.close();
    await admin.close();
  });

  it('keeps one key when the answer comes back malformed after the key was made', async () => {
    const id = tierId('malformed-key');
    await ctx.admin.createBudget({ budget_id: id });
    ctx.gateway.inject({ match: { path: '/key/generate' }, fault: { kind: 'malformed' } });
    const admin = adminOf(ctx.gateway, { maxRetries: 2 });
    const key = await admin.generateKey({ budget_id: id });
    expect(key.key).toMatch(/^sk-/);
    expect(await keysOn(ctx, id)).toBe(1);
    await admin.close();
  });

  it('reads a tier back instead of creating it twice when its answer was dropped', async () => {
    const id = tierId('drop-tier');
    ctx.gateway.inject({
      match: { path: '/budget/new' },
      fault: { kind: 'drop', when: 'after' },
    });
    const admin = adminOf(ctx.gateway, { maxRetries: 2 });
    const row = await admin.createBudget({ budget_id: id, rpm_limit: 7 });
    expect(row).toMatchObject({ budget_id: id, rpm_limit: 7 });
    const all = await ctx.admin.listBudgets();
    expect(all.filter((b) => b.budget_id === id)).toHaveLength(1);
    await admin.close();
  });

  it('chooses a tier id when none is given, so that the read-back can find it', async () => {
    ctx.gateway.inject({
      match: { path: '/budget/new' },
      fault: { kind: 'drop', when: 'after' },
    });
    const admin = adminOf(ctx.gateway, { maxRetries: 2 });
    const before = (await ctx.admin.listBudgets()).length;
    const row = await admin.createBudget({ rpm_limit: 4 });
    expect(row.budget_id).toMatch(/^tier-[0-9a-f-]{36}$/);
    expect((await ctx.admin.listBudgets()).length).toBe(before + 1);
    await admin.close();
  });

  it('rides out a burst of 5xx answers with retries', async () => {
    const id = tierId('burst');
    const fault = ctx.gateway.inject({
      match: { path: '/budget/new' },
      fault: { kind: 'status', status: 503 },
      times: 2,
    });
    const admin = adminOf(ctx.gateway, { maxRetries: 2 });
    await expect(admin.createBudget({ budget_id: id })).resolves.toMatchObject({ budget_id: id });
    expect(fault.hits).toBe(2);
    await admin.close();
  });
});
