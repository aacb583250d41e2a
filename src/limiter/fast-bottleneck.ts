import type Bottleneck from 'bottleneck';

/**
 * Stock Bottleneck sends every job through `setTimeout(0)` twice or more (the local
 * datastore's `yieldLoop` before each store operation, and `_run` before executing), and Node
 * clamps those to 1 ms: one limiter tops out near a few hundred jobs a second. For a local
 * datastore, resolving on the microtask queue keeps every ordering Bottleneck relies on (its
 * own locks serialise submit and register), so this swaps the zero-delay timers for
 * microtasks on one instance. It touches private members, so it only runs on the release it
 * was written against and tested with; any other version keeps stock behaviour.
 */
export const FAST_PATH_VERSION = '2.19.5';

interface Job {
  options: { id: string; expiration?: number | null };
  retryCount: number;
  doRun(): void;
  doExecute(chained: unknown, clear: () => boolean, run: RunFn, free: FreeFn): Promise<void>;
  doExpire(clear: () => boolean, run: RunFn, free: FreeFn): Promise<void>;
}
type RunFn = (wait: number) => void;
type Listener = { cb: (...args: unknown[]) => unknown; status: string };
type FreeFn = (...args: unknown[]) => Promise<void>;

interface Scheduled {
  timeout: ReturnType<typeof setTimeout> | undefined;
  expiration: ReturnType<typeof setTimeout> | undefined;
  job: Job;
}

interface LocalStore {
  yieldLoop?: unknown;
  Promise?: PromiseConstructor;
  storeOptions: { reservoir: number | null; minTime: number };
  _running: number;
  _done: number;
  conditionsCheck(weight: number): boolean;
  computeCapacity(): number | null;
}

interface Internals {
  version?: unknown;
  datastore?: unknown;
  connection?: unknown;
  _limiter: unknown;
  _scheduled?: Record<string, Scheduled>;
  _store?: LocalStore;
  _run: (this: Internals, index: string, job: Job, wait: number) => unknown;
  _clearGlobalState(index: string): boolean;
  _free(index: string, job: Job, ...rest: unknown[]): Promise<void>;
  jobStatus(id: string): string | null;
  queued(): number;
  _drainAll(this: Internals, capacity: number | null, total?: number): Promise<number>;
  _queues?: { Events?: Internals['Events'] };
  Events: { _events: Record<string, unknown>; trigger(name: string, ...args: unknown[]): unknown };
}

const fast = new WeakSet<object>();

/** Whether `makeFast` changed this instance. */
export function isFast(limiter: Bottleneck): boolean {
  return fast.has(limiter);
}

/** True when the instance can take the patch: the tested release, local datastore. */
export function canMakeFast(limiter: Bottleneck): boolean {
  const inner = limiter as unknown as Internals;
  return (
    inner.version === FAST_PATH_VERSION &&
    inner.datastore === 'local' &&
    inner.connection == null &&
    typeof inner._store?.yieldLoop === 'function' &&
    typeof inner._run === 'function' &&
    typeof inner._drainAll === 'function' &&
    typeof inner._scheduled === 'object'
  );
}

/** Replaces the zero-delay timers of one instance with microtasks. Returns whether it did. */
export function makeFast(limiter: Bottleneck): boolean {
  if (fast.has(limiter)) return true;
  if (!canMakeFast(limiter)) return false;
  const inner = limiter as unknown as Internals;
  const store = inner._store as LocalStore;
  const P = store.Promise ?? Promise;
  store.yieldLoop = (t = 0) =>
    t > 0 ? new P<void>((resolve) => setTimeout(resolve, t)) : P.resolve();
  const stockRun = inner._run;
  inner._run = function run(index, job, wait) {
    if (wait > 0) return stockRun.call(this, index, job, wait);
    return runNow(this, index, job);
  };
  // Every store step (free, incrementReservoir) drains the queue through the register lock;
  // with nothing queued that finds nothing. A job queued later drains on its own when pushed.
  const stockDrainAll = inner._drainAll;
  inner._drainAll = function drainAll(capacity, total = 0) {
    if (this.queued() === 0) return P.resolve(total);
    return stockDrainAll.call(this, capacity, total);
  };
  quietEvents(inner.Events, P);
  if (inner._queues?.Events !== undefined) syncEvents(inner._queues.Events, P);
  fast.add(limiter);
  return true;
}

/**
 * What a job of `weight` does when it starts and when it ends, without the job, on a fast
 * instance that can start it now: nothing queued or being submitted (so FIFO order holds), no
 * `minTime`, capacity for the weight. The weight counts as running (`maxConcurrent`) and
 * leaves the reservoir at once; the returned function ends it (call it once). Null when a
 * job must be scheduled instead. A job costs a dozen promise steps through Bottleneck's locks;
 * the limiter takes one per call, which made it the largest part of a call's own cost.
 */
export function holdAtOnce(limiter: Bottleneck, weight: number): (() => void) | null {
  const inner = limiter as unknown as Internals;
  const store = inner._store as LocalStore;
  const free = fast.has(limiter) && limiter.empty() && !store.storeOptions.minTime;
  if (!free || !store.conditionsCheck(weight)) return null;
  store._running += weight;
  if (store.storeOptions.reservoir != null) store.storeOptions.reservoir -= weight;
  return () => {
    store._running -= weight;
    store._done += weight;
    void inner._drainAll(store.computeCapacity());
  };
}

/**
 * `incrementReservoir(delta)` done now on a fast instance (true), instead of a microtask
 * later through the store's async step: the reservoir then never lags the lane's mirror.
 * Queued jobs are drained as the store would.
 */
export function incrementNow(limiter: Bottleneck, delta: number): boolean {
  const inner = limiter as unknown as Internals;
  const store = inner._store as LocalStore;
  if (!fast.has(limiter) || store.storeOptions.reservoir == null) return false;
  store.storeOptions.reservoir += delta;
  if (inner.queued() > 0) void inner._drainAll(store.computeCapacity());
  return true;
}

/**
 * The queue's own emitter only tells the datastore's heartbeat when the queue empties or fills
 * (`zero`, `leftzero`); nobody outside can listen to it, and the stock trigger calls those
 * listeners synchronously anyway before awaiting them. Call them, skip the async machinery.
 */
function syncEvents(events: Internals['Events'], P: PromiseConstructor): void {
  const nothing = P.resolve(undefined);
  events.trigger = function trigger(this: Internals['Events'], name, ...args) {
    const listeners = this._events[name] as Listener[] | undefined;
    if (listeners === undefined) return nothing;
    this._events[name] = listeners.filter((listener) => listener.status !== 'none');
    for (const listener of listeners) {
      if (listener.status === 'none') continue;
      if (listener.status === 'once') listener.status = 'none';
      try {
        listener.cb(...args);
      } catch {
        // The stock trigger reports a listener's failure as an `error` event on the queue's
        // emitter, which has no listener: nothing to do.
      }
    }
    return nothing;
  };
}

/**
 * Bottleneck triggers an event (and a `debug` event about it) at every step of every job, each
 * an async function. With no listener for the event nor for `debug`, the stock trigger
 * resolves to undefined without calling anything: answer that at once.
 */
function quietEvents(events: Internals['Events'], P: PromiseConstructor): void {
  const stockTrigger = events.trigger;
  const nothing = P.resolve(undefined);
  events.trigger = function trigger(this: Internals['Events'], name, ...args) {
    const listeners = this._events;
    if (listeners[name] === undefined && listeners['debug'] === undefined) return nothing;
    return stockTrigger.call(this, name, ...args);
  };
}

/** Bottleneck's `_run` for a zero wait, with the executing step on a microtask. */
function runNow(limiter: Internals, index: string, job: Job): void {
  job.doRun();
  const clear = () => limiter._clearGlobalState(index);
  const run: RunFn = (wait) => void limiter._run(index, job, wait);
  const free: FreeFn = (...rest) => limiter._free(index, job, ...rest);
  const expiration = job.options.expiration;
  const entry: Scheduled = {
    timeout: undefined,
    expiration:
      expiration == null ? undefined : setTimeout(() => job.doExpire(clear, run, free), expiration),
    job,
  };
  (limiter._scheduled as Record<string, Scheduled>)[index] = entry;
  // A retry re-runs from EXECUTING; a first run from RUNNING. stop() may drop the job between.
  const expected = job.retryCount === 0 ? 'RUNNING' : 'EXECUTING';
  void Promise.resolve().then(() => {
    if (limiter._scheduled?.[index] !== entry) return;
    if (limiter.jobStatus(job.options.id) !== expected) return;
    return job
      .doExecute(limiter._limiter, clear, run, free)
      .catch((error: unknown) => limiter.Events.trigger('error', error));
  });
}
