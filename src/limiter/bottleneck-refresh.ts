import type Bottleneck from 'bottleneck';

/** The Bottleneck release whose local datastore this fix was written against and tested on. */
export const REFRESH_FIX_VERSION = '2.19.5';

interface LocalStore {
  heartbeat: ReturnType<typeof setInterval> | null | undefined;
  storeOptions: Record<string, unknown>;
  _startHeartbeat(this: LocalStore): unknown;
}

/**
 * Bottleneck 2.19.5's local datastore restarts its refresh heartbeat on every
 * `updateSettings()`, and when one is already running it clears the interval without
 * forgetting it: from then on no reservoir refresh or increase ever happens (SGrondin/
 * bottleneck#185). This limiter never relies on those refreshes (its windows are its own),
 * but its engines take `updateSettings()` and users may pass refresh options through
 * `createBottleneck`: keep a running heartbeat running, start one when wanted, stop it when
 * not. Other versions are left as they are.
 */
export function keepRefreshOnUpdate(limiter: Bottleneck): boolean {
  type Inner = { version?: unknown; datastore?: unknown; _store?: LocalStore };
  const inner = limiter as unknown as Inner;
  const store = inner._store;
  if (inner.version !== REFRESH_FIX_VERSION || inner.datastore !== 'local') return false;
  if (store === undefined || typeof store._startHeartbeat !== 'function') return false;
  const start = store._startHeartbeat;
  store._startHeartbeat = function startHeartbeat(this: LocalStore) {
    const o = this.storeOptions;
    const wanted =
      (o['reservoirRefreshInterval'] != null && o['reservoirRefreshAmount'] != null) ||
      (o['reservoirIncreaseInterval'] != null && o['reservoirIncreaseAmount'] != null);
    if (wanted && this.heartbeat != null) return undefined;
    if (!wanted) {
      clearInterval(this.heartbeat ?? undefined);
      this.heartbeat = null;
      return undefined;
    }
    return start.call(this);
  };
  return true;
}
