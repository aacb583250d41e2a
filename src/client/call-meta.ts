/** The rate-limit view the gateway sent with an answer; absent values are `undefined`. */
export interface RateLimitInfo {
  /** `x-ratelimit-api_key-limit-requests`: the key's requests per window. */
  limitRequests: number | undefined;
  /** `x-ratelimit-api_key-remaining-requests`. */
  remainingRequests: number | undefined;
  /** `x-ratelimit-api_key-limit-tokens`: the key's tokens per window. */
  limitTokens: number | undefined;
  /** `x-ratelimit-api_key-remaining-tokens`. */
  remainingTokens: number | undefined;
  /** `x-litellm-key-rpm-limit`, the key's effective rpm. */
  keyRpmLimit: number | undefined;
  /** `x-litellm-key-tpm-limit`, the key's effective tpm. */
  keyTpmLimit: number | undefined;
  /** `x-litellm-key-max-budget`, in USD. */
  keyMaxBudget: number | undefined;
}

/** What the gateway said about a call besides its body. */
export interface CallMeta {
  /** `x-litellm-call-id`: quote it when asking the gateway's operators about a call. */
  callId: string | undefined;
  /** `x-litellm-response-cost`: what this call cost, in USD. */
  cost: number | undefined;
  /** `x-litellm-key-spend`: the key's spend the gateway knew of, in USD. */
  keySpend: number | undefined;
  rateLimit: RateLimitInfo;
  /** HTTP status of the answer. */
  status: number;
  headers: Headers;
}

export function readCallMeta(response: Response): CallMeta {
  const h = response.headers;
  return {
    callId: h.get('x-litellm-call-id') ?? undefined,
    cost: num(h, 'x-litellm-response-cost'),
    keySpend: num(h, 'x-litellm-key-spend'),
    rateLimit: {
      limitRequests: num(h, 'x-ratelimit-api_key-limit-requests'),
      remainingRequests: num(h, 'x-ratelimit-api_key-remaining-requests'),
      limitTokens: num(h, 'x-ratelimit-api_key-limit-tokens'),
      remainingTokens: num(h, 'x-ratelimit-api_key-remaining-tokens'),
      keyRpmLimit: num(h, 'x-litellm-key-rpm-limit'),
      keyTpmLimit: num(h, 'x-litellm-key-tpm-limit'),
      keyMaxBudget: num(h, 'x-litellm-key-max-budget'),
    },
    status: response.status,
    headers: h,
  };
}

function num(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}
