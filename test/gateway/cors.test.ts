import { afterEach, describe, expect, it } from 'vitest';
import { withGateway, type Toolkit } from './support/toolkit';

/** CORS like the proxy: preflights allowed, origin echoed, nothing exposed unless asked. */

const ORIGIN = 'http://localhost:5173';
let t: Toolkit | undefined;
afterEach(async () => t?.gw.close());

describe('CORS', () => {
  it('answers a preflight with the origin echoed and credentials allowed', async () => {
    t = await withGateway();
    const answer = await t.send('OPTIONS', '/v1/chat/completions', {
      origin: ORIGIN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('OK');
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'authorization,content-type',
      'access-control-max-age': '600',
    });
    expect(answer.headers['access-control-allow-methods']).toContain('POST');
  });

  it('exposes no header to page scripts by default', async () => {
    t = await withGateway();
    const key = await t.key({ rpm_limit: 0 });
    const answer = await t.send(
      'POST',
      '/v1/chat/completions',
      { authorization: `Bearer ${key}`, origin: ORIGIN },
      {
        model: 'fake-gpt',
        messages: [{ role: 'user', content: 'from a page' }],
      },
    );
    expect(answer.status).toBe(429);
    expect(answer.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(answer.headers.vary).toBe('Origin');
    expect(answer.headers['access-control-expose-headers']).toBeUndefined();
  });

  it('exposes every header of an answer with exposeHeaders: true', async () => {
    t = await withGateway({ exposeHeaders: true });
    const key = await t.key({ rpm_limit: 0 });
    const answer = await t.send(
      'POST',
      '/v1/chat/completions',
      { authorization: `Bearer ${key}`, origin: ORIGIN },
      {
        model: 'fake-gpt',
        messages: [{ role: 'user', content: 'hi' }],
      },
    );
    const exposed = answer.headers['access-control-expose-headers']?.split(', ') ?? [];
    expect(exposed).toEqual(
      expect.arrayContaining(['retry-after', 'rate_limit_type', 'reset_at', 'x-litellm-key-spend']),
    );
  });

  it('exposes exactly the listed headers', async () => {
    t = await withGateway({ exposeHeaders: ['retry-after'] });
    const answer = await t.send('GET', '/health/liveliness', { origin: ORIGIN });
    expect(answer.headers['access-control-expose-headers']).toBe('retry-after');
  });

  it('adds no allow-origin without Origin, and none to plain-text 500s', async () => {
    t = await withGateway();
    const plain = await t.send('GET', '/health/liveliness', {});
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    await t.tier({ budget_id: 'dup' });
    const duplicate = await t.send(
      'POST',
      '/budget/new',
      { authorization: `Bearer ${t.gw.masterKey}`, origin: ORIGIN },
      { budget_id: 'dup' },
    );
    expect(duplicate.status).toBe(500);
    expect(duplicate.body).toBe('Internal Server Error');
    expect(duplicate.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses an OPTIONS request that is not a preflight with 405', async () => {
    t = await withGateway();
    expect((await t.send('OPTIONS', '/key/info', {})).status).toBe(405);
  });
});
