import type { Fault, FaultHandle, FaultRule } from '../faults-types';
import { envelope } from './errors';
import { looksLikeHash, sha256Hex } from './ids';
import type { AnsweredReply, GatewayReply, GatewayRequest, StreamChunk } from './types';

/** The fault book: scoped rules consumed by the requests they match, in order of addition. */

interface Entry {
  rule: FaultRule;
  seen: number;
  hits: number;
  removed: boolean;
}

function wantsStream(req: GatewayRequest): boolean {
  try {
    return (JSON.parse(req.body ?? '') as { stream?: unknown }).stream === true;
  } catch {
    return false;
  }
}

async function keyMatches(expected: string, presented: string | undefined): Promise<boolean> {
  if (presented === undefined) return false;
  const want = looksLikeHash(expected) ? expected : await sha256Hex(expected);
  return want === (await sha256Hex(presented));
}

async function matches(rule: FaultRule, req: GatewayRequest, key: string | undefined) {
  const m = rule.match ?? {};
  if (m.method !== undefined && m.method.toUpperCase() !== req.method.toUpperCase()) return false;
  if (typeof m.path === 'string' && m.path !== req.path) return false;
  if (m.path instanceof RegExp && !m.path.test(req.path)) return false;
  if (rule.fault.kind === 'error-frame' && !wantsStream(req)) return false;
  return m.key === undefined || keyMatches(m.key, key);
}

export class FaultBook {
  private entries: Entry[] = [];

  add(rule: FaultRule): FaultHandle {
    const entry: Entry = { rule, seen: 0, hits: 0, removed: false };
    this.entries.push(entry);
    return {
      get hits() {
        return entry.hits;
      },
      remove: () => {
        entry.removed = true;
      },
    };
  }

  /** The fault for this request, if a live rule matches it (each request gets at most one). */
  async take(req: GatewayRequest, key: string | undefined): Promise<Fault | undefined> {
    this.entries = this.entries.filter((e) => !e.removed && e.hits < (e.rule.times ?? 1));
    for (const entry of this.entries) {
      if (!(await matches(entry.rule, req, key))) continue;
      entry.seen++;
      if (entry.seen <= (entry.rule.skip ?? 0)) continue;
      entry.hits++;
      return entry.rule.fault;
    }
    return undefined;
  }
}

/** The answer of a `status` fault. */
export function faultStatus(fault: Extract<Fault, { kind: 'status' }>): GatewayReply {
  const status = fault.status ?? 503;
  if (fault.body !== undefined) return { kind: 'json', status, headers: {}, body: fault.body };
  return envelope(status, 'Injected fault: the gateway is unavailable', 'internal_server_error');
}

/** Reads a reply to the end, so the work it stands for is complete (used before a drop). */
export async function drain(reply: GatewayReply): Promise<void> {
  if (reply.kind !== 'stream') return;
  for await (const chunk of reply.chunks) if ('cut' in chunk) break;
}

function bodyText(reply: AnsweredReply): string {
  if (reply.kind === 'json') return JSON.stringify(reply.body);
  return reply.kind === 'text' ? reply.body : '';
}

/** The reply with a body that does not parse: JSON cut in half, or one SSE frame broken. */
export function malformed(reply: AnsweredReply): AnsweredReply {
  if (reply.kind === 'stream') return { ...reply, chunks: breakFirstFrame(reply.chunks) };
  const text = bodyText(reply);
  const broken = `${text.slice(0, Math.max(1, Math.floor(text.length / 2)))}\u0000`;
  const headers = { 'content-type': 'application/json', ...reply.headers };
  return { kind: 'text', status: reply.status, headers, body: broken };
}

async function* breakFirstFrame(chunks: AsyncIterable<StreamChunk>) {
  let broken = false;
  for await (const chunk of chunks) {
    if (!broken && 'text' in chunk && chunk.text.startsWith('data: {')) {
      broken = true;
      yield { text: `${chunk.text.slice(0, 20)}\n\n` };
    } else yield chunk;
  }
}

async function* cutAfter(chunks: AsyncIterable<StreamChunk>, frames: number) {
  let sent = 0;
  for await (const chunk of chunks) {
    if (sent >= frames || ('text' in chunk && chunk.text.startsWith('data: [DONE]'))) break;
    yield chunk;
    sent++;
  }
  yield { cut: true } as const;
}

/** The reply cut short: a stream before `[DONE]`, another body half-way. */
export function cut(reply: AnsweredReply, afterFrames: number): AnsweredReply {
  if (reply.kind === 'stream') return { ...reply, chunks: cutAfter(reply.chunks, afterFrames) };
  const text = bodyText(reply);
  const half = text.slice(0, Math.floor(text.length / 2));
  const chunks = (async function* () {
    yield { text: half };
    yield { cut: true } as const;
  })();
  const headers = { 'content-type': 'application/json', ...reply.headers };
  return { kind: 'stream', status: reply.status, headers, chunks };
}

async function* errorAfter(
  chunks: AsyncIterable<StreamChunk>,
  frames: number,
  error: Record<string, unknown>,
) {
  let sent = 0;
  for await (const chunk of chunks) {
    if (sent >= frames || ('text' in chunk && chunk.text.startsWith('data: [DONE]'))) break;
    yield chunk;
    sent++;
  }
  yield { text: `data: ${JSON.stringify({ error })}\n\n` };
}

/** A stream that breaks off with an error frame and no `[DONE]`. */
export function errorFrame(
  reply: AnsweredReply,
  fault: Extract<Fault, { kind: 'error-frame' }>,
): AnsweredReply {
  if (reply.kind !== 'stream') return reply;
  const status = fault.status ?? 500;
  const error = {
    message: fault.message ?? 'Injected fault: the upstream failed mid-stream',
    type: 'internal_server_error',
    param: null,
    code: String(status),
  };
  return { ...reply, chunks: errorAfter(reply.chunks, fault.afterFrames ?? 1, error) };
}
