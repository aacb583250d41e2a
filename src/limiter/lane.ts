import type Bottleneck from 'bottleneck';
import type { LimitName } from '../client/errors';
import { holdAtOnce, incrementNow, isFast } from './fast-bottleneck';
import { ReleaseQueue } from './release-queue';

/**
 * Stands in for "no limit" inside a Bottleneck reservoir, so that every change to a lane is a
 * relative `incrementReservoir` (never an absolute set that could race a pending register).
 */
export const UNLIMITED = 2 ** 50;

/** Builds a lane's Bottleneck with the given reservoir (and options of the lane's own). */
export type EngineMaker = (reservoir: number) => Bottleneck;

const ignore = (): void => undefined;

/**
 * One counted resource: the key's requests or tokens, or one model's. The amount in use lives
 * in the lane's Bottleneck reservoir (reservoir = limit − held − ghost); the lane keeps a local
 * mirror of it and the instants at which amounts come back, which only this process knows.
 */
export class Lane {
  /** Own use not yet given back: reserved by calls in flight or waiting out its window. */
  held = 0;
  /** Use by other clients of the key, inferred from the gateway's remaining-* headers. */
  ghost = 0;
  /** Everything ever taken or charged; differences give "taken since". */
  taken = 0;
  readonly releases = new ReleaseQueue();
  /** The Bottleneck behind the lane, once it has one. */
  bottleneck: Bottleneck | null = null;
  #ghostPending = 0;
  readonly #makeEngine: EngineMaker;

  constructor(
    readonly limitName: LimitName,
    readonly model: string | undefined,
    public limit: number | null,
    makeEngine: EngineMaker,
    alwaysEngine = false,
  ) {
    this.#makeEngine = makeEngine;
    if (alwaysEngine || limit !== null) this.bottleneck = makeEngine(this.#reservoir());
  }

  /** What may still be taken now; Infinity without a limit. */
  available(): number {
    return this.limit === null ? Infinity : this.limit - this.held - this.ghost;
  }

  /** Own use that is in flight (taken, not yet scheduled to come back). */
  inFlight(): number {
    return this.held - (this.releases.size - this.#ghostPending);
  }

  /**
   * Takes `amount` for a call. With an engine, the take is a Bottleneck job of that weight;
   * the returned promise resolves when it starts (at once, unless another process of a
   * cluster holds the reservoir). A local engine holds exactly what this lane mirrors, and the
   * caller only takes what the mirror shows free: one reservoir step does what a job would.
   */
  take(amount: number): Promise<void> | null {
    this.held += amount;
    this.taken += amount;
    const engine = this.bottleneck;
    if (engine === null || amount === 0) return null;
    if (isFast(engine)) {
      this.#bump(-amount);
      return null;
    }
    return job(engine, amount, Promise.resolve());
  }

  /**
   * Takes `amount` as a job that lasts until `release` is called (the lane's engine carries
   * the parallel cap as `maxConcurrent`): `started` is null when it started at once.
   */
  hold(amount: number): { started: Promise<void> | null; release: () => void } {
    this.held += amount;
    this.taken += amount;
    const engine = this.bottleneck as Bottleneck;
    const release = holdAtOnce(engine, amount);
    if (release !== null) return { started: null, release };
    let end = ignore;
    const held = new Promise<void>((resolve) => {
      end = resolve;
    });
    return { started: job(engine, amount, held), release: () => end() };
  }

  /** Gives `amount` back now (the call never reached the gateway, or it over-reserved). */
  give(amount: number): void {
    if (amount <= 0) return;
    this.held -= amount;
    this.#bump(amount);
  }

  /** Drops `amount` the engine never took (its job was refused before it started). */
  forget(amount: number): void {
    this.held -= amount;
  }

  /** Charges `amount` more than was reserved (real usage exceeded the estimate). */
  charge(amount: number): void {
    if (amount <= 0) return;
    this.held += amount;
    this.taken += amount;
    this.#bump(-amount);
  }

  /** Schedules own `amount` to come back at `at` (epoch ms). */
  releaseAt(at: number, amount: number): void {
    if (amount > 0) this.releases.push(at, amount);
  }

  /** Marks `amount` as used by others until `at`. */
  addGhost(at: number, amount: number): void {
    if (amount <= 0) return;
    this.ghost += amount;
    this.#ghostPending += amount;
    this.#bump(-amount);
    this.releases.push(at, amount, true);
  }

  /** Gives back whatever is due at `now`. */
  releaseDue(now: number): void {
    const { own, ghost } = this.releases.popDue(now);
    this.held -= own;
    this.ghost -= ghost;
    this.#ghostPending -= ghost;
    this.#bump(own + ghost);
  }

  /** Adopts a new limit, raising or lowering; creates the engine on the first real limit. */
  setLimit(limit: number | null): void {
    if (limit === this.limit) return;
    const before = this.limit ?? UNLIMITED;
    this.limit = limit;
    if (this.bottleneck !== null) this.#bump((limit ?? UNLIMITED) - before);
    else if (limit !== null) this.bottleneck = this.#makeEngine(this.#reservoir());
  }

  #reservoir(): number {
    return (this.limit ?? UNLIMITED) - this.held - this.ghost;
  }

  #bump(delta: number): void {
    const engine = this.bottleneck;
    if (engine === null || delta === 0 || incrementNow(engine, delta)) return;
    engine.incrementReservoir(delta).catch(ignore);
  }
}

/** A job of `weight` that lasts until `held` settles; resolves when it starts. */
function job(engine: Bottleneck, weight: number, held: Promise<void>): Promise<void> {
  return new Promise<void>((started, failed) => {
    engine.schedule({ weight }, () => {
      started();
      return held;
    }).catch(failed);
  });
}
