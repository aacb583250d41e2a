import type { WindowLedger } from './windows';

/**
 * Admission against every descriptor of a call: `api_key` (rpm, tpm, parallel) and
 * `model_per_key` (rpm, tpm). All limits are checked first and counted only if the call
 * passes, so a refused call costs nothing.
 */

export type LimitType = 'requests' | 'tokens' | 'max_parallel_requests';
export type Scope = 'api_key' | 'model_per_key';

export interface Descriptor {
  scope: Scope;
  /** The key hash, or `<hash>:<model>`. */
  value: string;
  requests: number | null;
  tokens: number | null;
  parallel: number | null;
}

/** One line of the `x-ratelimit-<scope>-{remaining,limit}-<type>` headers. */
export interface LimitStatus {
  scope: Scope;
  type: LimitType;
  limit: number;
  remaining: number;
}

export interface Refusal {
  descriptor: Descriptor;
  type: LimitType;
  limit: number;
}

/** What an admitted call holds: its windows (for late token counts) and its parallel slot. */
export interface Ticket {
  statuses: LimitStatus[];
  windows: { name: string; id: number }[];
  parallelKey: string | null;
}

const nameOf = (d: Descriptor) => `${d.scope}:${d.value}`;

export class Admitter {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly ledger: WindowLedger) {}

  private refusalOf(d: Descriptor, tokenCost: number, now: number): Refusal | null {
    const window = this.ledger.peek(nameOf(d), now);
    if (d.requests !== null && window.requests + 1 > d.requests) {
      return { descriptor: d, type: 'requests', limit: d.requests };
    }
    if (d.tokens !== null && window.tokens + tokenCost > d.tokens) {
      return { descriptor: d, type: 'tokens', limit: d.tokens };
    }
    const busy = this.inFlight.get(d.value) ?? 0;
    if (d.parallel !== null && busy + 1 > d.parallel) {
      return { descriptor: d, type: 'max_parallel_requests', limit: d.parallel };
    }
    return null;
  }

  /** Checks every descriptor; the first limit that would be exceeded refuses the call. */
  check(descriptors: Descriptor[], tokenCost: number, now: number): Refusal | null {
    for (const d of descriptors) {
      const refusal = this.refusalOf(d, tokenCost, now);
      if (refusal) return refusal;
    }
    return null;
  }

  private statusesOf(d: Descriptor, requests: number, tokens: number, busy: number) {
    const out: LimitStatus[] = [];
    const add = (type: LimitType, limit: number | null, used: number) => {
      if (limit !== null) out.push({ scope: d.scope, type, limit, remaining: limit - used });
    };
    add('requests', d.requests, requests);
    add('tokens', d.tokens, tokens);
    add('max_parallel_requests', d.parallel, busy);
    return out;
  }

  /** Counts an admitted call in every window and takes its parallel slot. */
  commit(descriptors: Descriptor[], tokenCost: number, now: number): Ticket {
    const ticket: Ticket = { statuses: [], windows: [], parallelKey: null };
    for (const d of descriptors) {
      const window = this.ledger.open(nameOf(d), now);
      window.requests += 1;
      window.tokens += tokenCost;
      ticket.windows.push({ name: nameOf(d), id: window.id });
      const busy = d.parallel === null ? 0 : (this.inFlight.get(d.value) ?? 0) + 1;
      if (d.parallel !== null) {
        this.inFlight.set(d.value, busy);
        ticket.parallelKey = d.value;
      }
      ticket.statuses.push(...this.statusesOf(d, window.requests, window.tokens, busy));
    }
    return ticket;
  }

  /** Adds (or, reconciling a reservation, removes) tokens once the call's usage is known. */
  settle(ticket: Ticket, tokens: number): void {
    for (const w of ticket.windows) this.ledger.addTokens(w.name, w.id, tokens);
  }

  release(ticket: Ticket): void {
    if (ticket.parallelKey === null) return;
    const busy = (this.inFlight.get(ticket.parallelKey) ?? 1) - 1;
    this.inFlight.set(ticket.parallelKey, Math.max(0, busy));
  }
}
