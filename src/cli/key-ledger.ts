import { open, truncate, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppendLog } from './append-log';
import { UsageError } from './errors';
import { lockFile, openPrivate, readLines } from './private-file';

/** One line of the keys file: a key that exists on the gateway. */
export interface KeyRecord {
  key: string;
  key_alias: string;
  token: string;
  budget_id: string;
}

/** One line of the journal: a key about to be requested, written before the request. */
export type KeyIntent = Omit<KeyRecord, 'token'>;

/**
 * The keys file and its journal. Before a key is requested its secret is made durable in
 * `<out>.pending`; once the gateway has it, its line is made durable in `<out>`. So a crash
 * at any point leaves every secret the gateway may hold in one of the two files, and a rerun
 * can confirm the unconfirmed ones by hash. The journal is removed once nothing in it is
 * unconfirmed. Both files are 0600; a `<out>.lock` keeps two runs apart.
 */
export class KeyLedger {
  readonly #records = new Map<string, KeyRecord>();
  readonly #intents = new Map<string, KeyIntent>();

  private constructor(
    readonly path: string,
    private readonly keys: AppendLog,
    private readonly journal: AppendLog,
    private readonly unlock: () => Promise<void>,
  ) {}

  /** Opens (or creates) `<out>` and its journal, reading what earlier runs left. */
  static async open(path: string): Promise<KeyLedger> {
    const unlock = await lockFile(path);
    try {
      const journalPath = `${path}.pending`;
      const keys = new AppendLog(await openPrivate(path));
      const journal = new AppendLog(await openPrivate(journalPath));
      await syncDirectory(path);
      const ledger = new KeyLedger(path, keys, journal, unlock);
      for (const row of await readRecords(journalPath)) {
        ledger.#intents.set(row.key_alias, { key: row.key, key_alias: row.key_alias,
          budget_id: row.budget_id });
      }
      for (const row of await readRecords(path)) ledger.#records.set(row.key_alias, asRecord(row));
      return ledger;
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  /** The key recorded under an alias, if any. */
  recorded(alias: string): KeyRecord | undefined {
    return this.#records.get(alias);
  }

  /** A key an earlier run asked for but never confirmed: it may or may not exist. */
  unconfirmed(alias: string): KeyIntent | undefined {
    return this.#records.has(alias) ? undefined : this.#intents.get(alias);
  }

  /** Makes the secret durable before it is sent to the gateway. */
  async intend(intent: KeyIntent): Promise<void> {
    await this.journal.append(`${JSON.stringify(intent)}\n`);
    this.#intents.set(intent.key_alias, intent);
  }

  /** Appends a key that now exists on the gateway. */
  async record(record: KeyRecord): Promise<void> {
    await this.keys.append(`${JSON.stringify(record)}\n`);
    this.#records.set(record.key_alias, record);
  }

  /** Flushes both files; drops the journal when every intent in it is confirmed. */
  async close(): Promise<void> {
    try {
      await Promise.all([this.keys.close(), this.journal.close()]);
      const unresolved = [...this.#intents.keys()].some((alias) => !this.#records.has(alias));
      if (!unresolved) await unlink(`${this.path}.pending`).catch(() => {});
    } finally {
      await this.unlock();
    }
  }
}

/** A line of either file: a record has the token, an intent not yet. */
type KeyLine = KeyIntent & { token?: string };

/**
 * Reads JSON lines. A last line without its newline is a write cut short by a crash: it was
 * never synced, so nothing depends on it, and it is cut off before new lines are appended.
 */
async function readRecords(path: string): Promise<KeyLine[]> {
  const { text, lines } = await readLines(path);
  if (text !== '' && !text.endsWith('\n')) {
    await truncate(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
  }
  const complete = text.endsWith('\n') ? lines : lines.slice(0, -1);
  return complete.filter((l) => l.trim() !== '').map((line, i) => parseLine(path, line, i + 1));
}

function parseLine(path: string, line: string, n: number): KeyLine {
  let row: Partial<KeyRecord> | undefined;
  try {
    row = JSON.parse(line) as Partial<KeyRecord>;
  } catch {
    row = undefined;
  }
  if (typeof row?.key !== 'string' || typeof row.key_alias !== 'string') {
    throw new UsageError(`${path}:${n}: not a key line (expected JSON with key and key_alias)`);
  }
  return { key: row.key, key_alias: row.key_alias, budget_id: String(row.budget_id ?? ''),
    ...(typeof row.token === 'string' ? { token: row.token } : {}) };
}

function asRecord(row: KeyLine): KeyRecord {
  return { token: '', ...row };
}

/** Makes a newly created file's directory entry durable too (best effort). */
async function syncDirectory(path: string): Promise<void> {
  try {
    const dir = await open(dirname(path), 'r');
    await dir.sync().finally(() => dir.close());
  } catch {
    // Some file systems refuse to sync a directory; the files themselves are synced.
  }
}
