import type { Cluster, Redis } from 'ioredis';
import { LimiterUnavailableError } from '../limiter-unavailable';
import { fixedKeys, laneKeys } from './keys';
import { ADMIT, RENEW, RESET_SPEND, SETTLE } from './scripts';

export type RedisClient = Redis | Cluster;

/** One lane a call takes from, with the lane's limit as the caller sees it. */
export interface LaneDemand {
  lane: string;
  limit: number;
  amount: number;
}

export interface AdmitTicket {
  id: string;
  /** Its place in the shared line, once it has one; 0 before. */
  order: number;
  lanes: LaneDemand[];
}

export interface AdmitResult {
  id: string;
  ok: boolean;
  order: number;
  /** How long until it may fit (or, behind an older waiter, until it asks again), ms. */
  waitMs: number;
  /** The lane that holds it back, or null. */
  blocking: string | null;
}

export type AdmitReply =
  | { kind: 'epoch'; epoch: string; graceMs: number }
  | { kind: 'pause'; epoch: string; ms: number; limit: string }
  | { kind: 'ok'; epoch: string; peers: number; meta: Meta; results: AdmitResult[] };

/** The ledger's shared facts: spend, spent flags, pause. */
export type Meta = Record<string, string>;

export interface SettleEntry {
  id: string;
  sent: boolean;
  cost: number | null;
  keySpend: number | null;
  model: string | undefined;
  spent: '' | 'key' | 'model';
  spentValue: number | null;
  pauseMs: number;
  pauseLimit: string;
  lanes: Array<{ lane: string; amount: number }>;
}

export interface RenewEntry {
  id: string;
  /** `leftMs` -1: in flight (counts a window and a lease from now). */
  lanes: Array<{ lane: string; amount: number; leftMs: number }>;
}

export interface LedgerTiming {
  windowMs: number;
  leaseMs: number;
  graceMs: number;
  behindMs: number;
  /** A command without an answer after this long fails the operation. */
  timeoutMs: number;
}

type Command = (...args: Array<string | number>) => Promise<unknown>;

const COMMANDS = {
  ltcAdmit: ADMIT,
  ltcSettle: SETTLE,
  ltcRenew: RENEW,
  ltcResetSpend: RESET_SPEND,
} as const;

/** Loads the scripts on a client once (ioredis re-sends a script Redis has lost). */
function defineOn(client: RedisClient): void {
  const named = client as unknown as Record<string, unknown>;
  for (const [name, lua] of Object.entries(COMMANDS)) {
    if (typeof named[name] !== 'function') client.defineCommand(name, { lua });
  }
}

const text = (n: number | null): string => (n === null ? '' : String(n));

/** One key's shared ledger on Redis: atomic admission, settlement and renewal. */
export class Ledger {
  private readonly fixed: string[];

  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    readonly clientId: string,
    private readonly timing: LedgerTiming,
  ) {
    this.fixed = fixedKeys(prefix);
    defineOn(client);
  }

  async admit(known: string, fresh: string, tickets: AdmitTicket[]): Promise<AdmitReply> {
    const lanes = new LaneIndex(this.prefix);
    const { windowMs, leaseMs, graceMs, behindMs } = this.timing;
    const args: Array<string | number> = [known, fresh, windowMs, leaseMs, graceMs];
    args.push(this.clientId, behindMs, tickets.length);
    for (const t of tickets) {
      args.push(t.id, t.order, t.lanes.length);
      for (const d of t.lanes) args.push(lanes.of(d.lane), d.limit, d.amount);
    }
    const reply = (await this.run('ltcAdmit', lanes, args)) as unknown[];
    return readAdmit(reply, lanes);
  }

  async settle(
    entries: SettleEntry[],
    leaving: string[],
  ): Promise<{ epoch: string | null; meta: Meta }> {
    const lanes = new LaneIndex(this.prefix);
    const args: Array<string | number> = [this.timing.windowMs, entries.length];
    for (const e of entries) {
      args.push(e.id, e.sent ? 1 : 0, text(e.cost), text(e.keySpend), e.model ?? '', e.spent);
      args.push(text(e.spentValue), Math.max(0, Math.ceil(e.pauseMs)), e.pauseLimit);
      args.push(e.lanes.length);
      for (const l of e.lanes) args.push(lanes.of(l.lane), l.amount);
    }
    args.push(leaving.length, ...leaving);
    const [epoch, meta] = (await this.run('ltcSettle', lanes, args)) as [unknown, unknown];
    return { epoch: typeof epoch === 'string' ? epoch : null, meta: readMeta(meta) };
  }

  async renew(entries: RenewEntry[], spend: number | null) {
    const lanes = new LaneIndex(this.prefix);
    const { windowMs, leaseMs } = this.timing;
    const args: Array<string | number> = [windowMs, leaseMs, this.clientId, text(spend)];
    args.push(entries.length);
    for (const e of entries) {
      args.push(e.id, e.lanes.length);
      for (const l of e.lanes) args.push(lanes.of(l.lane), l.amount, Math.ceil(l.leftMs));
    }
    const [epoch, peers, lapsed] = (await this.run('ltcRenew', lanes, args)) as unknown[];
    return {
      epoch: typeof epoch === 'string' ? epoch : null,
      peers: Number(peers),
      lapsed: (lapsed as string[]).map(String),
    };
  }

  /** Replaces the shared spend with an authoritative figure, USD. */
  async resetSpend(spend: number): Promise<void> {
    const command = (this.client as unknown as Record<string, Command>)['ltcResetSpend'] as Command;
    const meta = this.fixed[1] as string;
    await withTimeout(command.call(this.client, 1, meta, String(spend)), this.timing.timeoutMs,
      'a spend reset');
  }

  private run(name: keyof typeof COMMANDS, lanes: LaneIndex, args: Array<string | number>) {
    const keys = [...this.fixed, ...lanes.keys];
    const command = (this.client as unknown as Record<string, Command>)[name] as Command;
    const call = command.call(this.client, keys.length, ...keys, ...args);
    return withTimeout(call, this.timing.timeoutMs, name);
  }
}

/** Numbers each lane of one script call (1-based, as the Lua expects). */
class LaneIndex {
  readonly keys: string[] = [];
  private readonly index = new Map<string, number>();
  readonly names: string[] = [];

  constructor(private readonly prefix: string) {}

  of(lane: string): number {
    let i = this.index.get(lane);
    if (i === undefined) {
      i = this.names.push(lane);
      this.index.set(lane, i);
      this.keys.push(...laneKeys(this.prefix, lane));
    }
    return i;
  }
}

function readMeta(raw: unknown): Meta {
  const meta: Meta = {};
  const list = Array.isArray(raw) ? (raw as unknown[]) : [];
  for (let i = 0; i + 1 < list.length; i += 2) meta[String(list[i])] = String(list[i + 1]);
  return meta;
}

function readAdmit(reply: unknown[], lanes: LaneIndex): AdmitReply {
  const [kind, epoch] = reply as [string, string];
  if (kind === 'epoch') return { kind, epoch, graceMs: Number(reply[2]) };
  if (kind === 'pause') return { kind, epoch, ms: Number(reply[2]), limit: String(reply[3]) };
  const results = (reply[4] as unknown[][]).map(([id, code, order, wait, blocking]) => ({
    id: String(id),
    ok: code === 'ok',
    order: Number(order),
    waitMs: Number(wait),
    blocking: Number(blocking) > 0 ? (lanes.names[Number(blocking) - 1] ?? null) : null,
  }));
  return { kind: 'ok', epoch, peers: Number(reply[2]), meta: readMeta(reply[3]), results };
}

/** Rejects with LimiterUnavailableError when Redis fails or does not answer in time. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new LimiterUnavailableError(
        `The shared limiter's Redis did not answer ${what} within ${ms} ms; the call was not sent`,
      );
      reject(error);
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (cause: unknown) => {
        clearTimeout(timer);
        const message = cause instanceof Error ? cause.message : String(cause);
        const text = `The shared limiter's Redis failed (${message})`;
        reject(new LimiterUnavailableError(text, { cause }));
      },
    );
  });
}
