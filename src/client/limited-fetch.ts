import { errorFromResponse } from './error-factory';
import type { Gate, Grant } from './gate';
import { parseLoosely } from './send';
import { sseReader } from './sse';
import type { StreamUsage } from './stream';

/** Routes that manage the gateway rather than use a model: the tier does not count them. */
const UNCOUNTED = /^\/(key|budget|user|team|organization|customer|model|health|models)(\/|$)/;

export interface LimitedFetchInit {
  gate: () => Gate | undefined;
  transport: () => typeof fetch;
  /** The limiter's token estimate for a JSON request body. */
  estimate: (body: unknown) => number;
}

/**
 * A `fetch` that passes model calls through the tier limiter and feeds their answers back,
 * for openai-node, the Vercel AI SDK or any client that takes a `fetch`.
 */
export function limitedFetch(init: LimitedFetchInit): typeof fetch {
  return async (input, options) => {
    const request = new Request(input, options);
    const gate = init.gate();
    const path = new URL(request.url).pathname.replace(/^\/v1(?=\/)/, '');
    if (!gate || UNCOUNTED.test(path)) return init.transport()(request);

    const body = await readJson(request);
    const model = typeof body?.model === 'string' ? body.model : undefined;
    const tokens = init.estimate(body);
    const { method, signal } = request;
    const grant = await gate.acquire({ model, tokens, signal, method, path });

    let response: Response;
    try {
      response = await init.transport()(request);
    } catch (error) {
      grant.settle({ sent: true, error });
      throw error;
    }
    return observe(response, grant, { method: request.method, path });
  };
}

async function readJson(request: Request): Promise<Record<string, unknown> | undefined> {
  if (request.method === 'GET' || request.body === null) return undefined;
  try {
    const value: unknown = await request.clone().json();
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Settles the grant from the answer without consuming it for the caller. */
async function observe(
  response: Response,
  grant: Grant,
  request: { method: string; path: string },
): Promise<Response> {
  const base = { sent: true, status: response.status, headers: response.headers };
  if (!response.ok) {
    const body = parseLoosely(await response.clone().text().catch(() => ''));
    const error = errorFromResponse(request, response.status, body, response.headers);
    grant.settle({ ...base, error });
    return response;
  }
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('text/event-stream') && response.body) {
    return new Response(watchStream(response.body, grant, base), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }
  const data = await response.clone().json().catch(() => undefined);
  grant.settle({ ...base, usage: (data as { usage?: StreamUsage } | undefined)?.usage ?? null });
  return response;
}

/** Passes the stream through untouched, noting its usage frame; settles when it ends. */
function watchStream(
  body: ReadableStream<Uint8Array>,
  grant: Grant,
  base: { sent: boolean; status: number; headers: Headers },
): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let usage: StreamUsage | null = null;
  const parser = sseReader((data) => {
    if (!data.includes('"usage"')) return;
    try {
      const frame = JSON.parse(data) as { usage?: StreamUsage };
      if (frame.usage) usage = frame.usage;
    } catch {
      // Not JSON: not a usage frame.
    }
  });
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          grant.settle({ ...base, usage });
          controller.close();
          return;
        }
        (await parser)(decoder.decode(value, { stream: true }));
        controller.enqueue(value);
      } catch (error) {
        grant.settle({ ...base, usage, error });
        controller.error(error);
      }
    },
    async cancel(reason) {
      grant.settle({ ...base, usage });
      await reader.cancel(reason);
    },
  });
}
