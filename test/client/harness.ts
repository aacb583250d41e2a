// One msw server per test file, refusing any request no handler answers, and a client on it.
import { setupServer, type SetupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { TierClient, type TierClientOptions } from '../../src/index';
import { BASE_URL } from './wire';

/** A made-up master key: long enough to be masked, with a recognisable tail. */
export const MASTER_KEY = 'sk-master-4f9c2b7e1d0a8c6fTAIL';
/** A made-up virtual key, as a page would hold it. */
export const VIRTUAL_KEY = 'sk-virtual-5a1e9d3c7b2f0e4aVKEY';

/** Starts msw for this file; handlers added in a test are dropped after it. */
export function useGateway(): SetupServer {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** A client on the test gateway; no retries unless a test asks for them. */
export function newClient(options: Partial<TierClientOptions> = {}): TierClient {
  return new TierClient({ baseUrl: BASE_URL, apiKey: MASTER_KEY, maxRetries: 0, ...options });
}

/** The rejection of a promise; fails the test when it resolves. */
export async function rejectionOf(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * Settles a call under fake timers: moves the fake clock on in small steps, and lets real
 * I/O (msw's answer) run between them, until the call is done. Retries' backoff then costs
 * no real time.
 */
export async function settled<T>(promise: PromiseLike<T>, stepMs = 50): Promise<T> {
  let done = false;
  const watched = Promise.resolve(promise).finally(() => {
    done = true;
  });
  watched.catch(() => {});
  while (!done) {
    await vi.advanceTimersByTimeAsync(stepMs);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return watched;
}
