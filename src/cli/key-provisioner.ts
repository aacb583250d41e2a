import {
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  type TierClient,
} from '../index';
import { keyHash, newKeySecret } from '../client/idempotency';
import { describeError } from './errors';
import type { KeyIntent, KeyLedger, KeyRecord } from './key-ledger';

/** What every key of a run is created with. */
export interface KeyTemplate {
  budget_id: string;
  models?: string[] | undefined;
  metadata?: Record<string, unknown> | undefined;
}

export interface KeyFailure {
  alias: string;
  error: string;
}

/** An alias the gateway already holds under a key whose secret no file of ours has. */
class AliasTakenError extends Error {
  override name = 'AliasTakenError';
}

/**
 * Creates keys one alias at a time, exactly once: the secret is chosen here and made
 * durable before the request, and anything in doubt is settled by looking the key up by
 * hash. Never throws; failures are collected, and `stopped()` says when to start no more.
 */
export class KeyProvisioner {
  created = 0;
  recovered = 0;
  readonly failures: KeyFailure[] = [];
  fatal: unknown;
  #inARow = 0;
  readonly #writes = new Set<Promise<void>>();

  constructor(
    private readonly client: TierClient,
    private readonly ledger: KeyLedger,
    private readonly template: KeyTemplate,
    private readonly maxFailuresInARow: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Resolves once every key line handed to the keys file is on disk (or has failed). */
  async settled(): Promise<void> {
    await Promise.all(this.#writes);
  }

  /**
   * Appends a key's line without holding up the next key: its secret is already durable in
   * the journal, so a crash before this line lands still leaves it recoverable.
   */
  #write(record: KeyRecord): void {
    const written = this.ledger.record(record).catch((error: unknown) => {
      this.failures.push({ alias: record.key_alias,
        error: `could not write its line (a rerun recovers it): ${describeError(error)}` });
    });
    this.#writes.add(written);
    void written.finally(() => this.#writes.delete(written));
  }

  /** Whether to start no further keys: interrupted, refused, or the gateway keeps failing. */
  stopped(): boolean {
    return Boolean(this.signal?.aborted) || this.fatal !== undefined ||
      this.#inARow >= this.maxFailuresInARow;
  }

  /** A new key for an alias no file knows. */
  async create(alias: string): Promise<void> {
    await this.#guard(alias, async () => {
      const intent = { key: newKeySecret(), key_alias: alias, budget_id: this.template.budget_id };
      await this.ledger.intend(intent);
      await this.#send(intent);
      this.created += 1;
    });
  }

  /**
   * Settles a key an earlier run asked for: records it when the gateway has it (recovered),
   * else sends it now with the same secret (created).
   */
  async recover(intent: KeyIntent): Promise<void> {
    await this.#guard(intent.key_alias, async () => {
      if (await this.#lookUp(intent)) {
        this.recovered += 1;
        return;
      }
      await this.#send(intent);
      this.created += 1;
    });
  }

  async #send(intent: KeyIntent): Promise<void> {
    const { models, metadata } = this.template;
    const body = {
      key: intent.key,
      key_alias: intent.key_alias,
      budget_id: intent.budget_id,
      ...(models ? { models } : {}),
      ...(metadata ? { metadata } : {}),
    };
    try {
      // The client retries lost answers itself and confirms by hash before re-sending.
      const made = await this.client.generateKey(body, { signal: this.signal });
      const token = made.token ?? (await keyHash(made.key));
      this.#write({ key: made.key, key_alias: intent.key_alias, token,
        budget_id: made.budget_id ?? intent.budget_id });
    } catch (error) {
      if (!isAliasTaken(error)) throw error;
      // Taken by this very key (an answer lost earlier), or by a key we have no secret for.
      if (await this.#lookUp(intent)) return;
      throw new AliasTakenError(
        `alias ${intent.key_alias} already exists on the gateway with a key that is not in ` +
          `${this.ledger.path}; delete that key or choose another --alias-prefix`,
      );
    }
  }

  /** Records the key if the gateway has it; false when it does not. */
  async #lookUp(intent: KeyIntent): Promise<boolean> {
    const token = await keyHash(intent.key);
    try {
      const { info } = await this.client.getKeyInfo(token, { signal: this.signal });
      if (!info) return false;
      this.#write({ ...intent, token, budget_id: info.budget_id ?? intent.budget_id });
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  async #guard(alias: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
      this.#inARow = 0;
    } catch (error) {
      if (error instanceof APIUserAbortError && this.signal?.aborted) return;
      if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
        this.fatal ??= error;
      }
      this.#inARow += 1;
      this.failures.push({ alias, error: describeError(error) });
    }
  }
}

function isAliasTaken(error: unknown): boolean {
  return error instanceof BadRequestError && error.param === 'key_alias';
}
