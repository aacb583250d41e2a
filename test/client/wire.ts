// Replays the recorded LiteLLM 1.80.7 exchanges (../shared/litellm/wire) through msw: the same
// status, headers and body bytes the real proxy sent, so the client is tested against the
// gateway's real shapes rather than against our idea of them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { http, type HttpHandler } from 'msw';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
// CI checks the shared folder out beside the clone, as on the dev machine.
export const wireDir = path.resolve(repoRoot, '../shared/litellm/wire');

/** Where the tests' gateway "lives"; msw answers every request to it. */
export const BASE_URL = 'http://litellm.test';

export interface Recording {
  file: string;
  request: {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: unknown;
  };
  response: { status: number; headers: Record<string, string>; body: unknown };
  note?: string;
}

/** Changes to a recorded answer; a header set to `null` is removed. */
export interface Change {
  status?: number;
  headers?: Record<string, string | null>;
  /** Keep only `content-type`, as a browser sees it (no `access-control-expose-headers`). */
  bareHeaders?: boolean;
  body?: unknown;
}

const cache = new Map<string, Recording>();

export function loadRecording(file: string): Recording {
  let recording = cache.get(file);
  if (!recording) {
    const raw = JSON.parse(readFileSync(path.join(wireDir, file), 'utf8')) as Recording;
    recording = { ...raw, file };
    cache.set(file, recording);
  }
  return structuredClone(recording);
}

/** The recorded body, parsed (JSON) or raw (SSE and plain text). */
export function recordedBody<T = unknown>(file: string): T {
  return loadRecording(file).response.body as T;
}

// The body is re-serialised, so the recorded length no longer holds; the others described
// the recorded connection, not the answer.
const DROPPED = new Set(['content-length', 'transfer-encoding', 'connection']);

/** A fresh `Response` with the recording's status, headers and body. */
export function replay(file: string, change: Change = {}): Response {
  const { response } = loadRecording(file);
  const headers = recordedHeaders(response.headers, change);
  const body = change.body === undefined ? response.body : change.body;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(text, { status: change.status ?? response.status, headers });
}

function recordedHeaders(recorded: Record<string, string>, change: Change): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(recorded)) {
    if (DROPPED.has(name)) continue;
    if (change.bareHeaders && name !== 'content-type') continue;
    headers.set(name, value);
  }
  for (const [name, value] of Object.entries(change.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  return headers;
}

/** The recording's route (method and path, without the query) on the test gateway. */
export function routeOf(file: string): { method: string; url: string } {
  const { request } = loadRecording(file);
  const pathOnly = request.path.split('?')[0] ?? request.path;
  return { method: request.method.toLowerCase(), url: `${BASE_URL}${pathOnly}` };
}

/** Counts the requests a handler saw. */
export interface Counted {
  handler: HttpHandler;
  readonly count: number;
  readonly requests: Request[];
}

/** An msw handler that answers the recording's own route with the recording, every time. */
export function recorded(file: string, change: Change = {}): Counted {
  const { method, url } = routeOf(file);
  return answering(method, url, () => replay(file, change));
}

/** An msw handler for `method url` that counts requests and keeps clones of them. */
export function answering(
  method: string,
  url: string,
  answer: (request: Request, n: number) => Response | Promise<Response>,
): Counted {
  const requests: Request[] = [];
  const route = http[method as 'get' | 'post'];
  const handler = route(url.startsWith('http') ? url : `${BASE_URL}${url}`, ({ request }) => {
    requests.push(request.clone());
    return answer(request, requests.length);
  });
  return {
    handler,
    requests,
    get count() {
      return requests.length;
    },
  };
}
