/**
 * What a gateway answer says about the key, read from its headers. Every field is null when
 * the header is absent or not a number (browsers cannot read these headers at all).
 */
export interface GatewayReport {
  /** Requests per window the gateway enforces for the key. */
  rpmLimit: number | null;
  /** Tokens per window the gateway enforces for the key. */
  tpmLimit: number | null;
  /** USD. */
  maxBudget: number | null;
  /** The key's own `max_parallel_requests`, which the gateway does enforce. */
  parallelLimit: number | null;
  /** Requests the gateway could still admit in its window, counted when this call arrived. */
  remainingRequests: number | null;
  remainingTokens: number | null;
  /** The same for the call's model (`x-ratelimit-model_per_key-*`). */
  modelRpmLimit: number | null;
  modelTpmLimit: number | null;
  modelRemainingRequests: number | null;
  modelRemainingTokens: number | null;
  /** USD of this call. */
  cost: number | null;
  /** USD spent by the key before this call (1.80.7). */
  keySpend: number | null;
}

type Read = (...names: string[]) => number | null;

/** One pass over the headers (much cheaper than a `get` per name), keeping the `x-` ones. */
function reader(headers: Headers | null | undefined): Read {
  const seen = new Map<string, string>();
  if (headers) {
    for (const [name, value] of headers) if (name.startsWith('x-')) seen.set(name, value);
  }
  return (...names) => {
    for (const name of names) {
      const raw = seen.get(name);
      if (raw === undefined || raw.trim() === '') continue;
      const n = Number(raw);
      if (Number.isFinite(n) && n >= 0) return n;
    }
    return null;
  };
}

export function readReport(headers: Headers | null | undefined): GatewayReport {
  const num = reader(headers);
  return {
    rpmLimit: num('x-ratelimit-api_key-limit-requests', 'x-litellm-key-rpm-limit'),
    tpmLimit: num('x-ratelimit-api_key-limit-tokens', 'x-litellm-key-tpm-limit'),
    maxBudget: num('x-litellm-key-max-budget'),
    parallelLimit: num('x-ratelimit-api_key-limit-max_parallel_requests'),
    remainingRequests: num('x-ratelimit-api_key-remaining-requests'),
    remainingTokens: num('x-ratelimit-api_key-remaining-tokens'),
    modelRpmLimit: num('x-ratelimit-model_per_key-limit-requests'),
    modelTpmLimit: num('x-ratelimit-model_per_key-limit-tokens'),
    modelRemainingRequests: num('x-ratelimit-model_per_key-remaining-requests'),
    modelRemainingTokens: num('x-ratelimit-model_per_key-remaining-tokens'),
    cost: num('x-litellm-response-cost'),
    keySpend: num('x-litellm-key-spend'),
  };
}
