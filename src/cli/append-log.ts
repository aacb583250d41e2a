import type { FileHandle } from 'node:fs/promises';

interface Waiting {
  text: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * An append-only file whose `append` resolves only once the text is on disk (fsync).
 * Appends that arrive while a sync runs share the next one (group commit), so durability
 * costs one sync per batch, not one per line.
 */
export class AppendLog {
  #waiting: Waiting[] = [];
  #draining: Promise<void> | undefined;

  constructor(private readonly handle: FileHandle) {}

  /** Appends whole lines; resolves when they are durable. */
  append(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ text, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  /** Waits for every pending append, then closes the file. */
  async close(): Promise<void> {
    await this.#draining;
    await this.handle.close();
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length) {
      const batch = this.#waiting.splice(0);
      try {
        await this.handle.appendFile(batch.map((w) => w.text).join(''));
        await this.handle.sync();
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.#draining = undefined;
  }
}
