import Bottleneck from 'bottleneck';
import { jobExpirationsKey, leaseJobs } from './bottleneck-cluster';
import { withTimeout, type RedisClient } from './ledger';
import { BOTTLENECK_RENEW } from './scripts';

export interface GateTiming {
  /** Bottleneck's heartbeat, and how often running jobs' leases are pushed out, ms. */
  heartbeatMs: number;
  /** How long a running job of a silent holder keeps its slot, ms. */
  holdMs: number;
  timeoutMs: number;
}

/** One call's place in the cluster-wide parallel cap. */
export interface Hold {
  /** Resolves when a slot is this call's; rejects when the gate stops first. */
  started: Promise<void>;
  /** Ends the call's job (idempotent): its slot goes to the next caller, in any process. */
  release(): void;
}

type RenewCommand = (...args: Array<string | number>) => Promise<unknown>;

/**
 * The key's `max_parallel_requests` across processes, on Bottleneck's own clustering: one
 * clustered limiter per key with `maxConcurrent`, each call a job held until it settles.
 * Bottleneck registers jobs atomically in Redis, tells every process when a slot frees
 * (pub/sub), and hands freed slots to the process running the fewest. Its jobs' Redis
 * expirations are leases pushed out while the holder lives (see `leaseJobs`).
 */
export class ParallelGate {
  private readonly limiter: Bottleneck;
  private readonly running: Set<string> | null;
  private readonly key: string;
  private seq = 0;
  /** The last error Bottleneck reported (heartbeats failing while Redis is away). */
  lastError: unknown = null;

  constructor(
    connection: Bottleneck.IORedisConnection,
    id: string,
    parallel: number | null,
    private readonly client: RedisClient,
    private readonly timing: GateTiming,
  ) {
    this.limiter = new Bottleneck({
      id,
      connection,
      maxConcurrent: parallel,
      heartbeatInterval: timing.heartbeatMs,
      clientTimeout: Math.max(timing.holdMs, 4 * timing.heartbeatMs),
    });
    this.limiter.on('error', (error: unknown) => {
      this.lastError = error;
    });
    this.running = leaseJobs(this.limiter, timing.holdMs);
    this.key = jobExpirationsKey(id);
    const named = client as unknown as Record<string, unknown>;
    if (typeof named['ltcJobRenew'] !== 'function') {
      client.defineCommand('ltcJobRenew', { lua: BOTTLENECK_RENEW, numberOfKeys: 1 });
    }
    // The first limiter of a cluster stores the settings; a later one with a newer tier
    // brings its own.
    this.settings({ maxConcurrent: parallel });
  }

  hold(): Hold {
    let release: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      release = () => resolve();
    });
    const id = `ltc-${(this.seq += 1)}`;
    const started = new Promise<void>((resolve, reject) => {
      this.limiter.schedule({ id, weight: 1 }, () => {
        resolve();
        return done;
      }).catch(reject);
    });
    return { started, release };
  }

  /** Settings go to every process of the cluster (they live in Redis). */
  private settings(options: Bottleneck.ConstructorOptions): void {
    // Typed as returning the limiter; at run time a promise.
    void Promise.resolve(this.limiter.updateSettings(options)).catch(() => undefined);
  }

  /** Whether a slot is free now (for `onLimit: 'reject'`). */
  check(): Promise<boolean> {
    return withTimeout(this.limiter.check(1), this.timing.timeoutMs, 'a parallel check');
  }

  setLimit(parallel: number | null): void {
    this.settings({ maxConcurrent: parallel });
  }

  /** Pushes out the leases of the jobs this process runs. */
  async renew(): Promise<void> {
    if (this.running === null || this.running.size === 0) return;
    const command = (this.client as unknown as Record<string, RenewCommand>)['ltcJobRenew'];
    const args = [this.key, Date.now(), this.timing.holdMs, ...this.running];
    await withTimeout((command as RenewCommand).apply(this.client, args), this.timing.timeoutMs,
      'a parallel lease renewal');
  }

  /** Whether the lease of running jobs is kept here (Bottleneck 2.19.5). */
  get leased(): boolean {
    return this.running !== null;
  }

  /** Drops waiting jobs and leaves the cluster; the connection is closed by its owner. */
  async stop(): Promise<void> {
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
    await Promise.resolve(this.limiter.disconnect(false)).catch(() => undefined);
  }
}

interface Shared {
  gate: ParallelGate;
  users: number;
}

const gates = new WeakMap<Bottleneck.IORedisConnection, Map<string, Shared>>();

/**
 * The process's one gate for a key on a connection. Bottleneck routes a cluster's messages to
 * one limiter per id and connection: a second limiter with the same id would take the first
 * one's wake-ups, and its waiting jobs would never start. Limiters of one process on the same
 * key share the gate instead; the last to close stops it.
 */
export function gateFor(
  connection: Bottleneck.IORedisConnection,
  id: string,
  parallel: number,
  client: RedisClient,
  timing: GateTiming,
): { gate: ParallelGate; close: () => Promise<void> } {
  let byId = gates.get(connection);
  if (byId === undefined) gates.set(connection, (byId = new Map()));
  let shared = byId.get(id);
  if (shared === undefined) {
    shared = { gate: new ParallelGate(connection, id, parallel, client, timing), users: 0 };
    byId.set(id, shared);
  } else {
    shared.gate.setLimit(parallel);
  }
  shared.users += 1;
  const used = shared;
  const map = byId;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    used.users -= 1;
    if (used.users > 0) return;
    if (map.get(id) === used) map.delete(id);
    await used.gate.stop();
  };
  return { gate: used.gate, close };
}
