import Bottleneck from 'bottleneck';

/**
 * Run-time fixes for Bottleneck's Redis clustering, applied per connection or per limiter, and
 * only on the release they were written against (every later install of this package gets
 * them; nothing in node_modules is edited). Any other version is left as it is.
 */
export const CLUSTER_FIX_VERSION = '2.19.5';

export function clusterFixesApply(): boolean {
  return (Bottleneck as unknown as { version?: string }).version === CLUSTER_FIX_VERSION;
}

type Callback = (error: Error | null, replies: unknown) => void;

interface ConnectionInternals {
  __scriptFn__?: (name: string) => (...args: unknown[]) => unknown;
}

/**
 * Redis 7 prefixes the errors a script raises with `ERR ` (`ERR SETTINGS_KEY_NOT_FOUND`), and
 * Bottleneck 2.19.5 recognises its own errors by exact message: after its keys expire or are
 * lost (restart, flush) or after a stall past `clientTimeout`, it never re-creates its
 * settings nor re-registers the client, and every job fails from then on. Stripping the prefix
 * from those three messages lets its own recovery run.
 */
export function fixClusterErrors(connection: Bottleneck.IORedisConnection): boolean {
  const inner = connection as unknown as ConnectionInternals;
  if (!clusterFixesApply() || typeof inner.__scriptFn__ !== 'function') return false;
  const stock = inner.__scriptFn__.bind(connection);
  inner.__scriptFn__ = (name) => {
    const run = stock(name);
    return (...args: unknown[]) => {
      const done = args[args.length - 1];
      if (typeof done === 'function') {
        args[args.length - 1] = (error: Error | null, replies: unknown) =>
          (done as Callback)(unprefixed(error), replies);
      }
      return run(...args);
    };
  };
  return true;
}

const OWN_ERRORS = /^ERR (SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT|OVERWEIGHT)/;

function unprefixed(error: Error | null): Error | null {
  if (error !== null && OWN_ERRORS.test(error.message)) error.message = error.message.slice(4);
  return error;
}

interface StoreInternals {
  __register__(index: string, weight: number, expiration: number | null): Promise<{
    success: boolean;
  }>;
  __free__(index: string, weight: number): Promise<unknown>;
}

/**
 * Bottleneck reclaims a crashed client's running jobs only through their `expiration`, fixed
 * when the job starts, and the same option also times the job out locally. Here the Redis
 * side gets `leaseMs` while the local side gets none, and `running` lists the jobs whose
 * expiration the caller pushes out while it lives (`BOTTLENECK_RENEW`): a slot comes back a
 * lease after its holder stops beating, and never while it still runs.
 */
export function leaseJobs(limiter: Bottleneck, leaseMs: number): Set<string> | null {
  const store = (limiter as unknown as { _store?: StoreInternals })._store;
  if (!clusterFixesApply() || typeof store?.__register__ !== 'function') return null;
  if (typeof store.__free__ !== 'function') return null;
  const running = new Set<string>();
  const register = store.__register__.bind(store);
  const free = store.__free__.bind(store);
  store.__register__ = async (index, weight, expiration) => {
    const result = await register(index, weight, expiration ?? leaseMs);
    if (result.success) running.add(index);
    return result;
  };
  store.__free__ = (index, weight) => {
    running.delete(index);
    return free(index, weight);
  };
  return running;
}

/** Bottleneck 2.19.5's Redis key of a limiter's job expirations. */
export function jobExpirationsKey(id: string): string {
  return `b_${id}_job_expirations`;
}
