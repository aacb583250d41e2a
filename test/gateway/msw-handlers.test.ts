import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayHandlers } from '../../src/gateway/msw';
import { headerNameDiffs, shapeDiffs, type Answer } from './support/shape';
import { readAnswer, withGateway } from './support/toolkit';

/**
 * The msw handlers answer like the HTTP gateway: the same script of calls is run against
 * both and the answers are compared by status, header names and body shape.
 */

type Send = (method: string, path: string, key: string, body?: unknown) => Promise<Answer>;

function sender(base: string): Send {
  return async (method, path, key, body) => {
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    return readAnswer(await fetch(base + path, init));
  };
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'fake-gpt',
  messages: [{ role: 'user', content }],
  ...extra,
});

/** Tier, key, its info, three calls over rpm 2, a stream, a bad admin call. */
async function script(send: Send, master: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  answers.push(await send('POST', '/budget/new', master, { budget_id: 'tier', rpm_limit: 2 }));
  const generated = await send('POST', '/key/generate', master, { budget_id: 'tier' });
  answers.push(generated);
  const key = (generated.body as { key: string }).key;
  answers.push(await send('GET', '/key/info', key));
  answers.push(await send('POST', '/v1/chat/completions', key, chat('one')));
  answers.push(await send('POST', '/v1/chat/completions', key, chat('two', { stream: true })));
  answers.push(await send('POST', '/v1/chat/completions', key, chat('three')));
  answers.push(await send('POST', '/budget/new', key, { budget_id: 'x' }));
  return answers;
}

const mocked = createGatewayHandlers({ baseUrl: 'http://litellm.test' });
const server = setupServer(...mocked.handlers);
let overHttp: Answer[] = [];

beforeAll(async () => {
  const t = await withGateway();
  try {
    overHttp = await script(sender(t.gw.url), t.gw.masterKey);
  } finally {
    await t.gw.close();
  }
  server.listen({ onUnhandledRequest: 'error' });
});

afterAll(() => {
  server.close();
  mocked.close();
});

describe('msw handlers', () => {
  it('answer the same script like the HTTP gateway', async () => {
    const viaMsw = await script(sender(mocked.baseUrl), mocked.masterKey);
    expect(viaMsw.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429, 401]);
    expect(viaMsw.map((a) => a.status)).toEqual(overHttp.map((a) => a.status));
    viaMsw.forEach((answer, i) => {
      const reference = overHttp[i]!;
      expect(headerNameDiffs(reference.headers, answer.headers), `answer ${i}`).toEqual([]);
      if (typeof reference.body !== 'string')
        expect(shapeDiffs(reference.body, answer.body), `answer ${i}`).toEqual([]);
    });
    expect(viaMsw[4]!.body).toMatch(/data: \[DONE\]\n\n$/);
  });

  it('count the calls they answer in stats()', () => {
    expect(mocked.stats().totals).toMatchObject({ arrived: 3, admitted: 2 });
    expect(mocked.stats().totals.refused.requests).toBe(1);
  });

  it('make a dropped connection a network error', async () => {
    mocked.inject({
      match: { path: '/health/liveliness' },
      fault: { kind: 'drop', when: 'before' },
    });
    await expect(fetch(`${mocked.baseUrl}/health/liveliness`)).rejects.toThrow();
    expect(await (await fetch(`${mocked.baseUrl}/health/liveliness`)).json()).toBe("I'm alive!");
  });

  it('make a cut stream fail while its body is read', async () => {
    mocked.inject({
      match: { path: '/v1/chat/completions' },
      fault: { kind: 'cut', afterFrames: 1 },
    });
    const response = await fetch(`${mocked.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${mocked.masterKey}` },
      body: JSON.stringify(chat('cut', { stream: true })),
    });
    await expect(response.text()).rejects.toThrow();
  });

  it('answer under a base URL with a path', async () => {
    const prefixed = createGatewayHandlers({ baseUrl: 'http://proxy.test/litellm/' });
    server.use(...prefixed.handlers);
    const response = await fetch('http://proxy.test/litellm/health/liveliness');
    expect(response.status).toBe(200);
    prefixed.close();
  });

  it('leave other hosts unhandled', async () => {
    await expect(fetch('http://elsewhere.test/key/info')).rejects.toThrow();
  });
});
