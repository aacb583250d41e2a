// Master and generated keys never leave whole: error messages, error and client JSON, every
// log line and snapshots show at most the scheme and the last four characters.
//
// Recordings replayed (../shared/litellm/wire): auth-invalid-key.401 (its message echoes the
// key it was sent: the proxy masks it, so the tests put the full key back in, as a proxy that
// did not mask would), key-generate.ok, budget-list.ok, key-info-by-hash.master,
// key-info-unknown-key.404.
import { inspect } from 'node:util';
import { HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { APIError, AuthenticationError, type Logger } from '../../src/index';
import { levelledLogger } from '../../src/client/logger';
import { MASTER_KEY, newClient, rejectionOf, settled, useGateway, VIRTUAL_KEY } from './harness';
import { answering, recorded, recordedBody, replay } from './wire';

const server = useGateway();

afterEach(() => {
  vi.useRealTimers();
});

const MASKED_MASTER = 'sk-...TAIL';

/** The recorded 401, echoing `key` whole where the proxy had masked it. */
function echoing(key: string) {
  const body = recordedBody<{ error: { message: string } }>('auth-invalid-key.401.json');
  body.error.message = body.error.message.replace('sk-...xist', key);
  return body;
}

function recordingLogger() {
  const lines: string[] = [];
  const at = (level: string) => (message: string, meta?: unknown) => {
    lines.push(`${level} ${message} ${meta === undefined ? '' : JSON.stringify(meta)}`);
  };
  const logger: Logger = {
    debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'),
  };
  return { logger, lines };
}

describe('an error whose body echoes the master key', () => {
  async function echoedError(): Promise<APIError> {
    server.use(answering('get', '/budget/list', () =>
      replay('auth-invalid-key.401.json', { body: echoing(MASTER_KEY) })).handler);
    return (await rejectionOf(newClient().listBudgets())) as APIError;
  }

  it('masks the key in its message', async () => {
    const error = await echoedError();
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).not.toContain(MASTER_KEY);
    expect(error.message).toContain(`Received API Key = ${MASKED_MASTER}`);
  });

  it('masks the key in its parsed body, its toJSON(), its stack and its inspection', async () => {
    const error = await echoedError();
    expect(JSON.stringify(error.body)).not.toContain(MASTER_KEY);
    expect(JSON.stringify(error)).not.toContain(MASTER_KEY);
    expect(String(error.stack)).not.toContain(MASTER_KEY);
    expect(inspect(error, { depth: 10 })).not.toContain(MASTER_KEY);
  });

  it('snapshots as JSON with the key masked', async () => {
    const error = await echoedError();
    // The snapshot file is the record a reviewer reads: no key, only `sk-...TAIL`.
    expect(error.toJSON()).toMatchSnapshot();
  });
});

describe('a generated key', () => {
  it('is masked when an error body echoes it back', async () => {
    let generated = '';
    server.use(answering('post', '/key/generate', async (request) => {
      generated = ((await request.json()) as { key: string }).key;
      return HttpResponse.json(
        { error: { message: `could not store key=${generated}`, type: 'None', param: 'None',
          code: '400' } },
        { status: 400 },
      );
    }).handler);

    const error = (await rejectionOf(newClient().generateKey())) as APIError;

    expect(generated).toMatch(/^sk-/);
    expect(error.message).toContain(`key=sk-...${generated.slice(-4)}`);
    expect(error.message).not.toContain(generated);
    expect(JSON.stringify(error)).not.toContain(generated);
  });

  it('is masked in a lookup error, though it was sent in the query', async () => {
    server.use(recorded('key-info-unknown-key.404.json').handler);
    const error = await rejectionOf(newClient().getKeyInfo(VIRTUAL_KEY));
    expect(JSON.stringify(error)).not.toContain(VIRTUAL_KEY);
    expect(String(error)).not.toContain(VIRTUAL_KEY);
  });
});

describe('the client', () => {
  it('shows only the masked key in toJSON(), JSON.stringify and inspection', () => {
    const client = newClient();
    expect(client.toJSON()).toEqual({ baseUrl: 'http://litellm.test', apiKey: MASKED_MASTER });
    expect(JSON.stringify(client)).not.toContain(MASTER_KEY);
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(MASTER_KEY);
  });
});

describe('log lines at debug level', () => {
  it('never carry the master or a generated key, across answers, retries and errors', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { logger, lines } = recordingLogger();
    const client = newClient({ logger, logLevel: 'debug', maxRetries: 1 });
    let generated = '';
    server.use(
      answering('post', '/key/generate', async (request, n) => {
        generated = ((await request.json()) as { key: string }).key;
        // The first answer is lost after the key was stored, so the client confirms it.
        return n === 1 ? HttpResponse.error() : replay('key-generate.ok.json');
      }).handler,
      answering('get', '/key/info', () => replay('key-info-by-hash.master.json')).handler,
      answering('get', '/budget/list', (_request, n) => n === 1
        ? replay('auth-invalid-key.401.json', { status: 503, body: echoing(MASTER_KEY) })
        : replay('auth-invalid-key.401.json', { body: echoing(generated) })).handler,
    );

    await settled(client.generateKey());
    await settled(rejectionOf(client.listBudgets()));

    const levels = new Set(lines.map((line) => line.split(' ')[0]));
    expect(levels).toEqual(new Set(['debug', 'info', 'warn']));
    expect(lines.join('\n')).toContain(MASKED_MASTER); // the echo was logged, masked
    for (const line of lines) {
      expect(line).not.toContain(MASTER_KEY);
      expect(line).not.toContain(generated);
    }
  });

  it('are masked by the logger wrapper itself, message and meta alike', () => {
    const { logger, lines } = recordingLogger();
    const log = levelledLogger(logger, 'debug');
    log.debug(`sent Authorization: Bearer ${MASTER_KEY}`, { body: { key: VIRTUAL_KEY } });
    log.error(`key ${VIRTUAL_KEY} refused`);
    expect(lines).toEqual([
      `debug sent Authorization: Bearer ${MASKED_MASTER} {"body":{"key":"sk-...VKEY"}}`,
      'error key sk-...VKEY refused ',
    ]);
  });

  it('stay silent below the chosen level and with no logger', async () => {
    server.use(recorded('budget-list.ok.json').handler);
    const { logger, lines } = recordingLogger();
    await newClient({ logger }).listBudgets(); // default level: warn
    await newClient().listBudgets();
    expect(lines).toEqual([]);
  });
});
