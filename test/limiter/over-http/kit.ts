import { afterAll, beforeAll } from 'vitest';
import { startGateway, type RunningGateway, type StartGatewayOptions } from '../../../src/gateway/index';
import { TierClient, type BudgetNewRequest, type TierClientOptions } from '../../../src/index';

export const WINDOW_MS = 600;
export const ask = (content = 'hello', extra: Record<string, unknown> = {}) => ({
  model: 'fake-gpt',
  messages: [{ role: 'user' as const, content }],
  ...extra,
});

/** A local gateway over HTTP for the file; every test makes its own tier and key on it. */
export function useTierGateway(options: StartGatewayOptions = {}) {
  const ctx = {} as {
    gateway: RunningGateway;
    admin: TierClient;
    /** A tier with these limits, a key on it, and a limited client for that key. */
    keyed: (tier: BudgetNewRequest, client?: Partial<TierClientOptions>,
      key?: Record<string, unknown>) => Promise<{ client: TierClient; token: string; key: string }>;
  };
  const open: TierClient[] = [];
  let n = 0;
  beforeAll(async () => {
    ctx.gateway = await startGateway({ windowMs: WINDOW_MS, tierCacheMs: 0, ...options });
    ctx.admin = new TierClient({ baseUrl: ctx.gateway.url, apiKey: ctx.gateway.masterKey });
    ctx.keyed = async (tier, clientOptions = {}, keyFields = {}) => {
      n += 1;
      const budget_id = `t${n}-${process.pid}`;
      await ctx.admin.createBudget({ ...tier, budget_id });
      const generated = await ctx.admin.generateKey({ budget_id, ...keyFields });
      const client = await ctx.admin.withKey(generated, { windowMs: WINDOW_MS, ...clientOptions });
      open.push(client);
      return { client, token: generated.token as string, key: generated.key };
    };
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await ctx.admin?.close();
    await ctx.gateway?.close();
  });
  return ctx;
}

/** Everything the gateway counted for one key. */
export function statsOf(ctx: ReturnType<typeof useTierGateway>, token: string) {
  const stats = ctx.gateway.stats().keys[token];
  if (!stats) throw new Error(`the gateway saw no call from key ${token.slice(0, 8)}`);
  const refused = Object.values(stats.refused).reduce((a, b) => a + b, 0);
  return { ...stats, refusedTotal: refused };
}

export function settleAll(promises: Array<PromiseLike<unknown>>) {
  return Promise.allSettled(promises).then((results) => ({
    ok: results.filter((r) => r.status === 'fulfilled').length,
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  }));
}
