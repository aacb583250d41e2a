export { TierClient, type TierClientOptions } from './client/tier-client';
export { APIPromise, type WithResponse } from './client/api-promise';
export type { CallMeta, RateLimitInfo } from './client/call-meta';
export { ChatStream, type StreamUsage } from './client/stream';
export type { Logger, LogLevel } from './client/logger';
export type { ModelPrice } from './client/pricing';
export type { RetryEvent } from './client/retry';
export { maskKey, maskSecrets } from './client/secrets';
export {
  TierClientError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  BudgetExceededError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  type LimitName,
  type RefusalSource,
} from './client/errors';
export { LimiterUnavailableError } from './limiter/limiter-unavailable';
export type { RedisOption, IORedisLike } from './limiter/redis-option';
export type * from './client/types';
export type { paths, components, operations } from './generated/litellm';
