import type { Gate } from './gate';

/** What a model costs, in USD per token (the proxy's `input_cost_per_token` and output). */
export interface ModelPrice {
  prompt: number;
  completion: number;
}

/**
 * Where the gateway's cost header cannot be read (a browser: the proxy exposes none), a call's
 * cost is computed from its `usage` and the model's price, so the budget is still tracked.
 */
export function pricedGate(gate: Gate, prices: Record<string, ModelPrice>): Gate {
  return {
    acquire: async (call) => {
      const grant = await gate.acquire(call);
      const price = call.model === undefined ? undefined : prices[call.model];
      if (!price) return grant;
      return {
        settle: (outcome) => {
          const usage = outcome.usage;
          const known = outcome.headers?.has('x-litellm-response-cost') ?? false;
          const cost = usage && !known
            ? (usage.prompt_tokens ?? 0) * price.prompt +
              (usage.completion_tokens ?? 0) * price.completion
            : undefined;
          grant.settle(cost === undefined ? outcome : { ...outcome, cost });
        },
      };
    },
  };
}
