export { TierLimiter } from './tier-limiter';
export type { CallShape, Grant, Outcome } from './ticket';
export type { LimiterOptions } from './options';
export type { LimiterState, LaneState } from './state';
export type {
  LimiterEvent,
  LimiterEventType,
  QueuedEvent,
  ThrottledEvent,
  RefusedEvent,
  BudgetWarningEvent,
} from './events';
export { tierLimits, smallestTpm, unlimited } from './limits';
export type { TierLimits, ModelLimits } from './limits';
export { estimateTokens } from './estimate';
export { readReport } from './report';
export type { GatewayReport } from './report';
export { createBottleneck } from './engine';
export { makeFast, isFast, canMakeFast, FAST_PATH_VERSION } from './fast-bottleneck';
export { LimiterUnavailableError } from './limiter-unavailable';
export type { Limiter } from './limiter';
export { SharedLimiter, type SharedLimiterOptions } from './shared';
export type { RedisOption, IORedisLike } from './redis-option';
export type { SharedLimiterState } from './state';
