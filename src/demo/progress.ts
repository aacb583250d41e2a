import type { LimiterState } from '../limiter/state';
import type { Tally } from './summary';

/** One live line on a terminal; a line per window elsewhere (CI logs, pipes). */
export class Progress {
  readonly #total: number;
  readonly #tty = Boolean(process.stdout.isTTY);
  readonly #everyMs: number;
  #lastPlain = 0;

  constructor(total: number, windowMs: number) {
    this.#total = total;
    this.#everyMs = Math.max(1_000, windowMs / 2);
  }

  draw(tally: Tally, state: LimiterState | undefined): void {
    const line = this.#line(tally, state);
    if (this.#tty) {
      process.stdout.write(`\r${line}\x1b[K`);
    } else if (Date.now() - this.#lastPlain >= this.#everyMs) {
      this.#lastPlain = Date.now();
      console.log(line);
    }
  }

  done(tally: Tally, state: LimiterState | undefined): void {
    if (this.#tty) process.stdout.write(`\r${this.#line(tally, state)}\x1b[K\n`);
    else console.log(this.#line(tally, state));
  }

  #line(tally: Tally, state: LimiterState | undefined): string {
    const finished = tally.answered + tally.failed + tally.refusedLocally;
    const width = 24;
    const filled = Math.round((finished / this.#total) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const waiting = state ? `${state.queued} queued, ${state.inFlight} in flight` : '';
    const window = state?.requests.limit == null
      ? ''
      : `, window ${state.requests.used}/${state.requests.limit} requests`;
    return `${bar} ${finished}/${this.#total} done · ${waiting}${window}`;
  }
}
