import { RateLimitError } from '../../../src/client/errors';

/** The RateLimitError a gateway 429 on requests becomes, as the limiter receives it. */
export const gateway429 = (retryAfterMs: number) =>
  new RateLimitError({
    source: 'gateway',
    limit: 'requests',
    retryAfterMs,
    status: 429,
    body: undefined,
    headers: undefined,
    message: 'Rate limit exceeded',
    method: 'POST',
    path: '/chat/completions',
  });
