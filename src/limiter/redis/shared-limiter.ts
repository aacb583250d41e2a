import { randomUUID } from 'node:crypto';
import { APIUserAbortError, TierClientError } from '../../client/errors';
import type { BudgetExceededError, LimitName, RateLimitError } from '../../client/errors';
import { BudgetBook } from '../budget';
import { adoptReport, pauseFrom, spentFrom } from '../feedback';
import { smallestTpm, type TierLimits } from '../limits';
import { estimateTokens } from '../estimate';
import { LimiterUnavailableError } from '../limiter-unavailable';
import { resolveOptions } from '../options';
import type { LimiterOptions, ResolvedOptions } from '../options';
import { copyLimits, ownLimits } from '../own-limits';
import { nameLimit, refuseBudget, refuseRate } from '../refusals';
import type { Route } from '../refusals';
import { Reloader } from '../reloader';
import { readReport } from '../report';
import type { LimiterState, LaneState, SharedLimiterState } from '../state';
import { usedTokens } from '../ticket';
import type { CallShape, Grant, Outcome } from '../ticket';
import { countsRequests, demandOf, limitOf, modelOf } from './demand';
import { GrantBook } from './grant-book';
import { lanes as laneNames } from './keys';
import type { AdmitReply, AdmitResult, LaneDemand, Ledger, Meta } from './ledger';
import type { Hold, ParallelGate } from './parallel-gate';
import { SettleQueue } from './settle-queue';
import type { SharedTiming } from './timing';

type Refusal = RateLimitError | BudgetExceededError;

export type SharedState = SharedLimiterState;

/** What a process does when Redis cannot be reached. */
export type RedisFallback = 'fail' | 'local';

export interface SharedParts {
  ledger: Ledger;
  /** The cluster-wide parallel cap, made when the tier has one; `close` gives it up. */
  gate: (parallel: number) => { gate: ParallelGate; close: () => Promise<void> };
  timing: SharedTiming;
  fallback: RedisFallback;
  /** Closes what the limiter opened (its share of the connections). */
  release: () => Promise<void>;
}

interface Ticket {
  id: string;
  model: string | undefined;
  tokens: number;
  route: Route;
  signal: AbortSignal | undefined;
  /** Its place in the shared line once it has waited there; 0 before. */
  order: number;
  state: 'waiting' | 'granted' | 'over';
  hold: Hold | null;
  holding: boolean;
  /** The lanes it took, once granted. */
  taken: LaneDemand[];
  announced: boolean;
  blockedBy: LimitName;
  blockedModel: string | undefined;
  resolve: (grant: Grant) => void;
  reject: (error: unknown) => void;
  deadline: ReturnType<typeof setTimeout> | undefined;
  onAbort: (() => void) | undefined;
}

const BATCH = 16;
const now = (): number => performance.now();

function closedError(): TierClientError {
  return new TierClientError('The tier limiter was closed; the call was not sent');
}

function abortError(signal: AbortSignal): APIUserAbortError {
  return new APIUserAbortError('Request was aborted while waiting for the tier limiter', {
    cause: signal.reason,
  });
}

/**
 * A key's tier shared by every process that holds the key, through one Redis. Admission is
 * decided by a Lua script against the shared ledger, atomically for every lane of a call
 * (requests, tokens, each model's, the parallel guard), first in first out across processes.
 * A call's amounts count until a full window after it settles; while it is in flight its
 * lease is pushed out by this process's heartbeat, so a process that dies or freezes gives
 * its amounts back on its own a window and a lease after its last beat. The parallel cap also
 * runs on Bottleneck's clustering (`ParallelGate`), which wakes waiting processes when a slot
 * frees. Waiting, refusals, events, budget and gateway feedback behave as in `TierLimiter`.
 */
export class SharedTierLimiter {
  private limits: TierLimits;
  private readonly opts: ResolvedOptions;
  private readonly budget: BudgetBook;
  private readonly reloader: Reloader;
  private readonly book = new GrantBook();
  private readonly settles: SettleQueue;
  private readonly line: Ticket[] = [];
  private gate: ParallelGate | null = null;
  private closeGate: (() => Promise<void>) | null = null;
  private readonly clientId: string;
  private seq = 0;
  private epoch = '';
  private peers = 0;
  private reseedNeeded = false;
  /** performance.now() before which the head does not ask the ledger again. */
  private retryAt = 0;
  private pausedUntil = 0;
  /** performance.now() before which a new ledger lets nobody in (holders write back). */
  private graceUntil = 0;
  private pausedBy: LimitName = 'requests';
  private failingSince: number | null = null;
  private lastFailure: unknown = null;
  private mode: 'shared' | 'local' = 'shared';
  private localFrom = 0;
  private lapses = 0;
  private inFlight = 0;
  private readonly sharedModelSpend = new Map<string, number>();
  private readonly sharedModelSpent = new Set<string>();
  private wake: ReturnType<typeof setTimeout> | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;
  private beatTimer: ReturnType<typeof setInterval> | undefined;
  private beating = false;
  private pumping = false;
  private pumpAgain = false;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(
    limits: TierLimits,
    options: LimiterOptions,
    private readonly parts: SharedParts,
  ) {
    this.opts = resolveOptions(options);
    this.limits = ownLimits(limits);
    this.budget = new BudgetBook(this.opts.spend);
    this.clientId = parts.ledger.clientId;
    this.reloader = new Reloader(this.opts.reload, this.opts.windowMs, (fresh) =>
      this.reloaded(fresh),
    );
    this.settles = new SettleQueue(
      (entries, leaving) => parts.ledger.settle(entries, leaving),
      (meta) => this.absorb(meta),
    );
    const parallel = this.limits.parallel;
    if (parallel !== null && parallel > 0) this.openGate(parallel);
    void Promise.resolve().then(() => this.spendChanged());
  }

  acquire(call: CallShape): Promise<Grant> {
    if (this.closed) return Promise.reject(closedError());
    const tokens = call.tokens;
    if (typeof tokens !== 'number' || !Number.isFinite(tokens) || tokens < 0) {
      const shown = `${String(tokens)} (${typeof tokens})`;
      return Promise.reject(new TypeError(`tokens must be a non-negative number, got ${shown}`));
    }
    if (call.signal?.aborted) return Promise.reject(abortError(call.signal));
    const ticket = this.ticket(call);
    const refusal = this.hardRefusal(ticket);
    if (refusal !== null) return Promise.reject(this.refused(refusal));
    return new Promise<Grant>((resolve, reject) => {
      ticket.resolve = resolve;
      ticket.reject = reject;
      if (this.opts.onLimit === 'reject' && this.line.length > 0) {
        this.refuseWaiting(ticket, this.line[0]?.blockedBy ?? 'requests', this.retryAt - now());
        return;
      }
      this.line.push(ticket);
      this.watch(ticket);
      this.startBeat();
      void this.pump();
    });
  }

  update(limits: TierLimits): void {
    if (this.closed) return;
    this.limits = ownLimits(limits);
    this.limitsChanged();
  }

  setSpend(spend: number): void {
    if (this.closed) return;
    if (typeof spend !== 'number' || !Number.isFinite(spend) || spend < 0) {
      throw new TypeError(`spend must be a non-negative number, got ${String(spend)}`);
    }
    this.resetSpend(spend);
  }

  reload(): Promise<void> {
    return this.reloader.now();
  }

  estimate(body: unknown): number {
    const model = (body as { model?: unknown } | null | undefined)?.model;
    const named = typeof model === 'string' ? model : undefined;
    return estimateTokens(body, smallestTpm(this.limits, named));
  }

  state(): LimiterState & { shared: SharedState } {
    const at = now();
    const lane = (name: string, limit: number | null): LaneState => {
      const used = this.book.held(name, at);
      return { limit, used, foreign: 0, available: limit === null ? null : limit - used };
    };
    const models: LimiterState['models'] = {};
    for (const [model, own] of Object.entries(this.limits.models)) {
      models[model] = {
        requests: lane(laneNames.modelRequests(model), own.rpm),
        tokens: lane(laneNames.modelTokens(model), own.tpm),
        spend: Math.max(this.budget.spendOf(model), this.sharedModelSpend.get(model) ?? 0),
      };
    }
    return {
      limits: copyLimits(this.limits),
      inFlight: this.inFlight,
      queued: this.line.length,
      requests: lane(laneNames.requests, this.limits.rpm),
      tokens: lane(laneNames.tokens, this.limits.tpm),
      models,
      spend: this.budget.spend,
      budgetSpent: this.budget.keyIsSpent(this.limits),
      pausedForMs: Math.max(0, Math.ceil(this.pausedUntil - at)),
      fastPath: false,
      closed: this.closed,
      shared: {
        mode: this.mode,
        peers: this.peers,
        epoch: this.epoch,
        lapses: this.lapses,
        parallelLeased: this.gate?.leased ?? null,
      },
    };
  }

  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closed = true;
    clearTimeout(this.wake);
    clearInterval(this.beatTimer);
    this.reloader.close();
    const error = closedError();
    for (const ticket of [...this.line]) this.fail(ticket, error);
    this.closing = this.shutDown();
    return this.closing;
  }

  // ---- admission -------------------------------------------------------------------------

  /** A grant id never used before: a dropped grant's id is not reused, so that its pending
   * drop cannot take away a later grant. */
  private nextId(): string {
    this.seq += 1;
    return `${this.clientId}:${this.seq}`;
  }

  private ticket(call: CallShape): Ticket {
    return {
      id: this.nextId(),
      model: call.model,
      // 1.80.7 counts one token per call on admission, whatever the estimate.
      tokens: Math.max(1, Math.ceil(call.tokens)),
      route: { method: call.method ?? 'POST', path: call.path ?? '/chat/completions' },
      signal: call.signal,
      order: 0,
      state: 'waiting',
      hold: null,
      holding: false,
      taken: [],
      announced: false,
      blockedBy: 'requests',
      blockedModel: undefined,
      resolve: () => undefined,
      reject: () => undefined,
      deadline: undefined,
      onAbort: undefined,
    };
  }

  /** Why the call cannot go until the tier changes, or null. */
  private hardRefusal(ticket: Ticket): Refusal | null {
    const money = this.budget.refusal(this.limits, ticket.model) ?? this.sharedModelRefusal(ticket);
    if (money !== null) {
      this.shut();
      return refuseBudget(money, ticket.route);
    }
    if (this.limits.parallel === 0) return this.zeroRefusal(ticket, 'parallel', undefined);
    for (const d of demandOf(this.limits, ticket.model, ticket.tokens)) {
      const limit = limitOf(d.lane);
      const model = modelOf(d.lane);
      if (d.limit === 0) return this.zeroRefusal(ticket, limit, model);
      if (d.amount > d.limit) {
        const reason =
          `its ${d.amount} estimated tokens exceed ${nameLimit(limit, d.limit, model)} ` +
          'and can never fit';
        return refuseRate({ limit, model, retryAfterMs: undefined, reason }, ticket.route);
      }
    }
    return null;
  }

  private sharedModelRefusal(ticket: Ticket) {
    const model = ticket.model;
    if (model === undefined) return null;
    const max = this.limits.models[model]?.maxBudget ?? null;
    const spend = Math.max(this.sharedModelSpend.get(model) ?? 0, this.budget.spendOf(model));
    if (!this.sharedModelSpent.has(model) && (max === null || spend < max)) return null;
    return { limit: 'model_budget' as const, model, spend, maxBudget: max, resetAt: null };
  }

  private zeroRefusal(ticket: Ticket, limit: LimitName, model: string | undefined): Refusal {
    this.shut();
    const retryAfterMs = this.opts.reload === undefined ? undefined : this.opts.windowMs;
    const reason = `${nameLimit(limit, 0, model)} refuses every call`;
    return refuseRate({ limit, model, retryAfterMs, reason }, ticket.route);
  }

  /** Asks the ledger for the calls at the head of the line, until one must wait. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        await this.pumpOnce();
      } while (this.pumpAgain && !this.closed);
    } finally {
      this.pumping = false;
    }
  }

  private async pumpOnce(): Promise<void> {
    while (!this.closed) {
      this.sweep();
      if (this.line.length === 0) return;
      const at = now();
      const local = this.mode === 'local' ? this.localFrom : 0;
      const shut = Math.max(this.pausedUntil, this.graceUntil, local);
      if (this.opts.onLimit === 'reject' && shut > at) {
        for (const ticket of [...this.line]) this.refuseWaiting(ticket, this.pausedBy, shut - at);
        return;
      }
      // A call that must wait asks again when told to; one that may not wait asks at once.
      const until = Math.max(shut, this.opts.onLimit === 'reject' ? 0 : this.retryAt);
      if (until > at) {
        this.armWake(until);
        return;
      }
      if (this.mode === 'local') {
        if (!this.admitLocally()) return;
        continue;
      }
      const batch = this.ready();
      if (batch.length === 0) return;
      await this.ask(batch);
    }
  }

  /** The leading calls that may ask the ledger now: with a parallel slot when there is a cap. */
  private ready(): Ticket[] {
    if (this.gate === null) return this.line.slice(0, BATCH);
    const cap = Math.max(1, Math.min(BATCH, this.limits.parallel ?? BATCH));
    for (const ticket of this.line.slice(0, cap)) this.holdSlot(ticket);
    const batch: Ticket[] = [];
    for (const ticket of this.line) {
      if (!ticket.holding || batch.length >= BATCH) break;
      batch.push(ticket);
    }
    return batch;
  }

  private holdSlot(ticket: Ticket): void {
    if (ticket.hold !== null || this.gate === null) return;
    const hold = this.gate.hold();
    ticket.hold = hold;
    hold.started.then(
      () => {
        if (ticket.state !== 'waiting' || ticket.hold !== hold) {
          hold.release();
          return;
        }
        ticket.holding = true;
        void this.pump();
      },
      (cause: unknown) => {
        if (ticket.hold !== hold || ticket.state !== 'waiting') return;
        ticket.hold = null;
        if (!this.closed) this.outage(cause);
      },
    );
  }

  /** One round trip to the ledger for the calls at the head of the line. */
  private async ask(batch: Ticket[]): Promise<void> {
    const askedAt = now();
    const tickets = batch.map((t) => ({
      id: t.id,
      order: t.order,
      lanes: demandOf(this.limits, t.model, t.tokens),
    }));
    let reply: AdmitReply;
    try {
      reply = await this.parts.ledger.admit(this.epoch, randomUUID(), tickets);
    } catch (error) {
      // What it may have granted before failing is given back once Redis answers again.
      for (const t of tickets) this.settles.push(this.dropEntry(t.id, t.lanes));
      for (const ticket of batch) ticket.id = this.nextId();
      this.outage(error);
      return;
    }
    this.recovered();
    if (reply.kind === 'epoch') {
      if (reply.epoch !== this.epoch) {
        this.epoch = reply.epoch;
        await this.reseed();
      }
      this.graceUntil = now() + reply.graceMs;
      return;
    }
    if (reply.kind === 'pause') {
      this.epoch = reply.epoch;
      this.pausedUntil = now() + reply.ms;
      this.pausedBy = limitFromName(reply.limit);
      this.announce(this.line[0], this.pausedBy, undefined, reply.ms);
      return;
    }
    this.peers = reply.peers;
    this.absorb(reply.meta);
    const lanesOf = new Map(tickets.map((t) => [t.id, t.lanes]));
    for (const result of reply.results) {
      const ticket = batch.find((t) => t.id === result.id);
      const taken = lanesOf.get(result.id) ?? [];
      if (ticket === undefined) continue;
      if (result.ok) this.admitted(ticket, taken, askedAt);
      else this.mustWait(ticket, result);
    }
  }

  private admitted(ticket: Ticket, taken: LaneDemand[], askedAt: number): void {
    if (ticket.state !== 'waiting') {
      // Aborted, expired or closed while the ledger answered: give its amounts back.
      this.settles.push(this.dropEntry(ticket.id, taken));
      return;
    }
    // A grant is good until the lease the ledger gave it runs out: a process that froze
    // between asking and now must not send on it, since its slot may be someone else's.
    if (now() > askedAt + this.parts.timing.leaseMs - this.parts.timing.marginMs) {
      this.lapses += 1;
      this.settles.push(this.dropEntry(ticket.id, taken));
      ticket.id = this.nextId();
      this.retryAt = 0;
      return;
    }
    this.grant(ticket, taken);
  }

  private mustWait(ticket: Ticket, result: AdmitResult): void {
    ticket.order = result.order;
    const limit = limitOf(result.blocking);
    const model = modelOf(result.blocking);
    if (ticket.state !== 'waiting') {
      this.settles.leave(ticket.id);
      return;
    }
    ticket.blockedBy = limit;
    ticket.blockedModel = model;
    if (this.opts.onLimit === 'reject') {
      this.settles.leave(ticket.id);
      this.refuseWaiting(ticket, limit, result.waitMs, model);
      return;
    }
    if (result.waitMs > this.opts.maxWaitMs) {
      this.settles.leave(ticket.id);
      const reason =
        `${this.reasonFor(limit, model)}: it would wait about ${Math.ceil(result.waitMs)} ms, ` +
        `over maxWaitMs ${this.opts.maxWaitMs}`;
      const retryAfterMs = result.waitMs;
      const refusal = refuseRate({ limit, model, retryAfterMs, reason }, ticket.route);
      this.fail(ticket, this.refused(refusal));
      return;
    }
    this.announce(ticket, limit, model, result.waitMs);
    // Asking again at least every heartbeat keeps its place in the shared line.
    this.retryAt = now() + Math.min(result.waitMs, this.parts.timing.heartbeatMs);
  }

  private grant(ticket: Ticket, taken: LaneDemand[]): void {
    this.remove(ticket);
    this.detach(ticket);
    ticket.state = 'granted';
    ticket.taken = taken;
    this.inFlight += 1;
    this.book.add(ticket.id, taken.map(({ lane, amount }) => ({ lane, amount })));
    this.startBeat();
    ticket.resolve({ settle: (outcome) => this.settle(ticket, outcome) });
  }

  /** During a local fallback: each process keeps to its share of every limit. */
  private admitLocally(): boolean {
    const ticket = this.line[0];
    if (ticket === undefined) return false;
    const at = now();
    const peers = Math.max(1, this.peers);
    const taken = demandOf(this.limits, ticket.model, ticket.tokens);
    for (const d of taken) {
      const share = Math.floor(d.limit / peers);
      const held = d.lane === laneNames.parallel ? this.inFlight : this.book.held(d.lane, at);
      if (share < d.amount) {
        this.fail(ticket, this.unavailableError(`its share of ${d.lane} is ${share}`));
        return true;
      }
      if (held + d.amount > share) {
        const limit = limitOf(d.lane);
        const next = this.book.nextRelease(at);
        const waitMs = next === null ? this.parts.timing.heartbeatMs : next - at;
        if (this.opts.onLimit === 'reject') {
          this.refuseWaiting(ticket, limit, waitMs, modelOf(d.lane));
          return true;
        }
        this.announce(ticket, limit, modelOf(d.lane), waitMs);
        this.retryAt = at + Math.min(waitMs, this.parts.timing.heartbeatMs);
        this.armWake(this.retryAt);
        return false;
      }
    }
    this.grant(ticket, taken);
    return true;
  }

  // ---- waiting ---------------------------------------------------------------------------

  private announce(ticket: Ticket | undefined, limit: LimitName, model: string | undefined,
    waitMs: number): void {
    if (ticket === undefined || ticket.announced) return;
    ticket.announced = true;
    const position = this.line.indexOf(ticket) + 1;
    this.opts.emit({ type: 'queued', model: ticket.model, tokens: ticket.tokens, position });
    this.opts.emit({ type: 'throttled', limit, model, waitMs: Math.ceil(waitMs) });
  }

  private refuseWaiting(ticket: Ticket, limit: LimitName, waitMs: number, model?: string): void {
    const byCalls = limit === 'parallel';
    const refusal = refuseRate({
      limit,
      model,
      retryAfterMs: byCalls ? undefined : Math.max(0, waitMs),
      reason: this.reasonFor(limit, model),
      ...(byCalls ? { hint: 'retry when a call in flight ends' } : {}),
    }, ticket.route);
    this.fail(ticket, this.refused(refusal));
  }

  private reasonFor(limit: LimitName, model: string | undefined): string {
    if (this.pausedUntil > now()) return `the gateway answered 429 for ${limit}; paused`;
    const own = model === undefined ? undefined : this.limits.models[model];
    const value =
      limit === 'parallel' ? this.limits.parallel
      : limit === 'requests' ? this.limits.rpm
      : limit === 'tokens' ? this.limits.tpm
      : limit === 'model_requests' ? (own?.rpm ?? null)
      : (own?.tpm ?? null);
    return `${nameLimit(limit, value, model)} reached across every process sharing the key`;
  }

  private watch(ticket: Ticket): void {
    const signal = ticket.signal;
    if (signal !== undefined) {
      ticket.onAbort = () => this.cancel(ticket, abortError(signal));
      signal.addEventListener('abort', ticket.onAbort, { once: true });
    }
    if (this.opts.maxWaitMs <= 2 ** 31 - 1) {
      ticket.deadline = setTimeout(() => this.expire(ticket), this.opts.maxWaitMs);
    }
  }

  private expire(ticket: Ticket): void {
    if (ticket.state !== 'waiting') return;
    const limit = ticket.blockedBy;
    const model = ticket.blockedModel;
    const reason = `${this.reasonFor(limit, model)}: waited maxWaitMs ${this.opts.maxWaitMs} ms`;
    const retryAfterMs = limit === 'parallel' ? undefined : Math.max(0, this.retryAt - now());
    const refusal = refuseRate({ limit, model, retryAfterMs, reason }, ticket.route);
    this.cancel(ticket, this.refused(refusal));
  }

  private cancel(ticket: Ticket, error: unknown): void {
    if (ticket.state !== 'waiting') return;
    if (ticket.order > 0) this.settles.leave(ticket.id);
    this.fail(ticket, error);
    void this.pump();
  }

  private fail(ticket: Ticket, error: unknown): void {
    this.remove(ticket);
    this.detach(ticket);
    ticket.state = 'over';
    ticket.hold?.release();
    ticket.reject(error);
  }

  private remove(ticket: Ticket): void {
    const i = this.line.indexOf(ticket);
    if (i >= 0) this.line.splice(i, 1);
  }

  private detach(ticket: Ticket): void {
    clearTimeout(ticket.deadline);
    ticket.deadline = undefined;
    if (ticket.onAbort !== undefined) ticket.signal?.removeEventListener('abort', ticket.onAbort);
    ticket.onAbort = undefined;
  }

  /** Refuses every waiting call that can no longer go (a lowered limit, a spent budget). */
  private sweep(): void {
    for (const ticket of [...this.line]) {
      const refusal = this.hardRefusal(ticket);
      if (refusal !== null) this.fail(ticket, this.refused(refusal));
    }
  }

  private refused(error: Refusal): Refusal {
    this.opts.emit({ type: 'refused', error });
    return error;
  }

  private armWake(at: number): void {
    if (this.closed || (this.wake !== undefined && at >= this.wakeAt)) return;
    clearTimeout(this.wake);
    this.wakeAt = at;
    this.wake = setTimeout(() => {
      this.wake = undefined;
      this.wakeAt = Number.POSITIVE_INFINITY;
      void this.pump();
    }, Math.max(0, Math.ceil(at - now())));
  }

  // ---- settling --------------------------------------------------------------------------

  private settle(ticket: Ticket, outcome: Outcome): void {
    if (ticket.state !== 'granted') return;
    ticket.state = 'over';
    this.inFlight -= 1;
    const release = () => ticket.hold?.release();
    if (this.closed) {
      release();
      return;
    }
    const at = now();
    const sent = outcome?.sent !== false;
    const report = readReport(outcome?.headers);
    if (adoptReport(this.limits, report, ticket.model)) this.limitsChanged();
    const tokens = sent ? usedTokens(ticket.tokens, outcome?.usage) : 0;
    const used = ticket.taken.map(({ lane }) => ({
      lane,
      amount: !sent || lane === laneNames.parallel ? 0 : countsRequests(lane) ? 1 : tokens,
    }));
    const { error, status, headers } = outcome ?? {};
    const pause = pauseFrom(error, status, headers, this.opts.windowMs);
    if (pause !== null && at + pause.ms > this.pausedUntil) {
      this.pausedUntil = at + pause.ms;
      this.pausedBy = pause.limit;
    }
    const spent = spentFrom(error, ticket.model);
    if (spent !== null) this.budget.markSpent(spent.model, spent.spend);
    const cost = outcome?.cost ?? report.cost;
    this.budget.record({ cost, keySpend: report.keySpend, model: ticket.model });
    const kept = used.filter((l) => l.amount > 0);
    this.book.settle(ticket.id, kept, sent, at + this.opts.windowMs);
    this.settles.push({
      id: ticket.id,
      sent,
      cost,
      keySpend: report.keySpend,
      model: ticket.model,
      spent: spent === null ? '' : spent.model === undefined ? 'key' : 'model',
      spentValue: spent?.spend ?? null,
      pauseMs: pause?.ms ?? 0,
      pauseLimit: pause?.limit ?? '',
      lanes: used,
    }, release);
    this.spendChanged();
    void this.pump();
  }

  private dropEntry(id: string, taken: LaneDemand[]) {
    return {
      id,
      sent: false,
      cost: null,
      keySpend: null,
      model: undefined,
      spent: '' as const,
      spentValue: null,
      pauseMs: 0,
      pauseLimit: '',
      lanes: taken.map(({ lane }) => ({ lane, amount: 0 })),
    };
  }

  /** Takes in the ledger's shared facts: spend, spent budgets, a gateway pause. */
  private absorb(meta: Meta): void {
    const spend = Number(meta['spend'] ?? 0);
    if (Number.isFinite(spend) && spend > this.budget.spend) {
      this.budget.record({ cost: null, keySpend: spend, model: undefined });
    }
    if (meta['spent'] === '1' && !this.budget.keyIsSpent(this.limits)) {
      this.budget.markSpent(undefined, undefined);
    }
    for (const [field, value] of Object.entries(meta)) {
      if (field.startsWith('spend:')) this.sharedModelSpend.set(field.slice(6), Number(value) || 0);
      if (field.startsWith('spent:') && value === '1') this.sharedModelSpent.add(field.slice(6));
    }
    this.spendChanged();
  }

  // ---- heartbeat, outages, a lost ledger ---------------------------------------------------

  private startBeat(): void {
    if (this.beatTimer !== undefined || this.closed) return;
    this.beatTimer = setInterval(() => void this.beat(), this.parts.timing.heartbeatMs);
    (this.beatTimer as { unref?: () => void }).unref?.();
  }

  /**
   * Every heartbeat: push out the leases of calls in flight (and of Bottleneck's jobs), write
   * back everything after the ledger was lost, retry settlements that failed, and notice an
   * outage, or its end, without waiting for a call.
   */
  private async beat(): Promise<void> {
    if (this.beating || this.closed) return;
    const at = now();
    this.book.prune(at);
    const idle = this.book.size === 0 && this.line.length === 0 && this.settles.size === 0;
    if (idle && this.mode === 'shared') {
      clearInterval(this.beatTimer);
      this.beatTimer = undefined;
      return;
    }
    this.beating = true;
    try {
      const full = this.reseedNeeded || this.mode === 'local';
      const entries = full ? this.book.all(at) : this.book.inFlight();
      // Spend goes along only when writing everything back: a beat must not undo a reset.
      const reply = await this.parts.ledger.renew(entries, full ? this.budget.spend : null);
      this.lapses += reply.lapsed.length;
      if (reply.peers > 0) this.peers = reply.peers;
      if (full) this.reseedNeeded = false;
      // Another ledger than the one this process wrote to: Redis lost its data.
      if (reply.epoch !== this.epoch) {
        if (full && reply.epoch !== null) this.epoch = reply.epoch;
        else this.reseedNeeded = true;
      }
      await this.gate?.renew();
      await this.settles.flush();
      this.recovered();
    } catch (error) {
      this.outage(error);
    } finally {
      this.beating = false;
    }
  }

  /** After Redis lost its data, writes back what this process still holds. */
  private async reseed(): Promise<void> {
    try {
      await this.parts.ledger.renew(this.book.all(now()), this.budget.spend);
      this.reseedNeeded = false;
    } catch {
      this.reseedNeeded = true;
    }
  }

  private outage(error: unknown): void {
    this.lastFailure = error;
    const at = now();
    this.failingSince ??= at;
    if (this.mode === 'local') return;
    const local = this.parts.fallback === 'local' && this.peers > 0;
    if (local) {
      // Calls others were granted before the outage may still count at the gateway for a
      // window (and a lease, for one that was just leaving): wait them out, then keep to a
      // share of the tier.
      this.mode = 'local';
      this.localFrom = at + this.opts.windowMs + this.parts.timing.leaseMs;
      for (const ticket of this.line) {
        ticket.hold?.release();
        ticket.hold = null;
        ticket.holding = false;
      }
      this.startBeat();
      void this.pump();
      return;
    }
    const failure = this.unavailableError(undefined);
    for (const ticket of [...this.line]) this.fail(ticket, failure);
  }

  private recovered(): void {
    if (this.failingSince === null && this.mode === 'shared') return;
    this.failingSince = null;
    if (this.mode === 'local') {
      // Back on the ledger, after everything this process admitted alone was written back,
      // and after a grace in which the other processes do the same.
      this.mode = 'shared';
      this.reseedNeeded = true;
      this.graceUntil = now() + this.parts.timing.graceMs;
      void this.pump();
    }
  }

  private unavailableError(detail: string | undefined): LimiterUnavailableError {
    const cause = this.lastFailure;
    const why = cause instanceof Error ? cause.message : 'Redis could not be reached';
    const share = detail === undefined ? '' : ` (during the local fallback ${detail}, too small)`;
    return new LimiterUnavailableError(
      `The shared tier limiter cannot count this call: ${why}${share}; the call was not sent`,
      { cause },
    );
  }

  // ---- changes ---------------------------------------------------------------------------

  private limitsChanged(): void {
    const parallel = this.limits.parallel;
    if (parallel !== null && parallel > 0) {
      if (this.gate === null) this.openGate(parallel);
      else this.gate.setLimit(parallel);
    } else {
      this.gate?.setLimit(null);
    }
    this.spendChanged();
    void this.pump();
  }

  private openGate(parallel: number): void {
    const { gate, close } = this.parts.gate(parallel);
    this.gate = gate;
    this.closeGate = close;
  }

  private spendChanged(): void {
    if (this.closed) return;
    const warning = this.budget.warning(this.limits);
    if (warning !== null) this.opts.emit(warning);
    if (this.budget.keyIsSpent(this.limits)) {
      this.reloader.at(this.limits.budgetResetAt);
      this.sweep();
    }
  }

  private shut(): void {
    void this.reloader.kick();
    if (this.budget.keyIsSpent(this.limits)) this.reloader.at(this.limits.budgetResetAt);
  }

  private reloaded(fresh: { limits: TierLimits; spend: number }): void {
    if (this.closed) return;
    this.limits = ownLimits(fresh.limits);
    this.resetSpend(fresh.spend);
    this.limitsChanged();
  }

  /** An authoritative spend (a re-read key, a reset budget): here and for every process. */
  private resetSpend(spend: number): void {
    this.budget.reset(spend);
    this.sharedModelSpend.clear();
    this.sharedModelSpent.clear();
    void this.parts.ledger.resetSpend(spend).catch(() => undefined);
    this.spendChanged();
    void this.pump();
  }

  private async shutDown(): Promise<void> {
    const limit = this.parts.timing.timeoutMs;
    const bounded = (work: Promise<unknown>) =>
      Promise.race([work, new Promise((resolve) => setTimeout(resolve, limit).unref?.())]);
    await bounded(this.settles.flush());
    this.settles.abandon();
    if (this.closeGate !== null) await bounded(this.closeGate());
    await bounded(this.parts.release());
  }
}

function limitFromName(name: string): LimitName {
  const known: LimitName[] = ['requests', 'tokens', 'parallel', 'model_requests', 'model_tokens'];
  return known.includes(name as LimitName) ? (name as LimitName) : 'requests';
}
