import { describe, expect, it } from 'vitest';
import { startGateway } from '../../src/gateway/index';

/** close() settles, whatever is still open: keep-alive sockets, slow calls, streams. */

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<'still pending'>((r) => setTimeout(() => r('still pending'), ms)),
  ]);

describe('close()', () => {
  it('resolves while a keep-alive connection is open, and the port stops answering', async () => {
    const gw = await startGateway();
    const response = await fetch(`${gw.url}/health/liveliness`);
    expect(response.headers.get('connection')).toBe('keep-alive');
    await response.text();
    await gw.close();
    await expect(fetch(`${gw.url}/health/liveliness`)).rejects.toThrow();
  });

  it('settles a call still waiting on a slow upstream', async () => {
    const gw = await startGateway();
    const pending = fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.masterKey}` },
      body: JSON.stringify({
        model: 'fake-gpt',
        messages: [{ role: 'user', content: 'slow [delay=30]' }],
      }),
    });
    const settled = pending.then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await gw.close();
    // The upstream would take 30 s; closing must end the wait and settle the client.
    expect(await within(settled, 2000)).not.toBe('still pending');
  });

  it('settles a stream whose body was never read', async () => {
    const gw = await startGateway();
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.masterKey}` },
      body: JSON.stringify({
        model: 'fake-gpt',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(response.status).toBe(200);
    await gw.close();
    const body = response.text().then(
      (text) => text,
      () => 'cut',
    );
    expect(await within(body, 2000)).not.toBe('still pending');
  });

  it('returns the same promise when called twice', async () => {
    const gw = await startGateway();
    const first = gw.close();
    expect(gw.close()).toBe(first);
    await first;
  });
});
