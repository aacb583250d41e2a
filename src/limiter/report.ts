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

/**
 * Reads each header by name (a `get` is cheaper than walking every header, which sorts them).
 * A value counts when it is a non-negative number.
 */
export function readReport(headers: Headers | null | undefined): GatewayReport {
  const num = (...names: string[]): number | null => {
    for (const name of names) {
      const raw = headers?.get(`x-${name}`);
      if (raw == null || raw.trim() === '') continue;
      const n = Number(raw);
      if (n >= 0 && n < Infinity) return n;
    }
    return null;
  };
  const key = 'ratelimit-api_key-';
  const model = 'ratelimit-model_per_key-';
  return {
    rpmLimit: num(`${key}limit-requests`, 'litellm-key-rpm-limit'),
    tpmLimit: num(`${key}limit-tokens`, 'litellm-key-tpm-limit'),
    maxBudget: num('litellm-key-max-budget'),
    parallelLimit: num(`${key}limit-max_parallel_requests`),
    remainingRequests: num(`${key}remaining-requests`),
    remainingTokens: num(`${key}remaining-tokens`),
    modelRpmLimit: num(`${model}limit-requests`),
    modelTpmLimit: num(`${model}limit-tokens`),
    modelRemainingRequests: num(`${model}remaining-requests`),
    modelRemainingTokens: num(`${model}remaining-tokens`),
    cost: num('litellm-response-cost'),
    keySpend: num('litellm-key-spend'),
  };
}
