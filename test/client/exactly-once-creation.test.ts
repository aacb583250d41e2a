// A lost answer to a create neither loses what was created nor creates it twice.
//
// The gateway here (stateful-gateway.ts) stores keys and tiers and answers with the recorded
// bodies: key-generate-client-chosen-key.ok, key-generate-duplicate-alias.400,
// key-info-by-hash.master, key-info-unknown-key.404, budget-new.ok, budget-new-minimal.ok,
// budget-new-duplicate.500 (text/plain), budget-info.ok.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BadRequestError } from '../../src/index';
import { newClient, rejectionOf, settled, useGateway } from './harness';
import { budgetGateway, keyGateway, sha256 } from './stateful-gateway';
import { recordedBody } from './wire';

const server = useGateway();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function keys() {
  const gateway = keyGateway();
  server.use(gateway.generate.handler, gateway.info.handler);
  return gateway;
}

function tiers() {
  const gateway = budgetGateway();
  server.use(gateway.create.handler, gateway.read.handler);
  return gateway;
}

const sentBody = async (request: Request | undefined) =>
  (await request?.clone().json()) as Record<string, unknown>;

describe('generateKey', () => {
  it('turns an answer lost after the key was stored into exactly one usable key', async () => {
    const gateway = keys();
    gateway.losses.push('answer-lost');

    const created = await settled(newClient({ maxRetries: 2 }).generateKey({
      budget_id: 'wire-tier-full',
    }));

    expect(gateway.keys.size).toBe(1);
    const [stored] = [...gateway.keys.values()];
    expect(created.key).toBe(stored?.key);
    expect(created.token).toBe(sha256(created.key));
    expect(created.budget_id).toBe('wire-tier-full');
    expect(gateway.generate.count).toBe(1); // confirmed by reading back, not re-sent
  });

  it('looks the key up by its hash, so the secret never travels in a URL', async () => {
    const gateway = keys();
    gateway.losses.push('answer-lost');
    const created = await settled(newClient({ maxRetries: 2 }).generateKey());
    const lookup = new URL(gateway.info.requests[0]?.url ?? 'http://missing');
    expect(lookup.searchParams.get('key')).toBe(sha256(created.key));
    expect(lookup.href).not.toContain(created.key);
  });

  it('does the same when the answer is lost as a 502', async () => {
    const gateway = keys();
    gateway.losses.push('answer-502');
    const created = await settled(newClient({ maxRetries: 2 }).generateKey());
    expect(gateway.keys.size).toBe(1);
    expect(created.key).toBe([...gateway.keys.values()][0]?.key);
  });

  it('gets its key even when a re-sent request would be refused as a duplicate alias', async () => {
    const gateway = keys();
    gateway.losses.push('answer-lost');

    const created = await settled(newClient({ maxRetries: 2 }).generateKey({
      key_alias: 'wire-alias-once',
    }));

    expect(gateway.keys.size).toBe(1);
    expect(created.key).toBe([...gateway.keys.values()][0]?.key);
    expect(created.key_alias).toBe('wire-alias-once');
    // The gateway does refuse the alias a second time: the read-back is what saved the call.
    const again = await settled(rejectionOf(newClient().generateKey({
      key_alias: 'wire-alias-once',
    })));
    expect(again).toBeInstanceOf(BadRequestError);
    expect(again).toMatchObject({ param: 'key_alias' });
    expect(gateway.keys.size).toBe(1);
  });

  it('re-sends the same key when the request was lost before the gateway saw it', async () => {
    const gateway = keys();
    gateway.losses.push('request-lost');

    const created = await settled(newClient({ maxRetries: 2 }).generateKey());

    expect(gateway.keys.size).toBe(1);
    expect(gateway.generate.count).toBe(2);
    const [first, second] = await Promise.all(gateway.generate.requests.map(sentBody));
    expect(second?.key).toBe(first?.key);
    expect(created.key).toBe(first?.key);
  });

  it('keeps a key the caller chose', async () => {
    const gateway = keys();
    const chosen = 'sk-wire-chosen-by-client-0001';
    const created = await settled(newClient().generateKey({ key: chosen }));
    const sent = await sentBody(gateway.generate.requests[0]);
    expect(sent.key).toBe(chosen);
    expect(created.key).toBe(chosen);
  });

  it('chooses a strong key when none is given: sk- and 43 base64url characters', async () => {
    const gateway = keys();
    await settled(newClient().generateKey());
    await settled(newClient().generateKey());
    const [first, second] = await Promise.all(gateway.generate.requests.map(sentBody));
    expect(first?.key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(second?.key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(second?.key).not.toBe(first?.key);
    expect(gateway.keys.size).toBe(2);
  });
});

describe('createBudget', () => {
  const fullTier = recordedBody<Record<string, unknown>>('budget-new.ok.json');
  const tier = {
    max_budget: 10,
    soft_budget: 8,
    max_parallel_requests: 2,
    tpm_limit: 1000,
    rpm_limit: 30,
    budget_duration: '30d',
    // In the order budget-new.ok.json sent it; the gateway stores it in another.
    model_max_budget: {
      'fake-gpt': { max_budget: 5, budget_duration: '1d', tpm_limit: 500, rpm_limit: 10 },
    },
  };

  it('confirms a lost answer by reading the tier back, and creates one tier', async () => {
    const gateway = tiers();
    gateway.losses.push('answer-lost');

    const row = await settled(newClient({ maxRetries: 2 }).createBudget({
      budget_id: 'wire-tier-full',
      ...tier,
    }));

    expect(gateway.tiers.size).toBe(1);
    expect(gateway.create.count).toBe(1);
    expect(gateway.read.count).toBe(1);
    expect(row).toMatchObject({ budget_id: 'wire-tier-full', rpm_limit: 30, tpm_limit: 1000 });
    expect(row.model_max_budget).toEqual(fullTier.model_max_budget);
  });

  it('chooses the budget_id when none is given, so the read-back can find the tier', async () => {
    const gateway = tiers();
    gateway.losses.push('answer-lost');

    const row = await settled(newClient({ maxRetries: 2 }).createBudget({ rpm_limit: 3 }));

    const sent = await sentBody(gateway.create.requests[0]);
    expect(sent.budget_id).toMatch(/^tier-[0-9a-f-]{36}$/);
    expect(row.budget_id).toBe(sent.budget_id);
    expect(gateway.tiers.size).toBe(1);
  });

  it('keeps a budget_id the caller chose', async () => {
    const gateway = tiers();
    const tier = { budget_id: 'wire-tier-zero', rpm_limit: 0 };
    const row = await settled(newClient().createBudget(tier));
    expect((await sentBody(gateway.create.requests[0])).budget_id).toBe('wire-tier-zero');
    expect(row).toMatchObject({ budget_id: 'wire-tier-zero', rpm_limit: 0 });
  });

  it('reads numeric strings back as the numbers the gateway stored', async () => {
    const gateway = tiers();
    gateway.losses.push('answer-502');
    const row = await settled(newClient({ maxRetries: 2 }).createBudget({
      budget_id: 'wire-tier-str-num',
      rpm_limit: '7' as unknown as number, // the gateway coerces it (budget-new-numeric-strings)
    }));
    expect(row).toMatchObject({ rpm_limit: 7 });
    expect(gateway.create.count).toBe(1);
  });

  it('re-sends when the request was lost before the gateway saw it', async () => {
    const gateway = tiers();
    gateway.losses.push('request-lost');
    const row = await settled(newClient({ maxRetries: 2 }).createBudget({ rpm_limit: 3 }));
    expect(gateway.create.count).toBe(2);
    expect(gateway.tiers.size).toBe(1);
    expect(row.rpm_limit).toBe(3);
  });

  it('does not take a different tier with the same id for its own', async () => {
    const gateway = tiers();
    gateway.tiers.set('wire-tier-zero', { ...fullTier, budget_id: 'wire-tier-zero', rpm_limit: 0 });
    gateway.losses.push('request-lost');
    const error = await settled(rejectionOf(newClient({ maxRetries: 1 }).createBudget({
      budget_id: 'wire-tier-zero',
      rpm_limit: 5,
    })));
    // Re-sent, and refused as a duplicate (budget-new-duplicate.500): no false success.
    expect(error).toMatchObject({ status: 500, body: 'Internal Server Error' });
    expect(gateway.create.count).toBe(2);
  });
});
