import Bottleneck from 'bottleneck';
import type { Cluster, Redis } from 'ioredis';
import { LimiterUnavailableError } from '../limiter-unavailable';
import { fixClusterErrors } from './bottleneck-cluster';
import type { RedisClient } from './ledger';
import { checkRedisOption } from '../redis-option';

export type RedisOption = string | RedisClient;

/**
 * The connections the shared limiters of one process use for one `redis` option: a command
 * client and Bottleneck's pair (the same command client plus a subscriber). They are always
 * opened by the SDK — from the URL, or as duplicates of the user's client, whose own
 * connection is never used nor closed — and shared by every limiter built on the same option,
 * so that closing the last one closes them and lets the process exit.
 */
export interface SharedConnection {
  client: RedisClient;
  bottleneck: Bottleneck.IORedisConnection;
  /** Drops this limiter's use; the last one disconnects. */
  release(): Promise<void>;
}

interface Entry {
  users: number;
  opening: Promise<Omit<SharedConnection, 'release'>>;
}

const open = new Map<unknown, Entry>();

/**
 * Opens (or joins) the connections for `redis`. It does not wait for Redis: commands wait in
 * ioredis' queue while it connects or reconnects, each bounded by the caller's timeout, so a
 * limiter built while Redis is away works once it is back.
 */
export async function openConnection(redis: RedisOption): Promise<SharedConnection> {
  checkRedisOption(redis);
  let entry = open.get(redis);
  if (entry === undefined) {
    entry = { users: 0, opening: connect(redis) };
    open.set(redis, entry);
  }
  entry.users += 1;
  const used = entry;
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    used.users -= 1;
    if (used.users > 0) return;
    if (open.get(redis) === used) open.delete(redis);
    const opened = await used.opening.catch(() => null);
    await opened?.bottleneck.disconnect(true).catch(() => undefined);
  };
  try {
    const opened = await used.opening;
    return { ...opened, release };
  } catch (error) {
    await release();
    throw error;
  }
}

async function connect(redis: RedisOption): Promise<Omit<SharedConnection, 'release'>> {
  const client = typeof redis === 'string' ? await fromUrl(redis) : duplicateOf(redis);
  // A connection given `client` never creates one from a module: handing it the client's
  // own class keeps Bottleneck from `require('ioredis')` on its own.
  const bottleneck = new Bottleneck.IORedisConnection({
    client: client as never,
    Redis: client.constructor as never,
  });
  fixClusterErrors(bottleneck);
  return { client, bottleneck };
}

async function fromUrl(url: string): Promise<RedisClient> {
  let Redis: typeof import('ioredis').default;
  try {
    Redis = (await import('ioredis')).default;
  } catch (cause) {
    throw new LimiterUnavailableError(
      'redis was given as a URL but ioredis is not installed: add it with `npm install ioredis`',
      { cause },
    );
  }
  return new Redis(url, { lazyConnect: false });
}

/** The SDK's own connection with the user's settings (a lazy client would never connect). */
function duplicateOf(client: RedisClient): RedisClient {
  const own = { lazyConnect: false };
  if ((client as Cluster).isCluster) return (client as Cluster).duplicate([], own);
  return (client as Redis).duplicate(own);
}
