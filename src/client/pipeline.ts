import type { WithResponse } from './api-promise';
import { AttemptSignal } from './attempt-signal';
import { readCallMeta, type CallMeta } from './call-meta';
import { isBrowser } from './environment';
import { errorFromResponse } from './error-factory';
import { APIConnectionError, TierClientError, type RequestInfo } from './errors';
import type { Emitter } from './events';
import type { ClientEvents, Gate, Grant } from './gate';
import type { Logger } from './logger';
import type { ResolvedTransportOptions } from './options';
import { withRetries } from './retry';
import { abortError, throwIfAborted } from './signals';
import { ChatStream, type StreamUsage } from './stream';

/** One attempt's raw result: the parsed body (or error body) and the answer. */
export interface Sent<T = unknown> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Everything the pipeline needs to know about one kind of call. */
export interface CallSpec<T> extends RequestInfo {
  /** Sends one attempt. */
  send: (signal: AbortSignal) => Promise<Sent<T>>;
  /** Manages budgets or keys: refused in a browser unless `dangerouslyAllowBrowser`. */
  management: boolean;
  /** Passes through the tier limiter with this shape (chat, embeddings). */
  limited?: { model: string | undefined; tokens: number } | undefined;
  /** The answer is a server-sent event stream. */
  stream?: boolean | undefined;
  /**
   * Before re-sending a create whose earlier attempt may have reached the gateway, looks for
   * what it would have created; a found result ends the call (exactly-once creation).
   */
  confirm?: ((signal: AbortSignal) => Promise<T | undefined>) | undefined;
}

/** What a client shares with its calls. */
export interface PipelineContext {
  options: ResolvedTransportOptions;
  log: Logger;
  /** Whether debug lines are written: building one reads a header, so skip it otherwise. */
  debug: boolean;
  events: Pick<Emitter<ClientEvents>, 'emit'>;
  gate: Gate | undefined;
  /** Attempts in progress; `close()` aborts each. */
  attempts: Set<AttemptSignal>;
  closed: boolean;
}

/** Runs a call: retries around (limiter → transport → feedback) attempts. */
export async function runCall<T>(
  ctx: PipelineContext,
  spec: CallSpec<T>,
  signal: AbortSignal | undefined,
): Promise<WithResponse<T>> {
  const { method, path } = spec;
  if (spec.management && isBrowser() && !ctx.options.dangerouslyAllowBrowser) {
    throw new TierClientError(
      `${method} ${path} manages budgets or keys and is refused in a browser, ` +
        'where the page exposes its key. Call it from a server, or build the client with ' +
        '`dangerouslyAllowBrowser: true` if the page is trusted.',
    );
  }
  if (ctx.closed) throw new TierClientError('The client was closed');
  throwIfAborted(signal);
  // Set once an attempt fails in a way that may have reached the gateway.
  const call = { doubtful: false };
  try {
    return await withRetries((n) => runAttempt(ctx, spec, signal, n, call), {
      retries: ctx.options.maxRetries,
      signal,
      onRetry: (event) => {
        ctx.log.warn(`${method} ${path}: retrying (${event.retriesLeft} left)`, {
          error: String(event.error),
        });
        ctx.events.emit('retry', { ...event, method, path });
      },
    });
  } catch (error) {
    if (error instanceof TierClientError) throw error;
    if (signal?.aborted) throw abortError(signal);
    throw new APIConnectionError({ method, path, message: String(error), cause: error });
  }
}

/** The body with its answer; the headers are read into `meta` only when asked for. */
function answered<T>(data: T, response: Response): WithResponse<T> {
  let meta: CallMeta | undefined;
  return {
    data,
    response,
    get meta() {
      return (meta ??= readCallMeta(response));
    },
  };
}

/** An answer lost on the way back may mean the gateway did the work. */
function mayHaveLanded(error: unknown): boolean {
  if (error instanceof APIConnectionError) return true;
  const status = (error as { status?: number }).status;
  return status !== undefined && (status >= 500 || status === 408);
}

async function runAttempt<T>(
  ctx: PipelineContext,
  spec: CallSpec<T>,
  signal: AbortSignal | undefined,
  n: number,
  call: { doubtful: boolean },
): Promise<WithResponse<T>> {
  const { method, path, limited } = spec;
  const attempts = ctx.attempts;
  if (call.doubtful && spec.confirm) {
    const attempt = new AttemptSignal(signal, ctx.options.timeoutMs, attempts, spec);
    try {
      const data = await spec.confirm(attempt.signal).catch((cause: unknown) => {
        throw transportError(spec, cause, attempt);
      });
      if (data !== undefined) {
        ctx.log.info(`${method} ${path}: an earlier attempt had succeeded; not re-sent`);
        return answered(data, new Response(null, { status: 200 }));
      }
    } finally {
      attempt.dispose();
    }
  }

  const grant = limited && ctx.gate
    ? await ctx.gate.acquire({ model: limited.model, tokens: limited.tokens, signal, method, path })
    : undefined;
  const attempt = new AttemptSignal(signal, ctx.options.timeoutMs, attempts, spec);
  const started = ctx.debug ? Date.now() : 0;
  let streaming = false;
  try {
    let sent: Sent;
    try {
      sent = await spec.send(attempt.signal);
    } catch (cause) {
      throw transportError(spec, cause, attempt);
    }
    const { response } = sent;
    const { status, headers } = response;
    attempt.answered();
    if (ctx.debug) {
      ctx.log.debug(`${method} ${path} → ${status}`, {
        attempt: n,
        ms: Date.now() - started,
        callId: headers.get('x-litellm-call-id') ?? undefined,
      });
    }
    if (!response.ok) throw errorFromResponse(spec, status, sent.error, headers);
    if (spec.stream) {
      streaming = true;
      return answered(openStream(spec, response, attempt, grant) as T, response);
    }
    const data = sent.data as T;
    grant?.settle({ sent: true, status, headers, usage: usageOf(data) });
    return answered(data, response);
  } catch (error) {
    const e = error as { status?: number; headers?: Headers };
    grant?.settle({ sent: true, status: e.status, headers: e.headers ?? null, error });
    call.doubtful ||= mayHaveLanded(error);
    throw error;
  } finally {
    if (!streaming) attempt.dispose();
  }
}

/** The stream holds the attempt (and its place in the limiter) until it ends. */
function openStream(
  request: RequestInfo,
  response: Response,
  attempt: AttemptSignal,
  grant: Grant | undefined,
): ChatStream<unknown> {
  const onAbort = () => response.body?.cancel().catch(() => {});
  attempt.signal.addEventListener('abort', onAbort, { once: true });
  return new ChatStream({
    response,
    controller: attempt.controller,
    request,
    onEnd: ({ usage, error }) => {
      attempt.signal.removeEventListener('abort', onAbort);
      attempt.dispose();
      grant?.settle({ sent: true, status: response.status, headers: response.headers,
        usage: usage ?? null, error });
    },
  });
}

function transportError(spec: RequestInfo, cause: unknown, attempt: AttemptSignal) {
  if (cause instanceof TierClientError) return cause;
  if (attempt.cut !== undefined) return attempt.signal.reason as TierClientError;
  const message = cause instanceof SyntaxError
    ? 'The gateway answered with a malformed body'
    : 'Connection error';
  return new APIConnectionError({ method: spec.method, path: spec.path, message, cause });
}

function usageOf(data: unknown): StreamUsage | null {
  const usage = (data as { usage?: StreamUsage } | null | undefined)?.usage;
  return usage && typeof usage === 'object' ? usage : null;
}
