import { APIUserAbortError, TierClientError } from '../client/errors';
import type { BudgetExceededError, LimitName, RateLimitError } from '../client/errors';
import { BudgetBook } from './budget';
import { isFast } from './fast-bottleneck';
import { adoptReport, foreignUse, pauseFrom, remainingFor, spentFrom } from './feedback';
import { estimateTokens } from './estimate';
import { Lanes, engineMakers } from './lanes';
import { smallestTpm } from './limits';
import type { TierLimits } from './limits';
import { MAX_TIMER } from './numbers';
import { mustBe, resolveOptions } from './options';
import type { LimiterOptions, ResolvedOptions } from './options';
import { copyLimits, ownLimits } from './own-limits';
import { laneWait } from './predict';
import { nameLimit, refuseBudget, refuseRate } from './refusals';
import { Reloader } from './reloader';
import { readReport } from './report';
import { reopened, shutDimensions } from './shut';
import { laneState } from './state';
import type { LimiterState } from './state';
import { usedTokens } from './ticket';
import type { CallShape, Grant, Outcome, Ticket } from './ticket';
import { WaitLine } from './wait-line';
import { WakeTimer } from './wake-timer';

type Refusal = RateLimitError | BudgetExceededError;

const now = (): number => performance.now();

function abortError(signal: AbortSignal): APIUserAbortError {
  return new APIUserAbortError('Request was aborted while waiting for the tier limiter', {
    cause: signal.reason,
  });
}

function closedError(): TierClientError {
  return new TierClientError('The tier limiter was closed; the call was not sent');
}

/**
 * Keeps a key's calls inside its tier before they leave the process, so that the gateway never
 * has to refuse them. Counts live in Bottleneck reservoirs, one per lane (the key's requests
 * and tokens, each model's); a call's slots come back a full window after it settles, the
 * latest moment the gateway could have counted it, so however the gateway anchors its window
 * it never sees more than the limit (test/limiter/rpm-window-never-overflows.test.ts).
 */
export class TierLimiter {
  #limits: TierLimits;
  readonly #opts: ResolvedOptions;
  private readonly lanes: Lanes;
  readonly #budget: BudgetBook;
  readonly #reloader: Reloader;
  readonly #line = new WaitLine();
  /** Calls starting or granted, not yet settled. */
  readonly #live = new Set<Ticket>();
  private readonly wake = new WakeTimer(() => this.#tick());
  #inFlight = 0;
  #pausedUntil = 0;
  #pausedBy: LimitName = 'requests';
  /** Just reopened: one call at a time until the gateway admits one (it may lag a minute). */
  #probing = false;
  #draining = false;
  #drainAgain = false;
  #closed = false;
  #closing: Promise<void> | null = null;

  constructor(limits: TierLimits, options?: LimiterOptions) {
    this.#opts = resolveOptions(options);
    this.#limits = ownLimits(limits);
    this.lanes = new Lanes(this.#limits, engineMakers(this.#opts.bottleneck));
    this.#budget = new BudgetBook(this.#opts.spend);
    this.#reloader = new Reloader(this.#opts.reload, this.#opts.windowMs, (fresh) =>
      this.#reloaded(fresh),
    );
    // Deferred so that listeners attached right after construction hear an early warning.
    void Promise.resolve().then(() => this.#spendChanged());
  }

  /** Resolves when the call may be sent; rejects with a refusal, an abort or on close. */
  acquire(call: CallShape): Promise<Grant> {
    if (this.#closed) return Promise.reject(closedError());
    const { tokens, signal } = call;
    if (typeof tokens !== 'number' || !(tokens >= 0 && tokens < Infinity)) {
      return Promise.reject(mustBe('tokens', 'a non-negative number', tokens));
    }
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const ticket = this.#ticket(call);
    const refusal = this.#hardRefusal(ticket);
    if (refusal !== null) return Promise.reject(this.#refused(refusal));
    return new Promise<Grant>((resolve, reject) => {
      ticket.resolve = resolve;
      ticket.reject = reject;
      if (this.#line.size === 0 && this.#blocker(ticket) === null) this.#admit(ticket);
      else if (this.#opts.onLimit === 'reject') this.#refuseNow(ticket);
      else this.#enqueue(ticket);
    });
  }

  /** Applies refreshed limits (raise or lower) to new, waiting and future calls. */
  update(limits: TierLimits): void {
    if (this.#closed) return;
    const fresh = ownLimits(limits);
    this.#changing(() => {
      this.#limits = fresh;
    });
  }

  /** Replaces the spend with an authoritative figure (e.g. from `/key/info`), USD. */
  setSpend(spend: number): void {
    if (this.#closed) return;
    if (typeof spend !== 'number' || !(spend >= 0 && spend < Infinity)) {
      throw mustBe('spend', 'a non-negative number', spend);
    }
    this.#changing(() => this.#budget.reset(spend));
  }

  /** The proxy's token estimate for a request body under the limits in force now (the
   * smallest tpm that applies to `body.model`): what `acquire` should reserve. Cheap. */
  estimate(body: unknown): number {
    const model = (body as { model?: unknown } | null | undefined)?.model;
    const named = typeof model === 'string' ? model : undefined;
    return estimateTokens(body, smallestTpm(this.#limits, named));
  }

  /** Re-reads limits and spend through `options.reload` now; resolves once applied. */
  reload(): Promise<void> {
    return this.#reloader.now();
  }

  state(): LimiterState {
    const models: LimiterState['models'] = {};
    for (const [model, { requests, tokens }] of this.lanes.models) {
      const spend = this.#budget.spendOf(model);
      models[model] = { requests: laneState(requests), tokens: laneState(tokens), spend };
    }
    const engine = this.lanes.requests.bottleneck;
    return {
      limits: copyLimits(this.#limits),
      inFlight: this.#inFlight,
      queued: this.#line.size,
      requests: laneState(this.lanes.requests),
      tokens: laneState(this.lanes.tokens),
      models,
      spend: this.#budget.spend,
      budgetSpent: this.#budget.keyIsSpent(this.#limits),
      pausedForMs: Math.max(0, Math.ceil(this.#pausedUntil - now())),
      fastPath: engine !== null && isFast(engine),
      closed: this.#closed,
    };
  }

  /** Rejects every waiting call with a TierClientError, clears every timer, stops engines. */
  close(): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    this.#closed = true;
    this.wake.clear();
    this.#reloader.close();
    const error = closedError();
    for (const ticket of this.#line) this.#fail(ticket, error);
    for (const ticket of this.#live) {
      if (ticket.state === 'starting') this.#fail(ticket, error);
      this.#release(ticket);
    }
    const stops = this.lanes.all().map((lane) => {
      lane.releases.clear();
      return lane.bottleneck?.stop({ dropWaitingJobs: true }).catch(() => undefined);
    });
    this.#closing = Promise.all(stops).then(() => undefined);
    return this.#closing;
  }

  // ---- admission -------------------------------------------------------------------------

  #ticket(call: CallShape): Ticket {
    // 1.80.7 counts one token per call on admission, whatever the estimate.
    const tokens = Math.max(1, Math.ceil(call.tokens));
    const demand: Ticket['demand'] = [
      [this.lanes.requests, 1],
      [this.lanes.tokens, tokens],
    ];
    if (call.model !== undefined) {
      const own = this.lanes.forModel(call.model);
      demand.push([own.requests, 1], [own.tokens, tokens]);
    }
    return {
      model: call.model,
      tokens,
      route: { method: call.method ?? 'POST', path: call.path ?? '/chat/completions' },
      signal: call.signal,
      demand,
      marks: [],
      started: [],
      state: 'new',
      resolve: () => undefined,
      reject: () => undefined,
      release: undefined,
      deadline: undefined,
      onAbort: undefined,
      predictedAt: 0,
      blockedBy: 'requests',
    };
  }

  /** Why the call cannot go until the tier changes (a zero limit, a spent budget, a call
   * larger than a window's tokens), or null. */
  #hardRefusal(ticket: Ticket): Refusal | null {
    const money = this.#budget.refusal(this.#limits, ticket.model);
    if (money !== null) {
      this.#shut();
      return refuseBudget(money, ticket.route);
    }
    if (this.#limits.parallel === 0) return this.#zeroRefusal(ticket, 'parallel', undefined);
    for (const [lane, amount] of ticket.demand) {
      const { limit, limitName, model } = lane;
      if (limit === 0) return this.#zeroRefusal(ticket, limitName, model);
      if (limit !== null && amount > limit) {
        const reason =
          `its ${amount} estimated tokens exceed ${nameLimit(limitName, limit, model)} and can ` +
          'never fit';
        const refusal = { limit: limitName, model, retryAfterMs: undefined, reason };
        return refuseRate(refusal, ticket.route);
      }
    }
    return null;
  }

  #zeroRefusal(ticket: Ticket, limit: LimitName, model: string | undefined): Refusal {
    this.#shut();
    // With a reload, the tier is re-read at most once a window: the soonest a retry can help.
    const retryAfterMs = this.#opts.reload === undefined ? undefined : this.#opts.windowMs;
    const reason = `${nameLimit(limit, 0, model)} refuses every call`;
    return refuseRate({ limit, model, retryAfterMs, reason }, ticket.route);
  }

  /** What holds the call back now, or null when it can go. */
  #blocker(ticket: Ticket): LimitName | null {
    if (this.#pausedUntil > now()) return this.#pausedBy;
    const parallel = this.#limits.parallel;
    if (parallel !== null && this.#inFlight >= parallel) return 'parallel';
    if (this.#probing && this.#inFlight > 0) return 'requests';
    for (const [lane, amount] of ticket.demand) {
      if (amount > lane.available()) return lane.limitName;
    }
    return null;
  }

  /** Takes the call's amounts from every lane; grants it once every engine has started it
   * (at once on local engines). The key's requests lane holds a job for the parallel cap. */
  #admit(ticket: Ticket): void {
    ticket.state = 'starting';
    this.#inFlight += 1;
    this.#live.add(ticket);
    const starts: Array<Promise<void>> = [];
    ticket.demand.forEach(([lane, amount], i) => {
      let start: Promise<void> | null;
      if (lane === this.lanes.requests) {
        const job = lane.hold(amount);
        ticket.release = job.release;
        start = job.started;
      } else {
        start = lane.take(amount);
      }
      ticket.marks[i] = lane.taken;
      ticket.started[i] = start === null;
      if (start !== null) starts.push(start.then(() => void (ticket.started[i] = true)));
    });
    if (starts.length === 0) {
      this.#started(ticket);
      return;
    }
    void Promise.allSettled(starts).then((results) => {
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure === undefined) this.#started(ticket);
      else this.#startFailed(ticket, failure.reason);
    });
  }

  #started(ticket: Ticket): void {
    if (ticket.state !== 'starting') {
      this.#unwind(ticket);
      return;
    }
    ticket.state = 'granted';
    this.#detach(ticket);
    ticket.resolve({ settle: (outcome) => this.#settle(ticket, outcome) });
  }

  /** An engine refused the job (stopped, or a limit changed under it): nothing was sent. */
  #startFailed(ticket: Ticket, cause: unknown): void {
    const waiting = ticket.state === 'starting';
    this.#unwind(ticket);
    if (!waiting) return;
    const refusal = this.#closed ? null : this.#hardRefusal(ticket);
    const error =
      this.#closed ? closedError()
      : refusal !== null ? this.#refused(refusal)
      : new TierClientError('The tier limiter could not reserve the call', { cause });
    this.#fail(ticket, error);
  }

  /** Gives back everything an unsent call took. */
  #unwind(ticket: Ticket): void {
    if (!this.#live.delete(ticket)) return;
    this.#inFlight -= 1;
    this.#release(ticket);
    ticket.demand.forEach(([lane, amount], i) => {
      if (ticket.started[i]) lane.give(amount);
      else lane.forget(amount);
    });
    if (ticket.state === 'starting') ticket.state = 'over';
    this.#drain();
  }

  /** Ends the call's job on the parallel-carrying engine, once. */
  #release(ticket: Ticket): void {
    ticket.release?.();
    ticket.release = undefined;
  }

  // ---- waiting ---------------------------------------------------------------------------

  #refuseNow(ticket: Ticket): void {
    const { waitMs, limit } = this.#predict(ticket, false);
    // Held back by calls in flight, not by a window: no delay can be predicted.
    const byCalls = limit === 'parallel' || (this.#probing && this.#inFlight > 0 && waitMs === 0);
    ticket.reject(byCalls
      ? this.#waitRefusal(ticket, limit, undefined, '', 'retry when a call in flight ends')
      : this.#waitRefusal(ticket, limit, waitMs, ''));
  }

  #enqueue(ticket: Ticket): void {
    const { waitMs, limit } = this.#predict(ticket, false);
    const { maxWaitMs, emit } = this.#opts;
    if (waitMs > maxWaitMs) {
      const over = `: it would wait about ${Math.ceil(waitMs)} ms, over maxWaitMs ${maxWaitMs}`;
      ticket.reject(this.#waitRefusal(ticket, limit, waitMs, over));
      return;
    }
    ticket.state = 'waiting';
    ticket.predictedAt = now() + waitMs;
    ticket.blockedBy = limit;
    this.#line.add(ticket);
    this.#watch(ticket);
    const { model, tokens } = ticket;
    emit({ type: 'queued', model, tokens, position: this.#line.size });
    const throttled = { limit, model: this.#modelOf(ticket, limit), waitMs: Math.ceil(waitMs) };
    emit({ type: 'throttled', ...throttled });
    this.#armWake();
  }

  /** The refusal of a call that `limit` holds back: what the limit is, then `detail`. */
  #waitRefusal(
    ticket: Ticket,
    limit: LimitName,
    retryAfterMs: number | undefined,
    detail: string,
    hint?: string,
  ): Refusal {
    const model = this.#modelOf(ticket, limit);
    const reason = this.#reasonFor(limit, ticket) + detail;
    return this.#refused(refuseRate({ limit, model, retryAfterMs, reason, hint }, ticket.route));
  }

  /** An abort, or the wait deadline, removes a waiting call. */
  #watch(ticket: Ticket): void {
    const signal = ticket.signal;
    if (signal !== undefined) {
      ticket.onAbort = () => this.#cancel(ticket, abortError(signal));
      signal.addEventListener('abort', ticket.onAbort, { once: true });
    }
    if (this.#opts.maxWaitMs <= MAX_TIMER) {
      ticket.deadline = setTimeout(() => this.#expire(ticket), this.#opts.maxWaitMs);
    }
  }

  #detach(ticket: Ticket): void {
    clearTimeout(ticket.deadline);
    ticket.deadline = undefined;
    if (ticket.onAbort !== undefined) ticket.signal?.removeEventListener('abort', ticket.onAbort);
    ticket.onAbort = undefined;
  }

  /** Ends a waiting or starting call with `error`; a starting one unwinds once its engines
   * answer. */
  #fail(ticket: Ticket, error: unknown): void {
    this.#line.remove(ticket);
    this.#detach(ticket);
    ticket.state = ticket.state === 'starting' ? 'cancelled' : 'over';
    ticket.reject(error);
  }

  #cancel(ticket: Ticket, error: unknown): void {
    if (ticket.state !== 'waiting' && ticket.state !== 'starting') return;
    this.#fail(ticket, error);
    this.#drain();
  }

  #expire(ticket: Ticket): void {
    if (ticket.state !== 'waiting' && ticket.state !== 'starting') return;
    const { waitMs, limit } = this.#predict(ticket, true);
    const waited = `: waited maxWaitMs ${this.#opts.maxWaitMs} ms`;
    const retryAfterMs = limit === 'parallel' ? undefined : waitMs;
    this.#cancel(ticket, this.#waitRefusal(ticket, limit, retryAfterMs, waited));
  }

  /** Predicted wait of a call joining the back of the line (`inLine`: already in it). */
  #predict(ticket: Ticket, inLine: boolean): { waitMs: number; limit: LimitName } {
    const at = now();
    let waitMs = Math.max(0, this.#pausedUntil - at);
    let limit: LimitName =
      waitMs > 0 ? this.#pausedBy : (this.#blocker(ticket) ?? this.#headBlocker() ?? 'parallel');
    const tail = this.#line.lastPredictedAt - at;
    if (!inLine && tail > waitMs) waitMs = tail;
    for (const [lane, amount] of ticket.demand) {
      const demand = this.#line.demandOn(lane) + (inLine ? 0 : amount);
      const wait = laneWait(lane, demand, at, this.#opts.windowMs);
      if (wait > waitMs) {
        waitMs = wait;
        limit = lane.limitName;
      }
    }
    return { waitMs, limit };
  }

  #headBlocker(): LimitName | null {
    const head = this.#line.first();
    return head === undefined ? null : (this.#blocker(head) ?? head.blockedBy);
  }

  #modelOf(ticket: Ticket, limit: LimitName): string | undefined {
    return limit.startsWith('model_') ? ticket.model : undefined;
  }

  #reasonFor(limit: LimitName, ticket: Ticket): string {
    if (this.#pausedUntil > now()) return `the gateway answered 429 for ${limit}; paused`;
    if (this.#probing && this.#inFlight > 0) {
      return 'the tier just reopened; one call at a time until the gateway confirms it';
    }
    const model = this.#modelOf(ticket, limit);
    const lanes = model === undefined ? undefined : this.lanes.forModel(model);
    const value =
      limit === 'parallel' ? this.#limits.parallel
      : limit === 'requests' ? this.lanes.requests.limit
      : limit === 'tokens' ? this.lanes.tokens.limit
      : limit === 'model_requests' ? (lanes?.requests.limit ?? null)
      : (lanes?.tokens.limit ?? null);
    return `${nameLimit(limit, value, model)} reached`;
  }

  #refused(error: Refusal): Refusal {
    this.#opts.emit({ type: 'refused', error });
    return error;
  }

  /** Admits waiting calls in FIFO order while they fit; refuses those that never will. */
  #drain(): void {
    if (this.#draining) {
      this.#drainAgain = true;
      return;
    }
    this.#draining = true;
    try {
      do {
        this.#drainAgain = false;
        for (const ticket of this.#line) {
          const refusal = this.#hardRefusal(ticket);
          if (refusal !== null) {
            this.#fail(ticket, this.#refused(refusal));
            continue;
          }
          if (this.#blocker(ticket) !== null) break;
          this.#line.remove(ticket);
          this.#admit(ticket);
        }
      } while (this.#drainAgain && !this.#closed);
    } finally {
      this.#draining = false;
    }
    this.#armWake();
  }

  /** Refuses every waiting call that can no longer go (a lowered limit, a spent budget). */
  #sweep(): void {
    for (const ticket of this.#line) {
      const refusal = this.#hardRefusal(ticket);
      if (refusal !== null) this.#fail(ticket, this.#refused(refusal));
    }
  }

  // ---- time ------------------------------------------------------------------------------

  #armWake(): void {
    if (this.#closed) return;
    let next = this.#pausedUntil > now() ? this.#pausedUntil : Infinity;
    for (const lane of this.lanes.all()) next = Math.min(next, lane.releases.next() ?? next);
    this.wake.arm(next, this.#line.size > 0);
  }

  #tick(): void {
    const at = now();
    for (const lane of this.lanes.all()) lane.releaseDue(at);
    this.#drain();
  }

  // ---- feedback --------------------------------------------------------------------------

  #settle(ticket: Ticket, outcome: Outcome): void {
    if (ticket.state !== 'granted') return;
    ticket.state = 'over';
    this.#live.delete(ticket);
    this.#inFlight -= 1;
    this.#release(ticket);
    if (this.#closed) return;
    const at = now();
    const windowEnd = at + this.#opts.windowMs;
    const sent = outcome?.sent !== false;
    const report = readReport(outcome?.headers);
    // Nothing may be admitted before this call's real usage is charged: no drain until the end.
    const adopted = adoptReport(this.#limits, report, ticket.model);
    if (adopted) this.lanes.apply(this.#limits);
    ticket.demand.forEach(([lane], i) => {
      const remaining = remainingFor(lane, report);
      if (remaining === null || lane.limit === null) return;
      lane.addGhost(windowEnd, foreignUse(lane, remaining, ticket.marks[i] ?? lane.taken));
    });
    // Each lane's reservation becomes what the call really used, given back a window from
    // now; an unsent call gives everything back at once.
    const tokens = sent ? usedTokens(ticket.tokens, outcome?.usage) : 0;
    for (const [lane, reserved] of ticket.demand) {
      const perCall = lane.limitName === 'requests' || lane.limitName === 'model_requests';
      const used = perCall ? (sent ? 1 : 0) : tokens;
      if (used < reserved) lane.give(reserved - used);
      else lane.charge(used - reserved);
      lane.releaseAt(windowEnd, used);
    }
    const { error, status, headers } = outcome ?? {};
    const pause = pauseFrom(error, status, headers, this.#opts.windowMs);
    if (pause !== null && at + pause.ms > this.#pausedUntil) {
      this.#pausedUntil = at + pause.ms;
      this.#pausedBy = pause.limit;
    }
    const spent = spentFrom(error, ticket.model);
    if (spent !== null) {
      this.#budget.markSpent(spent.model, spent.spend);
      if (spent.model === undefined && spent.maxBudget !== undefined) {
        this.#limits.maxBudget = spent.maxBudget;
      }
    }
    if (this.#probing && sent && pause === null && spent === null) this.#probing = false;
    const cost = outcome?.cost ?? report.cost;
    this.#budget.record({ cost, keySpend: report.keySpend, model: ticket.model });
    if (adopted) this.#limitsChanged();
    else this.#spendChanged();
    this.#drain();
  }

  // ---- changes ---------------------------------------------------------------------------

  /** Applies a change of limits or spend; a limiter that reopens probes with one call. */
  #changing(change: () => void): void {
    const before = shutDimensions(this.#limits, this.#budget);
    change();
    if (reopened(before, shutDimensions(this.#limits, this.#budget))) this.#probing = true;
    this.#limitsChanged();
  }

  /** Brings lanes, waiting calls and predictions in line with the limits; then drains. */
  #limitsChanged(): void {
    this.lanes.apply(this.#limits);
    this.#spendChanged();
    this.#sweep();
    // Waiting calls' predicted times are stale: redo them.
    const line = this.#line;
    line.lastPredictedAt = 0;
    for (const ticket of line) {
      ticket.predictedAt = now() + this.#predict(ticket, true).waitMs;
      line.lastPredictedAt = Math.max(line.lastPredictedAt, ticket.predictedAt);
    }
    this.#drain();
  }

  /** Emits a budget warning on crossing; arms the reset-time reload while the key is spent. */
  #spendChanged(): void {
    if (this.#closed) return;
    const warning = this.#budget.warning(this.#limits);
    if (warning !== null) this.#opts.emit(warning);
    if (this.#budget.keyIsSpent(this.#limits)) {
      this.#reloader.at(this.#limits.budgetResetAt);
      this.#sweep();
    }
  }

  /** A zero limit or a spent budget refuses calls: re-read the tier now (at most once a
   * window), then once a window while it stays shut, and at the budget's reset. */
  #shut(): void {
    void this.#reloader.kick();
    this.#reloader.whileShut(() => shutDimensions(this.#limits, this.#budget).size > 0);
    if (this.#budget.keyIsSpent(this.#limits)) this.#reloader.at(this.#limits.budgetResetAt);
  }

  #reloaded(fresh: { limits: TierLimits; spend: number }): void {
    if (this.#closed) return;
    const limits = ownLimits(fresh.limits);
    this.#changing(() => {
      this.#budget.reset(fresh.spend);
      this.#limits = limits;
    });
  }
}
