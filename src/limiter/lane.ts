import type Bottleneck from 'bottleneck';
import type { LimitName } from '../client/errors';
import { isFast } from './fast-bottleneck';
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
  private engine: Bottleneck | null = null;

  constructor(
    readonly limitName: LimitName,
    readonly model: string | undefined,
    private limitValue: number | null,
    private readonly makeEngine: EngineMaker,
    alwaysEngine = false,
  ) {
    if (alwaysEngine || limitValue !== null) this.engine = makeEngine(this.reservoir());
  }

  get limit(): number | null {
    return this.limitValue;
  }

  /** The Bottleneck behind the lane, once it has one. */
  get bottleneck(): Bottleneck | null {
    return this.engine;
  }

  /** What may still be taken now; Infinity without a limit. */
  available(): number {
    return this.limitValue === null ? Infinity : this.limitValue - this.held - this.ghost;
  }

  /** Own use that is in flight (taken, not yet scheduled to come back). */
  inFlight(): number {
    return this.held - (this.releases.size - this.ghostPending);
  }

  private ghostPending = 0;

  /**
   * Takes `amount` for a call. With an engine, the take is a Bottleneck job of that weight;
   * the returned promise resolves when the job starts (at once, unless another process of a
   * cluster holds the reservoir) and the job lasts until `hold` settles.
   */
  take(amount: number, hold?: Promise<unknown>): Promise<void> | null {
    this.held += amount;
    this.taken += amount;
    if (this.engine === null || (amount === 0 && hold === undefined)) return null;
    const engine = this.engine;
    if (hold === undefined && isFast(engine)) {
      // A local engine holds exactly what this lane mirrors, and the caller only takes what
      // the mirror shows free: one reservoir step does what a whole job would.
      this.bump(-amount);
      return null;
    }
    return new Promise<void>((started, failed) => {
      engine.schedule({ weight: amount }, () => {
        started();
        return hold ?? Promise.resolve();
      }).catch(failed);
    });
  }

  /** Gives `amount` back now (the call never reached the gateway, or it over-reserved). */
  give(amount: number): void {
    if (amount <= 0) return;
    this.held -= amount;
    this.bump(amount);
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
    this.bump(-amount);
  }

  /** Schedules own `amount` to come back at `at` (epoch ms); returns the instant used. */
  releaseAt(at: number, amount: number): number | null {
    if (amount <= 0) return null;
    return this.releases.push(at, amount);
  }

  /** Marks `amount` as used by others until `at`. */
  addGhost(at: number, amount: number): number | null {
    if (amount <= 0) return null;
    this.ghost += amount;
    this.ghostPending += amount;
    this.bump(-amount);
    return this.releases.push(at, amount, true);
  }

  /** Gives back whatever is due at `now`; returns whether anything came back. */
  releaseDue(now: number): boolean {
    const { own, ghost } = this.releases.popDue(now);
    this.held -= own;
    this.ghost -= ghost;
    this.ghostPending -= ghost;
    this.bump(own + ghost);
    return own + ghost > 0;
  }

  /** Adopts a new limit, raising or lowering; creates the engine on the first real limit. */
  setLimit(limit: number | null): void {
    if (limit === this.limitValue) return;
    const before = this.limitValue ?? UNLIMITED;
    this.limitValue = limit;
    if (this.engine !== null) this.bump((limit ?? UNLIMITED) - before);
    else if (limit !== null) this.engine = this.makeEngine(this.reservoir());
  }

  /** Forgets foreign use and pending releases (close). */
  reset(): void {
    this.releases.clear();
  }

  private reservoir(): number {
    return (this.limitValue ?? UNLIMITED) - this.held - this.ghost;
  }

  private bump(delta: number): void {
    if (this.engine === null || delta === 0) return;
    this.engine.incrementReservoir(delta).catch(ignore);
  }
}
