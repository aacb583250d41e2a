import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { ledgerPrefix } from '../../../../src/limiter/redis/keys';

/** The Redis the machines run for ordinary tests (`.ci/run` starts one when none answers). */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Whether the shared Redis answers. On a developer machine without one the Redis tests are
 * skipped with the reason printed; in CI (`CI=true`) a missing Redis fails them instead.
 */
export async function sharedRedis(): Promise<{ ok: boolean; reason: string }> {
  const client = new Redis(SHARED_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return { ok: true, reason: '' };
  } catch (error) {
    const reason = `no Redis answers at ${SHARED_REDIS_URL} (${String(error)})`;
    if (process.env['CI'] === 'true') throw new Error(`${reason}: CI must run Redis`);
    console.warn(`skipping the Redis tests: ${reason}`);
    return { ok: false, reason };
  } finally {
    client.disconnect();
  }
}

/** A unique key for one test; `forget` deletes everything the limiter stored for it. */
export function testKey(label: string): {
  apiKey: string;
  forget: (url?: string) => Promise<void>;
} {
  const apiKey = `sk-test-${label}-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const forget = async (url = SHARED_REDIS_URL) => {
    const client = new Redis(url);
    try {
      const tag = ledgerPrefix(apiKey).slice(4);
      for (const pattern of [`ltc:${tag}*`, `b_ltc:${tag}*`]) {
        const keys = await client.keys(pattern);
        if (keys.length > 0) await client.del(...keys);
      }
    } finally {
      client.disconnect();
    }
  };
  return { apiKey, forget };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : null;
      server.close(() => (port === null ? reject(new Error('no port')) : resolve(port)));
    });
  });
}

/** A redis-server of the test's own, which it may stop, restart or flush. */
export interface PrivateRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  /** Stops the server at once (no save): its data is gone. */
  stop(): Promise<void>;
  restart(downMs?: number): Promise<void>;
  /** Sends the server a signal (SIGSTOP freezes it, SIGCONT wakes it). */
  signal(name: NodeJS.Signals): void;
  client(): Redis;
  close(): Promise<void>;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let server: ChildProcess | null = null;
  const clients: Redis[] = [];
  const start = async () => {
    if (server !== null && server.exitCode === null && server.signalCode === null) return;
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
      '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i += 1) {
      const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => null });
      probe.on('error', () => undefined);
      const up = await probe.connect().then(() => probe.ping()).then(() => true, () => false);
      probe.disconnect();
      if (up) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const stop = async () => {
    const running = server;
    server = null;
    if (running === null || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    restart: async (downMs = 200) => {
      await stop();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    signal: (name) => {
      (server as ChildProcess | null)?.kill(name);
    },
    client: () => {
      const client = new Redis({ port });
      client.on('error', () => undefined);
      clients.push(client);
      return client;
    },
    close: async () => {
      for (const client of clients) client.disconnect();
      await stop();
    },
  };
}
