import type { ResolvedOptions } from '../options';
import type { Caller } from './auth';
import type { Admitter } from './enforcement/admission';
import type { Lifetime } from './lifetime';
import type { GatewayState } from './state';
import type { StatsRecorder } from './stats';
import type { AnsweredReply, GatewayRequest } from './types';

/** Everything a route handler may use. */
export interface Ctx {
  state: GatewayState;
  options: ResolvedOptions;
  lifetime: Lifetime;
  stats: StatsRecorder;
  admitter: Admitter;
  now(): number;
}

export type Handler = (req: GatewayRequest, ctx: Ctx, caller: Caller) => Promise<AnsweredReply>;

export function json(body: unknown, status = 200): AnsweredReply {
  return { kind: 'json', status, headers: {}, body };
}
