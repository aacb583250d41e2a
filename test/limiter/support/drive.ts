import type { Grant } from '../../../src/limiter/ticket';
import { WindowGateway, sleep } from './window-gateway';

export interface Drive {
  acquire: () => Promise<Grant>;
  gateway: WindowGateway;
  callers: number;
  /** Each caller stops starting calls at this instant (performance.now()), or after `calls`. */
  until?: number;
  calls?: number;
  /** Network delay before the gateway counts the call, and back, in ms. */
  up: () => number;
  down: () => number;
}

/** Callers that each send calls back to back through `acquire`, settling with the answer. */
export async function drive(plan: Drive): Promise<{ ok: number; refused: number }> {
  let ok = 0;
  let refused = 0;
  const caller = async () => {
    for (let i = 0; i < (plan.calls ?? Infinity); i += 1) {
      if (plan.until !== undefined && performance.now() >= plan.until) return;
      const grant = await plan.acquire();
      await sleep(plan.up());
      const admitted = plan.gateway.arrive();
      await sleep(plan.down());
      if (admitted) ok += 1;
      else refused += 1;
      grant.settle({ sent: true, status: admitted ? 200 : 429 });
    }
  };
  await Promise.all(Array.from({ length: plan.callers }, caller));
  return { ok, refused };
}
