import { afterAll, beforeAll } from 'vitest';
import { startGateway, type RunningGateway, type StartGatewayOptions } from '../../../src/gateway/index';
import { TierClient, type TierClientOptions } from '../../../src/index';

/** A real local gateway on loopback for the file, and an admin client on its master key. */
export function useGateway(options: StartGatewayOptions = {}) {
  const ctx = {} as { gateway: RunningGateway; admin: TierClient };
  beforeAll(async () => {
    ctx.gateway = await startGateway(options);
    ctx.admin = adminOf(ctx.gateway);
  });
  afterAll(async () => {
    await ctx.admin?.close();
    await ctx.gateway?.close();
  });
  return ctx;
}

export function adminOf(gateway: RunningGateway, extra: Partial<TierClientOptions> = {}) {
  return new TierClient({ baseUrl: gateway.url, apiKey: gateway.masterKey, ...extra });
}

export const HELLO = { model: 'fake-gpt', messages: [{ role: 'user' as const, content: 'hello' }] };

let counter = 0;
/** A tier id unique within the run. */
export function tierId(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}`;
}
