// What is retried (408, 409, a gateway 429, 5xx, network failures), how long it waits, and
// what never is (a spent budget, 400/401/403/404/422, client-side refusals, aborts).
//
// Recordings replayed (../shared/litellm/wire): chat.ok (the answer after the failures),
// enforce-tier-rpm0.429 (with a small retry-after), budget-new-duplicate.500 (text/plain),
// key-generate-unknown-budget.500, enforce-tier-max-budget.budget-exceeded,
// auth-invalid-key.401, key-info-unknown-key.404, budget-new-bad-type.422,
// key-generate-duplicate-alias.400. 408, 409, 403, 502 and 503 are built in the {"error"} shape.
//
// Fake timers (setTimeout and Date only; msw's I/O stays real) make p-retry's backoff
// (0.5 s doubling, ×1–2 at random) cost no real time; `Date.now()` in the handlers then reads
// the fake clock, so the waits between attempts can be measured.
import { HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  APIConnectionError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  BudgetExceededError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  type RetryEvent,
} from '../../src/index';
import { withRetries } from '../../src/client/retry';
import { newClient, rejectionOf, settled, useGateway } from './harness';
import { answering, recordedBody, replay, type Change } from './wire';

const server = useGateway();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const CHAT = '/v1/chat/completions';
const hello = { model: 'fake-gpt', messages: [{ role: 'user' as const, content: 'hi' }] };

const built = (status: number) => () =>
  HttpResponse.json(
    { error: { message: `status ${status}`, type: 'None', param: 'None', code: String(status) } },
    { status },
  );
const wire = (file: string, change: Change = {}) => () => replay(file, change);

/** Chat fails `failures` times with `fail`, then answers as chat.ok.json; times are kept. */
function failingThenOk(failures: number, fail: () => Response) {
  const times: number[] = [];
  const route = answering('post', CHAT, (_request, n) => {
    times.push(Date.now());
    return n <= failures ? fail() : replay('chat.ok.json');
  });
  server.use(route.handler);
  return { route, times };
}

describe('retried failures', () => {
  it.each([
    ['a 408', built(408)],
    ['a 409', built(409)],
    ['a gateway 429', wire('enforce-tier-rpm0.429.json', { headers: { 'retry-after': '0' } })],
    ['a text/plain 500', wire('budget-new-duplicate.500.json')],
    ['a JSON 500', wire('key-generate-unknown-budget.500.json')],
    ['a 502', built(502)],
    ['a 503', built(503)],
    ['a network failure', () => HttpResponse.error()],
  ])('retries %s up to maxRetries and returns the answer that follows', async (_what, fail) => {
    const { route } = failingThenOk(2, fail);
    const body = await settled(newClient({ maxRetries: 2 }).chatCompletions(hello));
    expect(body).toEqual(recordedBody('chat.ok.json'));
    expect(route.count).toBe(3);
  });

  it('stops after maxRetries and throws the last failure', async () => {
    const { route } = failingThenOk(Infinity, built(503));
    const error = await settled(rejectionOf(newClient({ maxRetries: 3 }).chatCompletions(hello)));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(route.count).toBe(4);
  });

  it('throws APIConnectionError when the network keeps failing', async () => {
    const { route } = failingThenOk(Infinity, () => HttpResponse.error());
    const error = await settled(rejectionOf(newClient({ maxRetries: 2 }).chatCompletions(hello)));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(route.count).toBe(3);
  });

  it('sends once when maxRetries is 0', async () => {
    const { route } = failingThenOk(Infinity, built(503));
    await settled(rejectionOf(newClient({ maxRetries: 0 }).chatCompletions(hello)));
    expect(route.count).toBe(1);
  });
});

describe('waits between attempts', () => {
  it('backs off at least 0.5 s and at most 1 s before the first retry', async () => {
    const { times } = failingThenOk(1, built(503));
    await settled(newClient({ maxRetries: 1 }).chatCompletions(hello));
    const gap = (times[1] ?? NaN) - (times[0] ?? NaN);
    expect(gap).toBeGreaterThanOrEqual(500);
    expect(gap).toBeLessThanOrEqual(1_000);
  });

  it("honours the gateway's retry-after on top of the backoff", async () => {
    const { times } = failingThenOk(
      1,
      wire('enforce-tier-rpm0.429.json', { headers: { 'retry-after': '1' } }),
    );
    await settled(newClient({ maxRetries: 1 }).chatCompletions(hello));
    const gap = (times[1] ?? NaN) - (times[0] ?? NaN);
    expect(gap).toBeGreaterThanOrEqual(1_000 + 500);
    expect(gap).toBeLessThanOrEqual(1_000 + 1_000);
  });

  it('caps a long retry-after at one minute', async () => {
    const { times } = failingThenOk(
      1,
      wire('enforce-tier-rpm0.429.json', { headers: { 'retry-after': '3600' } }),
    );
    await settled(newClient({ maxRetries: 1 }).chatCompletions(hello), 1_000);
    const gap = (times[1] ?? NaN) - (times[0] ?? NaN);
    expect(gap).toBeGreaterThanOrEqual(60_000 + 500);
    expect(gap).toBeLessThanOrEqual(60_000 + 1_000 + 1_000);
  });
});

describe('failures never retried', () => {
  it.each([
    ['a spent budget at 400', wire('enforce-tier-max-budget.budget-exceeded.json'),
      BudgetExceededError],
    ['a spent budget at 429', wire('enforce-tier-max-budget.budget-exceeded.json',
      { status: 429 }), BudgetExceededError],
    ['a 400', wire('key-generate-duplicate-alias.400.json'), BadRequestError],
    ['a 401', wire('auth-invalid-key.401.json'), AuthenticationError],
    ['a 403', built(403), PermissionDeniedError],
    ['a 404', wire('key-info-unknown-key.404.json'), NotFoundError],
    ['a 422', wire('budget-new-bad-type.422.json'), UnprocessableEntityError],
  ])('sends %s once and throws it', async (_what, fail, errorClass) => {
    const { route } = failingThenOk(Infinity, fail);
    const error = await settled(rejectionOf(newClient({ maxRetries: 3 }).chatCompletions(hello)));
    expect(error).toBeInstanceOf(errorClass);
    expect(route.count).toBe(1);
  });

  it.each([
    ['RateLimitError', () => new RateLimitError({ method: 'POST', path: CHAT, status: undefined,
      body: undefined, headers: undefined, message: 'rpm_limit reached', source: 'client',
      limit: 'requests', retryAfterMs: 100 })],
    ['BudgetExceededError', () => new BudgetExceededError({ method: 'POST', path: CHAT,
      status: undefined, body: undefined, headers: undefined, message: 'budget spent',
      source: 'client', limit: 'budget' })],
  ])("does not retry the client limiter's %s", async (_name, refusal) => {
    let attempts = 0;
    const run = withRetries(async () => {
      attempts += 1;
      throw refusal();
    }, { retries: 3 });
    const error = await settled(rejectionOf(run));
    expect(error).toMatchObject({ source: 'client' });
    expect(attempts).toBe(1);
  });

  it('does not retry a call the caller aborted while it was in flight', async () => {
    const controller = new AbortController();
    const route = answering('post', CHAT, (request) => {
      // Answers only once the request is cancelled, like a gateway that is still thinking.
      return new Promise((resolve) => {
        request.signal.addEventListener('abort', () => resolve(HttpResponse.error()));
        controller.abort();
      });
    });
    server.use(route.handler);
    const call = newClient({ maxRetries: 3 }).chatCompletions(hello, {
      signal: controller.signal,
    });
    const error = await settled(rejectionOf(call));
    expect(error).toBeInstanceOf(APIUserAbortError);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(route.count).toBe(1);
  });

  it('ends the wait before a retry when the caller aborts, without another attempt', async () => {
    const controller = new AbortController();
    const { route } = failingThenOk(Infinity, built(503));
    const client = newClient({ maxRetries: 3 });
    let waiting = false;
    client.on('retry', () => {
      waiting = true;
    });
    const error = rejectionOf(client.chatCompletions(hello, { signal: controller.signal }));
    while (!waiting) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(100); // inside the backoff, which is at least 500 ms
    controller.abort();
    expect(await settled(error)).toBeInstanceOf(APIUserAbortError);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(route.count).toBe(1);
  });
});

describe('the retry event', () => {
  it('fires before each retry with the attempt, retries left, error and hinted wait', async () => {
    failingThenOk(
      2,
      wire('enforce-tier-rpm0.429.json', { headers: { 'retry-after': '1' } }),
    );
    const client = newClient({ maxRetries: 3 });
    const events: Array<RetryEvent & { method: string; path: string }> = [];
    client.on('retry', (event) => events.push(event));
    await settled(client.chatCompletions(hello));
    expect(events).toHaveLength(2);
    expect(events.map(({ attempt, retriesLeft, delayMs, method, path }) =>
      ({ attempt, retriesLeft, delayMs, method, path }))).toEqual([
      { attempt: 1, retriesLeft: 3, delayMs: 1_000, method: 'POST', path: CHAT },
      { attempt: 2, retriesLeft: 2, delayMs: 1_000, method: 'POST', path: CHAT },
    ]);
    expect(events[0]?.error).toBeInstanceOf(RateLimitError);
  });

  it('does not fire for a failure that is not retried', async () => {
    failingThenOk(Infinity, wire('auth-invalid-key.401.json'));
    const client = newClient({ maxRetries: 3 });
    const events: unknown[] = [];
    client.on('retry', (event) => events.push(event));
    await settled(rejectionOf(client.chatCompletions(hello)));
    expect(events).toEqual([]);
  });
});
