import { errorFromResponse } from './error-factory';
import { APIConnectionError, type RequestInfo } from './errors';
import { abortError } from './signals';
import { sseReader } from './sse';

/** Token counts as the gateway reports them. */
export interface StreamUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

/** How a stream ended, for whoever holds its place in the limiter. */
export interface StreamEnd {
  usage: StreamUsage | undefined;
  error: unknown;
}

/**
 * A streamed completion: iterate it with `for await`. Ends at `[DONE]`; breaking out of the
 * loop, or `abort()`, cancels the HTTP request. `usage` holds the usage frame once seen.
 */
export class ChatStream<Chunk> implements AsyncIterable<Chunk> {
  /** The usage frame (`stream_options.include_usage`), once it has arrived. */
  usage: StreamUsage | undefined;
  readonly response: Response;
  #controller: AbortController;
  #request: RequestInfo;
  #onEnd: (end: StreamEnd) => void;
  #started = false;
  #ended = false;

  constructor(init: {
    response: Response;
    controller: AbortController;
    request: RequestInfo;
    onEnd: (end: StreamEnd) => void;
  }) {
    this.response = init.response;
    this.#controller = init.controller;
    this.#request = init.request;
    this.#onEnd = init.onEnd;
  }

  /** Stops the stream and closes the connection. */
  abort(): void {
    this.#controller.abort();
    this.#finish(undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Chunk> {
    if (this.#started) throw new TypeError('A ChatStream can be iterated only once.');
    this.#started = true;
    let failure: unknown;
    try {
      for await (const data of this.#frames()) {
        const chunk = JSON.parse(data) as Chunk & { usage?: StreamUsage; error?: unknown };
        if (chunk.error !== undefined) throw this.#frameError(chunk);
        if (chunk.usage) this.usage = chunk.usage;
        yield chunk;
      }
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      // Reached on [DONE], on an error, and when the caller breaks out of the loop.
      if (!this.#ended) this.#controller.abort();
      this.#finish(failure);
    }
  }

  async *#frames(): AsyncGenerator<string> {
    const body = this.response.body;
    if (!body) throw this.#cut('the answer had no body');
    const reader = body.getReader();
    // A pending read must end when the caller stops: the fetch's abort does not always error
    // a body already handed over (msw, some polyfills).
    const signal = this.#controller.signal;
    const stop = () => reader.cancel().catch(() => {});
    signal.addEventListener('abort', stop, { once: true });
    const decoder = new TextDecoder();
    const pending: string[] = [];
    let done = false;
    const feed = await sseReader((data) => {
      if (data === '[DONE]') done = true;
      else if (!done) pending.push(data);
    });
    try {
      while (!done) {
        const { value, done: closed } = await reader.read().catch((cause: unknown) => {
          throw signal.aborted ? abortError(signal) : this.#cut(`the connection failed (${cause})`);
        });
        if (closed) break;
        feed(decoder.decode(value, { stream: true }));
        while (pending.length) yield pending.shift() as string;
      }
      while (pending.length) yield pending.shift() as string;
      if (!done && signal.aborted) throw abortError(signal);
      if (!done) throw this.#cut('the stream ended before [DONE]');
      this.#ended = true;
    } finally {
      signal.removeEventListener('abort', stop);
      reader.releaseLock();
    }
  }

  #frameError(chunk: { error?: unknown }): Error {
    const code = Number((chunk.error as { code?: unknown } | null)?.code);
    const status = code >= 400 && code < 600 ? code : 500;
    return errorFromResponse(this.#request, status, chunk, this.response.headers);
  }

  #cut(why: string): APIConnectionError {
    return new APIConnectionError({ ...this.#request, message: `Stream broken: ${why}` });
  }

  #finish(error: unknown): void {
    const onEnd = this.#onEnd;
    this.#onEnd = () => {};
    onEnd({ usage: this.usage, error });
  }
}
