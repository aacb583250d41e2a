import { listenOnLoopback } from './listen';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A transparent loopback relay in front of the gateway that passes every answer through
 * untouched, headers included (so CORS stays the gateway's), except that it delivers a
 * stream's SSE frames `gapMs` apart, as a model that is still writing would. The local
 * gateway writes all frames at once; without the gaps "renders as it arrives" could not be
 * told from "renders at the end".
 */
export interface PacingRelay {
  url: string;
  close(): Promise<void>;
}

async function pace(upstream: IncomingMessage, res: ServerResponse, gapMs: number) {
  let pending = '';
  for await (const part of upstream) {
    pending += (part as Buffer).toString('utf8');
    for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
      res.write(pending.slice(0, end + 2));
      pending = pending.slice(end + 2);
      await sleep(gapMs);
    }
  }
  res.end(pending);
}

export async function startPacingRelay(target: string, gapMs: number): Promise<PacingRelay> {
  const { hostname, port: targetPort } = new URL(target);
  const server = createServer((req, res) => {
    const outbound = request(
      { host: hostname, port: targetPort, path: req.url, method: req.method, headers: req.headers },
      (upstream) => {
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        const sse = String(upstream.headers['content-type']).includes('text/event-stream');
        if (sse) pace(upstream, res, gapMs).catch(() => res.destroy());
        else upstream.pipe(res);
      },
    );
    outbound.on('error', () => res.destroy());
    req.pipe(outbound);
  });
  return listenOnLoopback(server);
}
