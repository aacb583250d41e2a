import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FaultHandle, FaultRule } from './faults-types';
import { createGatewayModel, type GatewayModel } from './model/gateway';
import type { GatewayStats } from './model/stats';
import type { GatewayReply, GatewayRequest } from './model/types';
import type { GatewayOptions } from './options';

/** The node:http adapter: the gateway model on a real loopback port. */

/** Options of `startGateway`: the gateway's behaviour plus where to listen. */
export interface StartGatewayOptions extends GatewayOptions {
  /** TCP port; `0` picks a free one. @default 0 */
  port?: number;
  /** Interface to listen on. Keep the default unless you know why. @default '127.0.0.1' */
  host?: string;
}

/** A running gateway. */
export interface RunningGateway {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The master key (`Authorization: Bearer <masterKey>` on admin routes). */
  readonly masterKey: string;
  /** Per-key figures of the model calls seen so far. */
  stats(): GatewayStats;
  /** Adds a scoped fault, e.g. "drop the next 2 `/key/generate` after the key is made". */
  inject(rule: FaultRule): FaultHandle;
  /** Stops listening, ends open connections (keep-alive ones too) and resolves. */
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function toRequest(req: IncomingMessage, res: ServerResponse): Promise<GatewayRequest> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const aborted = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborted.abort();
  });
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: headersOf(req),
    body: await readBody(req),
    signal: aborted.signal,
  };
}

async function write(reply: GatewayReply, res: ServerResponse): Promise<void> {
  if (reply.kind === 'drop') {
    res.destroy();
    return;
  }
  if (reply.kind !== 'stream') {
    const text = reply.kind === 'json' ? JSON.stringify(reply.body) : reply.body;
    const type = reply.kind === 'json' ? { 'content-type': 'application/json' } : {};
    const length = { 'content-length': String(Buffer.byteLength(text)) };
    res.writeHead(reply.status, { ...type, ...reply.headers, ...length });
    res.end(text);
    return;
  }
  res.writeHead(reply.status, reply.headers);
  res.flushHeaders();
  for await (const chunk of reply.chunks) {
    if ('cut' in chunk || res.destroyed) {
      res.destroy();
      return;
    }
    // Wait for each piece to reach the socket, so a cut leaves exactly what was sent.
    await new Promise<void>((resolve) => res.write(chunk.text, () => resolve()));
  }
  res.end();
}

async function serve(model: GatewayModel, req: IncomingMessage, res: ServerResponse) {
  res.on('error', () => undefined);
  try {
    const reply = await model.handle(await toRequest(req, res));
    await write(reply, res);
  } catch {
    // The client went away mid-request; there is nobody left to answer.
    res.destroy();
  }
}

/** Starts the local LiteLLM-compatible gateway on loopback. */
export async function startGateway(options: StartGatewayOptions = {}): Promise<RunningGateway> {
  const model = createGatewayModel(options);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void serve(model, req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      model.close();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };

  return {
    url: `http://${host}:${port}`,
    masterKey: model.masterKey,
    stats: () => model.stats(),
    inject: (rule) => model.inject(rule),
    close,
  };
}
