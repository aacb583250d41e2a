/**
 * Checks the `redis` option synchronously, at construction, without loading anything: the
 * rest of the Redis support lives in `./redis/`, which only Node builds carry.
 *
 * Accepts ioredis clients and URLs only. Bottleneck 2.19.5 speaks node-redis 3's callback
 * API: given a node-redis 4+ client it waits for a `ready` that never comes, so such a client
 * is refused here, at construction, with a message that says what to pass instead.
 */
/** An ioredis client (Redis or Cluster), described by what the SDK uses of it. */
export interface IORedisLike {
  status: string;
  duplicate(...args: never[]): unknown;
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
}

/** The `redis` option: an ioredis client or a `redis://` / `rediss://` URL. */
export type RedisOption = string | IORedisLike;

export function checkRedisOption(redis: unknown): void {
  if (typeof redis === 'string') {
    if (!/^rediss?:\/\//.test(redis)) {
      const shown = JSON.stringify(redis);
      throw new TypeError(`redis must be a redis:// or rediss:// URL, got ${shown}`);
    }
    return;
  }
  const client = redis as Record<string, unknown> | null;
  const ioredis = typeof client?.['defineCommand'] === 'function' &&
    typeof client['duplicate'] === 'function' && typeof client['status'] === 'string';
  if (ioredis) return;
  const nodeRedis = typeof client?.['sendCommand'] === 'function' && 'isOpen' in (client ?? {});
  const what = nodeRedis ? 'a node-redis client' : `${String(redis)} (${typeof redis})`;
  const why = nodeRedis
    ? ": node-redis 4 and later are not supported (Bottleneck's clustering never becomes " +
      'ready with them); pass an ioredis client or a redis:// URL'
    : '';
  throw new TypeError(`redis must be an ioredis client or a redis:// URL, got ${what}${why}`);
}
