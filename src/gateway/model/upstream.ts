import type { ResolvedOptions } from '../options';
import type { TokenShape } from './enforcement/tokens';
import { envelope } from './errors';
import { isObject, type Body } from './validate';
import type { JsonReply } from './types';

/**
 * The fake upstream behind the gateway, answering like the one the recordings were made
 * with: `fake reply to: <last user message>`, 7 prompt tokens, 5 completion tokens. The
 * message may steer it: `[delay=S]` answers after S seconds, `[ctoks=N]` reports N
 * completion tokens, `[oai-rl]` adds OpenAI-style rate-limit headers.
 */

export interface CallRequest {
  kind: 'chat' | 'embedding';
  model: string;
  stream: boolean;
  includeUsage: boolean;
  /** The text the markers are read from (last user message, or the embedding input). */
  text: string;
  shape: TokenShape;
  /** Embedding inputs. */
  inputs: number;
}

export interface UpstreamAnswer {
  content: string;
  promptTokens: number;
  completionTokens: number;
  delayMs: number;
  rateLimitHeaders: boolean;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

function badRequest(message: string): JsonReply {
  return envelope(400, message, 'bad_request_error');
}

function chatRequest(body: Body, model: string): CallRequest | JsonReply {
  if (!Array.isArray(body.messages))
    return badRequest('messages: a list of chat messages is required');
  const messages = body.messages.filter(isObject);
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  const options = isObject(body.stream_options) ? body.stream_options : {};
  return {
    kind: 'chat',
    model,
    stream: body.stream === true,
    includeUsage: options.include_usage === true,
    text: textOf(lastUser?.content),
    shape: {
      promptChars: messages.reduce((sum, m) => sum + textOf(m.content).length, 0),
      maxTokens: typeof maxTokens === 'number' ? maxTokens : null,
      n: typeof body.n === 'number' && body.n > 0 ? body.n : 1,
    },
    inputs: 0,
  };
}

function embeddingRequest(body: Body, model: string): CallRequest | JsonReply {
  const input = body.input;
  const inputs = typeof input === 'string' ? [input] : Array.isArray(input) ? input : undefined;
  if (!inputs) return badRequest('input: a string or a list of strings is required');
  const text = inputs.map(String).join(' ');
  const shape = { promptChars: text.length, maxTokens: 0, n: 1 };
  return {
    kind: 'embedding',
    model,
    stream: false,
    includeUsage: false,
    text,
    shape,
    inputs: inputs.length,
  };
}

/** Reads what the call asks for, or the 400 the proxy answers to a malformed call. */
export function readCall(body: Body, kind: CallRequest['kind']): CallRequest | JsonReply {
  if (typeof body.model !== 'string') return badRequest('model: a model name is required');
  return kind === 'chat' ? chatRequest(body, body.model) : embeddingRequest(body, body.model);
}

function marker(text: string, name: string): number | undefined {
  const match = new RegExp(`\\[${name}=(\\d+(?:\\.\\d+)?)\\]`).exec(text);
  return match ? Number(match[1]) : undefined;
}

export function upstreamAnswer(call: CallRequest, options: ResolvedOptions): UpstreamAnswer {
  const completion =
    call.kind === 'embedding' ? 0 : (marker(call.text, 'ctoks') ?? options.completionTokens);
  return {
    content: `fake reply to: ${call.text}`,
    promptTokens:
      call.kind === 'embedding' ? options.promptTokens * call.inputs : options.promptTokens,
    completionTokens: completion * call.shape.n,
    delayMs: (marker(call.text, 'delay') ?? 0) * 1000,
    rateLimitHeaders: call.text.includes('[oai-rl]'),
  };
}

/** A stable fake id of the deployment serving a model (`x-litellm-model-id`), 64 hex digits. */
export function deploymentId(model: string): string {
  const part = (salt: number) => {
    let hash = 2166136261 ^ salt;
    for (const char of model) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
    return hash.toString(16).padStart(8, '0');
  };
  return Array.from({ length: 8 }, (_, i) => part(i)).join('');
}
