import type { WithResponse } from './api-promise';
import { readCallMeta, type CallMeta } from './call-meta';
import { errorFromResponse } from './error-factory';
import { APIConnectionError, TierClientError, type RequestInfo } from './errors';
import type { Emitter } from './events';
import type { Logger } from './logger';
import type { ResolvedTransportOptions } from './options';
import { withRetries } from './retry';
import { AttemptSignal } from './attempt-signal';
import { abortError, throwIfAborted } from './signals';
import { ChatStream, type StreamUsage } from './stream';
import type { ClientEvents, Gate, Grant } from './gate';

/** One attempt's raw result, as openapi-fetch gives it. */
export interface Sent<T = unknown> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Everything the pipeline needs to know about one kind of call. */
export interface CallSpec<T> extends RequestInfo {
  /** Sends one attempt. */
  send: (signal: AbortSignal) => Promise<Sent<T>>;
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
  events: Pick<Emitter<ClientEvents>, 'emit'>;
  gate: Gate | undefined;
  /** Attempts in progress; `close()` aborts each. */
  attempts: Set<AttemptSignal>;
}

/** Runs a call: retries around (limiter → transport → feedback) attempts. */
export async function runCall<T>(
  ctx: PipelineContext,
  spec: CallSpec<T>,
  signal: AbortSignal | undefined,
): Promise<WithResponse<T>> {
  throwIfAborted(signal);
  let doubtful = false;
  const attempt = async (n: number): Promise<WithResponse<T>> => {
    if (doubtful && spec.confirm) {
      const found = await confirmed(ctx, spec, signal);
      if (found) return found;
    }
    try {
      return await runAttempt(ctx, spec, signal, n);
    } catch (error) {
      doubtful ||= mayHaveLanded(error);
      throw error;
    }
  };
  try {
    return await withRetries(attempt, {
      retries: ctx.options.maxRetries,
      signal,
      onRetry: (event) => {
        ctx.log.warn(`${spec.method} ${spec.path}: retrying (${event.retriesLeft} left)`, {
          error: String(event.error),
        });
        ctx.events.emit('retry', { ...event, method: spec.method, path: spec.path });
      },
    });
  } catch (error) {
    if (error instanceof TierClientError) throw error;
    if (signal?.aborted) throw abortError(signal);
    throw new APIConnectionError({ ...spec, message: String(error), cause: error });
  }
}

async function confirmed<T>(
  ctx: PipelineContext,
  spec: CallSpec<T>,
  signal: AbortSignal | undefined,
): Promise<WithResponse<T> | undefined> {
  const attempt = new AttemptSignal(signal, ctx.options.timeoutMs, ctx.attempts, spec);
  try {
    const data = await spec.confirm?.(attempt.signal).catch((cause: unknown) => {
      if (cause instanceof TierClientError) throw cause;
      throw transportError(spec, cause, attempt);
    });
    if (data === undefined) return undefined;
    ctx.log.info(`${spec.method} ${spec.path}: an earlier attempt had succeeded; not re-sent`);
    const response = new Response(null, { status: 200 });
    return answered(data, response);
  } finally {
    attempt.dispose();
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
): Promise<WithResponse<T>> {
  const { method, path } = spec;
  const grant = spec.limited && ctx.gate
    ? await ctx.gate.acquire({ ...spec.limited, signal, method, path })
    : undefined;

  const attempt = new AttemptSignal(signal, ctx.options.timeoutMs, ctx.attempts, spec);
  const started = Date.now();
  let streaming = false;
  try {
    let sent: Sent;
    try {
      sent = await spec.send(attempt.signal);
    } catch (cause) {
      throw transportError(spec, cause, attempt);
    }
    const { response } = sent;
    attempt.answered();
    ctx.log.debug(`${spec.method} ${spec.path} → ${response.status}`, {
      attempt: n,
      ms: Date.now() - started,
      callId: response.headers.get('x-litellm-call-id') ?? undefined,
    });
    if (!response.ok) {
      throw errorFromResponse(spec, response.status, sent.error, response.headers);
    }
    if (spec.stream) {
      streaming = true;
      return answered(openStream(spec, sent, attempt, grant) as T, response);
    }
    grant?.settle({ sent: true, status: response.status, headers: response.headers,
      usage: usageOf(sent.data) });
    return answered(sent.data as T, response);
  } catch (error) {
    grant?.settle(outcomeOf(error));
    throw error;
  } finally {
    if (!streaming) attempt.dispose();
  }
}

/** The stream holds the attempt (and its place in the limiter) until it ends. */
function openStream<T>(
  spec: CallSpec<T>,
  sent: Sent<unknown>,
  attempt: AttemptSignal,
  grant: Grant | undefined,
): ChatStream<unknown> {
  const { response } = sent;
  const onAbort = () => response.body?.cancel().catch(() => {});
  attempt.signal.addEventListener('abort', onAbort, { once: true });
  return new ChatStream({
    response,
    controller: attempt.controller,
    request: spec,
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
  const malformed = cause instanceof SyntaxError;
  return new APIConnectionError({
    ...spec,
    message: malformed ? 'The gateway answered with a malformed body' : 'Connection error',
    cause,
  });
}

function outcomeOf(error: unknown) {
  const e = error as { status?: number; headers?: Headers };
  return { sent: true, status: e.status, headers: e.headers ?? null, error };
}

function usageOf(data: unknown): StreamUsage | null {
  const usage = (data as { usage?: StreamUsage } | null | undefined)?.usage;
  return usage && typeof usage === 'object' ? usage : null;
}
