import type { Meta, SettleEntry } from './ledger';

type Write = (entries: SettleEntry[], leaving: string[]) => Promise<{ meta: Meta }>;

interface Pending {
  entry: SettleEntry;
  /** Runs once the entry was written, or failed to be (e.g. frees the call's parallel slot). */
  after: (() => void) | undefined;
}

/**
 * Settlements and departures from the shared line, written in one script call per turn of the
 * event loop. What fails to be written stays queued and goes with the next flush (the
 * heartbeat flushes too), so a call's real use reaches the ledger once Redis answers again.
 */
export class SettleQueue {
  private pending: Pending[] = [];
  private leaving: string[] = [];
  private scheduled = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly write: Write,
    private readonly onMeta: (meta: Meta) => void,
  ) {}

  get size(): number {
    return this.pending.length + this.leaving.length;
  }

  push(entry: SettleEntry, after?: () => void): void {
    this.pending.push({ entry, after });
    this.schedule();
  }

  /** A call that waited in the shared line and will not ask again. */
  leave(id: string): void {
    this.leaving.push(id);
    this.schedule();
  }

  /** Writes everything queued; resolves when done (never rejects). */
  flush(): Promise<void> {
    if (this.running !== null) return this.running.then(() => this.flush());
    if (this.size === 0) return Promise.resolve();
    const batch = this.pending;
    const leaving = this.leaving;
    this.pending = [];
    this.leaving = [];
    const entries = batch.map((p) => p.entry);
    this.running = this.write(entries, leaving).then(
      ({ meta }) => this.onMeta(meta),
      () => {
        // Kept for the next flush; the callers' slots are freed all the same.
        this.pending.unshift(...batch.map((p) => ({ entry: p.entry, after: undefined })));
        this.leaving.unshift(...leaving);
      },
    ).finally(() => {
      this.running = null;
      for (const p of batch) p.after?.();
    });
    return this.running;
  }

  /** Runs every pending callback without writing (close). */
  abandon(): void {
    for (const p of this.pending) p.after?.();
    this.pending = [];
    this.leaving = [];
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }
}
