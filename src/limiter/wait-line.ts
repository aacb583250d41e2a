import type { Lane } from './lane';
import type { Ticket } from './ticket';

/**
 * Calls waiting to go, in FIFO order (a Set keeps insertion order and removes in O(1)), with
 * what they ask of each lane in total, for predicting the wait of the next one.
 */
export class WaitLine {
  private readonly tickets = new Set<Ticket>();
  private readonly demand = new Map<Lane, number>();
  /** performance.now() by which the last call in line is predicted to go. */
  lastPredictedAt = 0;

  get size(): number {
    return this.tickets.size;
  }

  [Symbol.iterator](): IterableIterator<Ticket> {
    return this.tickets.values();
  }

  first(): Ticket | undefined {
    for (const ticket of this.tickets) return ticket;
    return undefined;
  }

  add(ticket: Ticket): void {
    this.tickets.add(ticket);
    this.lastPredictedAt = Math.max(this.lastPredictedAt, ticket.predictedAt);
    for (const [lane, amount] of ticket.demand) {
      this.demand.set(lane, (this.demand.get(lane) ?? 0) + amount);
    }
  }

  /** Removes the ticket; false when it was not in line. */
  remove(ticket: Ticket): boolean {
    if (!this.tickets.delete(ticket)) return false;
    for (const [lane, amount] of ticket.demand) {
      this.demand.set(lane, (this.demand.get(lane) ?? 0) - amount);
    }
    if (this.tickets.size === 0) this.lastPredictedAt = 0;
    return true;
  }

  /** What every waiting call asks of `lane`, together. */
  demandOn(lane: Lane): number {
    return this.demand.get(lane) ?? 0;
  }
}
