import { describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../../src/client/errors';
import type { LimiterEvent } from '../../src/limiter/events';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import { headers, limits, status } from './support/flush';

const answer = (cost: string, spend: string) => ({
  sent: true,
  status: 200,
  headers: headers({ 'x-litellm-response-cost': cost, 'x-litellm-key-spend': spend }),
});

const gatewayBudgetError = (extra: Record<string, unknown> = {}) =>
  new BudgetExceededError({
    source: 'gateway',
    limit: 'budget',
    status: 400,
    body: undefined,
    headers: undefined,
    message: 'Budget has been exceeded! Current cost: 0.017, Max budget: 0.01',
    method: 'POST',
    path: '/chat/completions',
    ...extra,
  });

describe('max_budget', () => {
  it('adds up x-litellm-response-cost and refuses locally at the budget', async () => {
    const limiter = new TierLimiter(limits({ maxBudget: 0.05 }));
    for (let i = 0; i < 3; i += 1) {
      const grant = await limiter.acquire({ tokens: 1 });
      grant.settle(answer('0.017', (0.017 * i).toFixed(3)));
    }
    expect(limiter.state()).toMatchObject({ budgetSpent: true });
    const error = await limiter.acquire({ tokens: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({ source: 'client', limit: 'budget', maxBudget: 0.05 });
    expect((error as BudgetExceededError).spend).toBeCloseTo(0.051);
    expect((error as Error).message).toContain('max_budget 0.05 USD');
    await limiter.close();
  });

  it('takes x-litellm-key-spend when it is higher (other clients spent)', async () => {
    const limiter = new TierLimiter(limits({ maxBudget: 1 }));
    const grant = await limiter.acquire({ tokens: 1 });
    grant.settle(answer('0.5', '0.6'));
    expect(limiter.state().spend).toBeCloseTo(1.1);
    await expect(limiter.acquire({ tokens: 1 })).rejects.toBeInstanceOf(BudgetExceededError);
    await limiter.close();
  });

  it('counts a cost the client passes when headers cannot be read (browsers)', async () => {
    const limiter = new TierLimiter(limits({ maxBudget: 0.03 }), { spend: 0.01 });
    const grant = await limiter.acquire({ tokens: 1 });
    grant.settle({ sent: true, status: 200, headers: null, cost: 0.02 });
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'budget' });
    await limiter.close();
  });

  it('refuses at once when the spend it starts with is already at the budget', async () => {
    const limiter = new TierLimiter(limits({ maxBudget: 2 }), { spend: 2 });
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({
      name: 'BudgetExceededError',
      source: 'client',
    });
    await limiter.close();
  });

  it('marks the budget spent when the gateway answers budget_exceeded', async () => {
    const limiter = new TierLimiter(limits({}));
    const grant = await limiter.acquire({ tokens: 1 });
    grant.settle({ sent: true, status: 400, error: gatewayBudgetError({ spend: 0.017 }) });
    const error = await limiter.acquire({ tokens: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'BudgetExceededError', source: 'client', limit: 'budget' });
    await limiter.close();
  });

  it('refuses calls already waiting once the budget is spent', async () => {
    const limiter = new TierLimiter(limits({ maxBudget: 1, parallel: 1 }));
    const first = await limiter.acquire({ tokens: 1 });
    const waiting = limiter.acquire({ tokens: 1 });
    expect(await status(waiting)).toBe('pending');
    first.settle(answer('1.5', '0'));
    await expect(waiting).rejects.toBeInstanceOf(BudgetExceededError);
    await limiter.close();
  });

  it('emits budgetWarning once when spend crosses soft_budget', async () => {
    const events: LimiterEvent[] = [];
    const limiter = new TierLimiter(limits({ maxBudget: 10, softBudget: 0.03 }), {
      emit: (event) => events.push(event),
    });
    for (let i = 0; i < 4; i += 1) {
      const grant = await limiter.acquire({ tokens: 1 });
      grant.settle(answer('0.017', '0'));
    }
    const warnings = events.filter((e) => e.type === 'budgetWarning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ softBudget: 0.03, maxBudget: 10 });
    expect((warnings[0] as { spend: number }).spend).toBeCloseTo(0.034);
    await limiter.close();
  });

  it('emits budgetWarning when it starts above soft_budget, after listeners attach', async () => {
    const events: LimiterEvent[] = [];
    const limiter = new TierLimiter(limits({ softBudget: 1 }), {
      spend: 1.5,
      emit: (event) => events.push(event),
    });
    expect(events).toEqual([]);
    await Promise.resolve();
    expect(events).toEqual([{ type: 'budgetWarning', spend: 1.5, softBudget: 1, maxBudget: null }]);
    await limiter.close();
  });
});
