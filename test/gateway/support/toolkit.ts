import {
  startGateway,
  type RunningGateway,
  type StartGatewayOptions,
} from '../../../src/gateway/index';
import type { Answer } from './shape';

/** Small helpers over a running gateway, used by every gateway test. */

export interface Toolkit {
  gw: RunningGateway;
  /** POST/GET on an admin route with the master key; throws unless 200. */
  admin(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown>;
  tier(body: Record<string, unknown>): Promise<void>;
  /** Creates a key and returns the raw `sk-…`. */
  key(body?: Record<string, unknown>): Promise<string>;
  chat(key: string, content?: string, extra?: Record<string, unknown>): Promise<Answer>;
  send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<Answer>;
}

export async function readAnswer(response: Response): Promise<Answer> {
  const headers = Object.fromEntries(response.headers);
  const text = await response.text();
  const isJson = (headers['content-type'] ?? '').startsWith('application/json');
  return { status: response.status, headers, body: isJson ? (JSON.parse(text) as unknown) : text };
}

export function toolkitFor(gw: RunningGateway): Toolkit {
  const send = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ) => {
    const init: RequestInit = { method, headers };
    if (body !== undefined && body !== null) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers = { 'content-type': 'application/json', ...headers };
    }
    return readAnswer(await fetch(gw.url + path, init));
  };
  const admin = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const answer = await send(method, path, { authorization: `Bearer ${gw.masterKey}` }, body);
    if (answer.status !== 200)
      throw new Error(
        `${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
      );
    return answer.body;
  };
  return {
    gw,
    send,
    admin,
    tier: async (body) => void (await admin('POST', '/budget/new', body)),
    key: async (body = {}) => ((await admin('POST', '/key/generate', body)) as { key: string }).key,
    chat: (key, content = 'hello', extra = {}) =>
      send(
        'POST',
        '/v1/chat/completions',
        { authorization: `Bearer ${key}` },
        {
          model: 'fake-gpt',
          messages: [{ role: 'user', content }],
          ...extra,
        },
      ),
  };
}

/** Starts a gateway for one test and returns its toolkit; `close()` it in `finally`/`afterEach`. */
export async function withGateway(options: StartGatewayOptions = {}): Promise<Toolkit> {
  return toolkitFor(await startGateway(options));
}
