import { http, HttpResponse, type HttpHandler } from 'msw';
import type { FaultHandle, FaultRule } from './faults-types';
import { createGatewayModel } from './model/gateway';
import type { GatewayStats } from './model/stats';
import type { GatewayReply, GatewayRequest, StreamChunk } from './model/types';
import type { GatewayOptions } from './options';

/**
 * msw handlers from the same model as the HTTP gateway, for in-process mocking. This is
 * the only file that imports msw, which stays an optional peer dependency.
 */

export interface GatewayHandlersOptions extends GatewayOptions {
  /** The base URL the handlers answer under. @default 'http://litellm.test' */
  baseUrl?: string;
}

export interface GatewayHandlers {
  /** Pass to `setupServer(...handlers)` or `setupWorker(...handlers)`. */
  readonly handlers: HttpHandler[];
  readonly baseUrl: string;
  readonly masterKey: string;
  stats(): GatewayStats;
  inject(rule: FaultRule): FaultHandle;
  /** Ends pending waits and streams. */
  close(): void;
}

async function toRequest(request: Request, base: URL): Promise<GatewayRequest> {
  const url = new URL(request.url);
  const prefix = base.pathname.replace(/\/+$/, '');
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return {
    method: request.method,
    path: url.pathname.slice(prefix.length) || '/',
    query: Object.fromEntries(url.searchParams),
    headers,
    body: await request.text(),
    signal: request.signal,
  };
}

function toStream(chunks: AsyncIterable<StreamChunk>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else if ('cut' in next.value)
        controller.error(new TypeError('connection cut by the gateway'));
      else controller.enqueue(encoder.encode(next.value.text));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

function toResponse(reply: GatewayReply): Response {
  if (reply.kind === 'drop') return HttpResponse.error();
  const init = { status: reply.status, headers: reply.headers };
  if (reply.kind === 'stream') return new HttpResponse(toStream(reply.chunks), init);
  if (reply.kind === 'text') return new HttpResponse(reply.body, init);
  const headers = { 'content-type': 'application/json', ...reply.headers };
  return new HttpResponse(JSON.stringify(reply.body), { status: reply.status, headers });
}

/** msw `http` handlers that answer like the local gateway under `baseUrl`. */
export function createGatewayHandlers(options: GatewayHandlersOptions = {}): GatewayHandlers {
  const { baseUrl = 'http://litellm.test', ...gatewayOptions } = options;
  const base = new URL(baseUrl);
  const root = baseUrl.replace(/\/+$/, '');
  const model = createGatewayModel(gatewayOptions);
  const handler = http.all(`${root}/*`, async ({ request }) => {
    return toResponse(await model.handle(await toRequest(request, base)));
  });
  return {
    handlers: [handler],
    baseUrl: root,
    masterKey: model.masterKey,
    stats: () => model.stats(),
    inject: (rule) => model.inject(rule),
    close: () => model.close(),
  };
}

export type { GatewayOptions } from './options';
export type { GatewayStats, KeyStats, RefusalReason } from './model/stats';
export type { Fault, FaultHandle, FaultMatch, FaultRule } from './faults-types';
