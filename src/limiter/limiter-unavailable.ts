import { TierClientError } from '../client/errors';

/**
 * The shared limiter could not reach its Redis in time (down, unreachable, or too slow), so
 * the call was not sent: sending without the shared count could go over the tier. With
 * `redisFallback: 'local'` a process keeps to its own share of the tier instead.
 */
export class LimiterUnavailableError extends TierClientError {
  override name = 'LimiterUnavailableError';
}
