import type { StreamChunk } from './types';

/**
 * A stream of prepared frames that runs `settle` exactly once: when the last frame is
 * handed out, when the reader stops early, or when `signal` aborts (the gateway closes).
 */
export function settlingStream(
  texts: readonly string[],
  settle: () => void,
  signal: AbortSignal,
): AsyncIterable<StreamChunk> {
  let settled = false;
  const once = () => {
    if (settled) return;
    settled = true;
    signal.removeEventListener('abort', once);
    settle();
  };
  signal.addEventListener('abort', once, { once: true });
  let next = 0;
  const iterator: AsyncIterator<StreamChunk> = {
    async next() {
      const text = texts[next++];
      if (next >= texts.length) once();
      if (text === undefined) return { value: undefined, done: true };
      return { value: { text }, done: false };
    },
    async return() {
      once();
      return { value: undefined, done: true };
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}
