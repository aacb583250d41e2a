import type { Lane } from './lane';
import type { Ticket } from './ticket';

/**
 * Calls waiting to go, in FIFO order (a Set keeps insertion order and removes in O(1)), with
 * what they ask of each lane in total, for predicting the wait of the next one.
 */
export class WaitLine {
  readonly #tickets = new Set<Ticket>();
  readonly #demand = new Map<Lane, number>();
  /** performance.now() by which the last call in line is predicted to go. */
  lastPredictedAt = 0;

  get size(): number {
    return this.#tickets.size;
  }

  [Symbol.iterator](): IterableIterator<Ticket> {
    return this.#tickets.values();
  }

  first(): Ticket | undefined {
    return this.#tickets.values().next().value;
  }

  add(ticket: Ticket): void {
    this.#tickets.add(ticket);
    this.lastPredictedAt = Math.max(this.lastPredictedAt, ticket.predictedAt);
    this.#count(ticket, 1);
  }

  /** Removes the ticket, if it is in line. */
  remove(ticket: Ticket): void {
    if (!this.#tickets.delete(ticket)) return;
    this.#count(ticket, -1);
    if (this.#tickets.size === 0) this.lastPredictedAt = 0;
  }

  /** What every waiting call asks of `lane`, together. */
  demandOn(lane: Lane): number {
    return this.#demand.get(lane) ?? 0;
  }

  #count(ticket: Ticket, sign: number): void {
    for (const [lane, amount] of ticket.demand) {
      this.#demand.set(lane, this.demandOn(lane) + sign * amount);
    }
  }
}
