import { afterEach, describe, expect, it } from 'vitest';
import { withGateway, type Toolkit } from './support/toolkit';

/** Injected faults: 5xx bursts, dropped connections, slow and malformed answers, cut streams. */

let t: Toolkit | undefined;
afterEach(async () => t?.gw.close());

const CHAT = '/v1/chat/completions';
const streamBody = (content: string) => ({
  model: 'fake-gpt',
  messages: [{ role: 'user', content }],
  stream: true,
  stream_options: { include_usage: true },
});

function rawChat(key: string, body: unknown): Promise<Response> {
  return fetch(`${t!.gw.url}${CHAT}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function keyCount(): Promise<number> {
  return ((await t!.admin('GET', '/key/list')) as { total_count: number }).total_count;
}

describe('fault injection', () => {
  it('answers a burst of 5xx to the next calls of a route, then recovers', async () => {
    t = await withGateway();
    t.gw.inject({ match: { path: CHAT }, fault: { kind: 'status', status: 503 }, times: 2 });
    const key = await t.key();
    const statuses = [
      (await t.chat(key)).status,
      (await t.chat(key)).status,
      (await t.chat(key)).status,
    ];
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('drops the connection before the work: no key is created', async () => {
    t = await withGateway();
    t.gw.inject({ match: { path: '/key/generate' }, fault: { kind: 'drop', when: 'before' } });
    await expect(t.key()).rejects.toThrow();
    expect(await keyCount()).toBe(0);
  });

  it('drops the answer after the work: the key exists, a retry upserts it', async () => {
    t = await withGateway();
    t.gw.inject({
      match: { method: 'POST', path: '/key/generate' },
      fault: { kind: 'drop', when: 'after' },
      times: 2,
    });
    const chosen = 'sk-chosen-by-the-client-0001';
    await expect(t.key({ key: chosen })).rejects.toThrow();
    await expect(t.key({ key: chosen })).rejects.toThrow();
    expect(await t.key({ key: chosen })).toBe(chosen);
    expect(await keyCount()).toBe(1);
  });

  it('bills a call whose answer is lost after the work was done', async () => {
    t = await withGateway();
    const key = await t.key();
    t.gw.inject({ match: { path: CHAT }, fault: { kind: 'drop', when: 'after' } });
    await expect(t.chat(key)).rejects.toThrow();
    const info = (await t.admin('GET', `/key/info?key=${key}`)) as { info: { spend: number } };
    expect(info.info.spend).toBe(0.017);
  });

  it('answers slowly when asked', async () => {
    t = await withGateway();
    t.gw.inject({ match: { path: '/health/liveliness' }, fault: { kind: 'delay', ms: 200 } });
    const started = performance.now();
    await fetch(`${t.gw.url}/health/liveliness`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('adds latencyMs to every answer', async () => {
    t = await withGateway({ latencyMs: 150 });
    const started = performance.now();
    await fetch(`${t.gw.url}/health/liveliness`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('sends a body that is not JSON after doing the work', async () => {
    t = await withGateway();
    const key = await t.key();
    t.gw.inject({ match: { path: CHAT }, fault: { kind: 'malformed' } });
    const response = await rawChat(key, {
      model: 'fake-gpt',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('cuts a stream before [DONE]', async () => {
    t = await withGateway();
    const key = await t.key();
    t.gw.inject({ match: { path: CHAT }, fault: { kind: 'cut', afterFrames: 2 } });
    const response = await rawChat(key, streamBody('cut me'));
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('cuts a plain answer half-way through its body', async () => {
    t = await withGateway();
    t.gw.inject({ match: { path: '/budget/list' }, fault: { kind: 'cut' } });
    const response = await fetch(`${t.gw.url}/budget/list`, {
      headers: { authorization: `Bearer ${t.gw.masterKey}` },
    });
    await expect(response.text()).rejects.toThrow();
  });

  it('sends an error frame mid-stream and no [DONE]', async () => {
    t = await withGateway();
    const key = await t.key();
    t.gw.inject({
      match: { path: CHAT },
      fault: { kind: 'error-frame', afterFrames: 1, message: 'upstream broke' },
    });
    const text = await (await rawChat(key, streamBody('break'))).text();
    const frames = text.split('\n\n').filter(Boolean);
    expect(frames).toHaveLength(2);
    expect(JSON.parse(frames[1]!.slice('data: '.length))).toMatchObject({
      error: { message: 'upstream broke' },
    });
    expect(text).not.toContain('[DONE]');
  });

  it('leaves requests that do not match alone, and skips the first `skip` matches', async () => {
    t = await withGateway();
    const [first, second] = [await t.key(), await t.key()];
    const handle = t.gw.inject({
      match: { key: second },
      fault: { kind: 'status', status: 502 },
      skip: 1,
    });
    const statuses = [
      (await t.chat(first)).status,
      (await t.chat(second)).status,
      (await t.chat(second)).status,
      (await t.chat(second)).status,
    ];
    expect(statuses).toEqual([200, 200, 502, 200]);
    expect(handle.hits).toBe(1);
  });

  it('stops a rule that is removed', async () => {
    t = await withGateway({
      faults: [{ match: { path: '/health/liveliness' }, fault: { kind: 'status' }, times: 5 }],
    });
    expect((await fetch(`${t.gw.url}/health/liveliness`)).status).toBe(503);
    const handle = t.gw.inject({ match: { path: '/nothing' }, fault: { kind: 'status' } });
    handle.remove();
    expect(handle.hits).toBe(0);
  });
});
