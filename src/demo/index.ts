/**
 * `npm run demo`: tiers, a key on each, and a burst of chat calls kept inside the tier.
 * Runs on the embedded gateway unless LITELLM_BASE_URL and LITELLM_MASTER_KEY name a real one.
 */
import { RateLimitError, TierClient, TierClientError } from '../index';
import { startGateway } from '../gateway/index';
import { Progress } from './progress';
import { printSummary, type Tally } from './summary';

interface Target {
  baseUrl: string;
  masterKey: string;
  model: string;
  windowMs: number;
  embedded: boolean;
  /** Counts the gateway's own refusals, where it can be asked (the embedded one). */
  gatewayRefusals: (token: string) => number | undefined;
  close: () => Promise<void>;
}

async function target(): Promise<Target> {
  const baseUrl = process.env.LITELLM_BASE_URL;
  const masterKey = process.env.LITELLM_MASTER_KEY;
  if (baseUrl && masterKey) {
    return {
      baseUrl,
      masterKey,
      model: process.env.LITELLM_MODEL ?? 'gpt-4o-mini',
      windowMs: Number(process.env.LITELLM_WINDOW_MS ?? 60_000),
      embedded: false,
      gatewayRefusals: () => undefined,
      close: async () => {},
    };
  }
  const gateway = await startGateway({ windowMs: 5_000 });
  return {
    baseUrl: gateway.url,
    masterKey: gateway.masterKey,
    model: 'fake-gpt',
    windowMs: 5_000,
    embedded: true,
    gatewayRefusals: (token) => {
      const stats = gateway.stats().keys[token];
      if (!stats) return 0;
      return Object.values(stats.refused).reduce((sum, n) => sum + n, 0);
    },
    close: () => gateway.close(),
  };
}

async function main(): Promise<void> {
  const gw = await target();
  const where = gw.embedded ? `the embedded gateway at ${gw.baseUrl}` : gw.baseUrl;
  console.log(`litellm-tier-client demo on ${where} (window ${gw.windowMs / 1000} s)\n`);

  const admin = new TierClient({ baseUrl: gw.baseUrl, apiKey: gw.masterKey });
  const suffix = gw.embedded ? '' : `-${Date.now().toString(36)}`;
  const created: { tiers: string[]; keys: string[] } = { tiers: [], keys: [] };
  try {
    await zeroTier(admin, gw, suffix, created);
    await burst(admin, gw, suffix, created);
  } finally {
    if (!gw.embedded) await cleanUp(admin, created);
    await admin.close();
    await gw.close();
  }
}

/** The docs' example tier: `rpm_limit: 0` refuses every call, and nothing is sent. */
async function zeroTier(admin: TierClient, gw: Target, suffix: string, created: Created) {
  const tier = await admin.createBudget({ budget_id: `my-test-tier${suffix}`, rpm_limit: 0 });
  created.tiers.push(tier.budget_id);
  const key = await admin.generateKey({ budget_id: tier.budget_id });
  created.keys.push(key.key);
  const client = await admin.withKey(key);
  try {
    await client.chatCompletions({ model: gw.model, messages: [{ role: 'user', content: 'hi' }] });
    console.log('✗ my-test-tier: the call was sent; it should have been refused');
  } catch (error) {
    const refused = error instanceof RateLimitError && error.source === 'client';
    console.log(`${refused ? '✓' : '✗'} my-test-tier (rpm_limit 0): ${String(error)}`);
  } finally {
    await client.close();
  }
}

type Created = { tiers: string[]; keys: string[] };

const DEMO_TIER = { rpm_limit: 8, tpm_limit: 2_000, max_parallel_requests: 3 };
const BURST = 24;

/** A burst of three times the tier's rpm, queued by the limiter and sent as the tier allows. */
async function burst(admin: TierClient, gw: Target, suffix: string, created: Created) {
  const tier = await admin.createBudget({ budget_id: `demo-tier${suffix}`, ...DEMO_TIER });
  created.tiers.push(tier.budget_id);
  const key = await admin.generateKey({ budget_id: tier.budget_id });
  created.keys.push(key.key);
  console.log(`\ndemo-tier: ${JSON.stringify(DEMO_TIER)}; ${BURST} calls at once\n`);

  const client = await admin.withKey(key, { windowMs: gw.windowMs });
  const tally: Tally = { calls: BURST, queued: 0, sent: 0, answered: 0, refusedLocally: 0,
    refusedByGateway: 0, failed: 0 };
  const progress = new Progress(BURST, gw.windowMs);
  client.on('queued', () => (tally.queued += 1));
  client.on('refused', () => (tally.refusedLocally += 1));
  client.on('retry', (event) => {
    if (event.error instanceof RateLimitError && event.error.source === 'gateway') {
      tally.refusedByGateway += 1;
    }
  });
  const started = Date.now();
  const timer = setInterval(() => progress.draw(tally, client.limiterState()), 250);
  await Promise.all(
    Array.from({ length: BURST }, (_, i) => oneCall(client, gw.model, i, tally)),
  );
  clearInterval(timer);
  progress.done(tally, client.limiterState());
  await client.close();

  const fromGateway = gw.gatewayRefusals(key.token ?? '');
  printSummary(tally, { seconds: (Date.now() - started) / 1000, fromGateway });
}

async function oneCall(client: TierClient, model: string, i: number, tally: Tally) {
  try {
    const answer = await client
      .chatCompletions({ model, messages: [{ role: 'user', content: `call ${i + 1}` }] })
      .withResponse();
    tally.sent += 1;
    tally.answered += answer.response.ok ? 1 : 0;
  } catch (error) {
    if (error instanceof RateLimitError && error.source === 'gateway') {
      tally.sent += 1;
      tally.refusedByGateway += 1;
    } else if (!(error instanceof TierClientError && (error as RateLimitError).source)) {
      tally.failed += 1;
    }
  }
}

async function cleanUp(admin: TierClient, created: Created): Promise<void> {
  if (created.keys.length) await admin.deleteKey({ keys: created.keys }).catch(() => {});
  for (const id of created.tiers) await admin.deleteBudget(id).catch(() => {});
  console.log(`\nremoved ${created.keys.length} keys and ${created.tiers.length} tiers`);
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${String(error)}`);
  process.exitCode = 1;
});
