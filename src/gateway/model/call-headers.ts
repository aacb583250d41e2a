import type { LimitStatus } from './enforcement/admission';
import type { Limits } from './enforcement/limits';
import { keyHeaders } from './enforcement/refusals';
import { pyFloat } from './format';
import { deploymentId, type UpstreamAnswer } from './upstream';

/** The headers of an answered model call, in the groups and order the proxy sends them. */

export interface CallFacts {
  callId: string;
  model: string;
  cost: number;
  limits: Limits;
  spendBefore: number;
  statuses: LimitStatus[];
  answer: UpstreamAnswer;
}

const API_BASE = 'http://fake-upstream.invalid/v1';

function identity(facts: CallFacts): Record<string, string> {
  return {
    'x-litellm-call-id': facts.callId,
    'x-litellm-model-id': deploymentId(facts.model),
    'x-litellm-model-api-base': API_BASE,
    'x-litellm-version': '1.80.7',
  };
}

/** What an OpenAI-style upstream reports of its own limits (`[oai-rl]` in the message). */
function upstreamLimits(answer: UpstreamAnswer): Record<string, string> {
  const used = answer.promptTokens + answer.completionTokens;
  return {
    'x-ratelimit-limit-requests': '5000',
    'x-ratelimit-remaining-requests': '4999',
    'x-ratelimit-limit-tokens': '800000',
    'x-ratelimit-remaining-tokens': String(800000 - used),
  };
}

function providerHeaders(answer: UpstreamAnswer, bodyLength: number): Record<string, string> {
  const headers: Record<string, string> = {
    'llm_provider-server': 'litellm-tier-client fake upstream',
    'llm_provider-date': new Date().toUTCString(),
    'llm_provider-content-type': 'application/json',
    'llm_provider-content-length': String(bodyLength),
  };
  if (!answer.rateLimitHeaders) return headers;
  for (const [name, value] of Object.entries(upstreamLimits(answer))) {
    headers[`llm_provider-${name}`] = value;
  }
  headers['llm_provider-x-ratelimit-reset-requests'] = '12ms';
  headers['llm_provider-x-ratelimit-reset-tokens'] = '0s';
  return headers;
}

/** `x-ratelimit-<scope>-{remaining,limit}-<type>` for every limit the call was held to. */
export function limitStatusHeaders(statuses: LimitStatus[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const s of statuses) {
    headers[`x-ratelimit-${s.scope}-remaining-${s.type}`] = String(s.remaining);
    headers[`x-ratelimit-${s.scope}-limit-${s.type}`] = String(s.limit);
  }
  return headers;
}

export function answeredHeaders(
  facts: CallFacts,
  durationMs: number,
  bodyLength: number,
): Record<string, string> {
  return {
    ...identity(facts),
    'x-litellm-response-cost': pyFloat(facts.cost),
    'x-litellm-response-cost-original': pyFloat(facts.cost),
    'x-litellm-response-cost-discount-amount': '0.0',
    ...keyHeaders(facts.limits, facts.spendBefore),
    'x-litellm-response-duration-ms': String(durationMs),
    'x-litellm-overhead-duration-ms': '0.5',
    ...(facts.answer.rateLimitHeaders ? upstreamLimits(facts.answer) : {}),
    ...providerHeaders(facts.answer, bodyLength),
    'x-litellm-model-group': facts.model,
    'x-litellm-attempted-retries': '0',
    'x-litellm-attempted-fallbacks': '0',
    ...limitStatusHeaders(facts.statuses),
  };
}

/** A stream's headers go out before its cost is known: no cost, no rate-limit headers. */
export function streamHeaders(facts: CallFacts): Record<string, string> {
  return {
    ...identity(facts),
    'x-litellm-response-cost-original': '0.0',
    'x-litellm-response-cost-discount-amount': '0.0',
    ...keyHeaders(facts.limits, facts.spendBefore),
    'content-type': 'text/event-stream; charset=utf-8',
  };
}
