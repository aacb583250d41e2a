import { afterEach, describe, expect, it } from 'vitest';
import { withGateway, type Toolkit } from './support/toolkit';

/** How calls weigh on tpm_limit: counted after the call (1.80.7) or reserved before it. */

let t: Toolkit | undefined;
afterEach(async () => t?.gw.close());

async function keyOnTier(tier: Record<string, unknown>, tokenAccounting: 'after' | 'reserve') {
  t = await withGateway({ tokenAccounting });
  await t.tier({ budget_id: 'tier', ...tier });
  return t.key({ budget_id: 'tier' });
}

const remainingTokens = (a: { headers: Record<string, string> }) =>
  a.headers['x-ratelimit-api_key-remaining-tokens'];

describe("tokenAccounting: 'after' (the default, 1.80.7)", () => {
  it('counts one token at admission and the completion tokens when the call ends', async () => {
    const key = await keyOnTier({ tpm_limit: 50 }, 'after');
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await t!.chat(key, `call ${i} [ctoks=20]`));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.slice(0, 3).map(remainingTokens)).toEqual(['49', '28', '7']);
    expect(answers[3]!.headers.rate_limit_type).toBe('tokens');
  });

  it('lets one huge call through and refuses the calls after it', async () => {
    const key = await keyOnTier({ tpm_limit: 50 }, 'after');
    const big = await t!.chat(key, `${'word '.repeat(400)}[ctoks=500]`);
    expect(big.status).toBe(200);
    expect(big.headers['x-litellm-response-cost']).toBe('1.007');
    expect((await t!.chat(key, 'small')).status).toBe(429);
  });
});

describe("tokenAccounting: 'reserve' (newer proxies)", () => {
  it('reserves prompt characters / 4 plus max_tokens before the call', async () => {
    const key = await keyOnTier({ tpm_limit: 100 }, 'reserve');
    const prompt = 'x'.repeat(40); // 10 tokens by the estimate
    const first = await t!.chat(key, prompt, { max_tokens: 80 });
    expect(first.status).toBe(200);
    expect(remainingTokens(first)).toBe('10');
    // Reconciled to the real 12 tokens: 12 + 90 > 100, but 12 + 60 fits.
    expect((await t!.chat(key, prompt, { max_tokens: 80 })).status).toBe(429);
    expect((await t!.chat(key, prompt, { max_tokens: 50 })).status).toBe(200);
  });

  it('reserves at least min(1024, tpm / 4) tokens without max_tokens', async () => {
    const key = await keyOnTier({ tpm_limit: 40 }, 'reserve');
    const answer = await t!.chat(key, 'tiny');
    expect(remainingTokens(answer)).toBe('30');
  });

  it('refuses a call whose estimate alone is over the limit, even in a fresh window', async () => {
    const key = await keyOnTier({ tpm_limit: 50 }, 'reserve');
    const answer = await t!.chat(key, 'x'.repeat(400));
    expect(answer.status).toBe(429);
    expect(answer.headers.rate_limit_type).toBe('tokens');
  });
});
