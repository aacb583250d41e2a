import type { LimitName } from '../../client/errors';
import type { TierLimits } from '../limits';
import { lanes } from './keys';
import type { LaneDemand } from './ledger';

/** The lanes a call takes from under `limits` (unlimited ones are left out). */
export function demandOf(
  limits: TierLimits,
  model: string | undefined,
  tokens: number,
): LaneDemand[] {
  const out: LaneDemand[] = [];
  const add = (lane: string, limit: number | null, amount: number) => {
    if (limit !== null) out.push({ lane, limit, amount });
  };
  add(lanes.requests, limits.rpm, 1);
  add(lanes.tokens, limits.tpm, tokens);
  add(lanes.parallel, limits.parallel, 1);
  if (model !== undefined) {
    const own = limits.models[model];
    add(lanes.modelRequests(model), own?.rpm ?? null, 1);
    add(lanes.modelTokens(model), own?.tpm ?? null, tokens);
  }
  return out;
}

/** Which limit a lane stands for, in refusals and events. */
export function limitOf(lane: string | null): LimitName {
  if (lane === null || lane === lanes.requests) return 'requests';
  if (lane === lanes.tokens) return 'tokens';
  if (lane === lanes.parallel) return 'parallel';
  return lane.endsWith(':rpm') ? 'model_requests' : 'model_tokens';
}

/** The model a lane belongs to, or undefined for the key's own lanes. */
export function modelOf(lane: string | null): string | undefined {
  if (lane === null || !lane.startsWith('m:')) return undefined;
  return lane.slice(2, lane.lastIndexOf(':'));
}

/** Whether a lane counts requests (1 per sent call) rather than tokens. */
export function countsRequests(lane: string): boolean {
  return lane === lanes.requests || lane.endsWith(':rpm');
}
