/**
 * How well each way of calling keeps a key inside its tier, against the local gateway over
 * HTTP (2 s window, 1.80.7 behaviour): bursts of 5× and 10× the tier's rpm from 50 concurrent
 * callers, so that each burst spans at least 5 windows. Side by side: the TierLimiter; what
 * users do today without it (no limiter, retry each 429 after its retry-after); and a Bottleneck
 * whose reservoir refreshes every window (`reservoirRefreshInterval`), retrying 429s likewise.
 *
 *   npx tsx bench/limiter-accuracy.ts [--rpm 10] [--window-ms 2000]
 *
 * Each burst runs twice: at once, and half a window after the limiter was built (an app builds
 * its limiter at start-up, and calls come later: a refresh interval anchored at creation then
 * falls in the middle of the gateway's window).
 *
 * Reported per run: the gateway's 429s (target 0), the most calls it admitted within any span
 * of one window (its own sliding count; the tier allows rpm), and utilization: how much of the
 * allowance the run used while it lasted, (calls − rpm) / rpm windows over the time from the
 * first send to the last admission (a run that keeps every window full scores 100 %).
 * This drives the limiter directly with `fetch` (acquire → fetch → settle), as the client does.
 */
import Bottleneck from 'bottleneck';
import { startGateway } from '../src/gateway/index';
import type { RunningGateway } from '../src/gateway/index';
import { estimateTokens } from '../src/limiter/estimate';
import { smallestTpm, tierLimits } from '../src/limiter/limits';
import { TierLimiter } from '../src/limiter/tier-limiter';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const RPM = arg('--rpm', 10);
const WINDOW_MS = arg('--window-ms', 2000);
const CALLERS = 50;
const BURSTS = [5, 10];
/** Idle time between building the limiter and the burst, as a fraction of the window. */
const OFFSETS = [0, 0.5];

interface Key {
  secret: string;
  hash: string;
  generated: Record<string, unknown>;
}

interface RunResult {
  strategy: string;
  offset: number;
  calls: number;
  status429: number;
  maxInWindow: number;
  utilization: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function admin(gateway: RunningGateway, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return response.json();
}

async function newKey(gateway: RunningGateway, tierId: string): Promise<Key> {
  const generated = (await admin(gateway, '/key/generate', { budget_id: tierId })) as Record<
    string,
    unknown
  >;
  return { secret: String(generated['key']), hash: String(generated['token']), generated };
}

const chatBody = { model: 'fake-gpt', messages: [{ role: 'user', content: 'hello' }] };

function chat(gateway: RunningGateway, key: Key): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
    body: JSON.stringify(chatBody),
  });
}

/** One call through a strategy; returns how many 429s it met on the way. */
type Strategy = (gateway: RunningGateway, key: Key) => {
  call(): Promise<number>;
  close(): Promise<void>;
};

/** Sends until admitted, waiting out each 429's retry-after: what a plain client does. */
async function withRetry(send: () => Promise<Response>): Promise<number> {
  let refused = 0;
  for (;;) {
    const response = await send();
    await response.arrayBuffer();
    if (response.status !== 429) return refused;
    refused += 1;
    const seconds = Number(response.headers.get('retry-after') ?? '1');
    await sleep(seconds * 1000 * (0.5 + Math.random() * 0.5));
  }
}

const strategies: Record<string, Strategy> = {
  'TierLimiter (queue)': (gateway, key) => {
    const limits = tierLimits(key.generated['litellm_budget_table'], key.generated);
    const limiter = new TierLimiter(limits, { windowMs: WINDOW_MS });
    const tokens = estimateTokens(chatBody, smallestTpm(limits, chatBody.model));
    return {
      call: async () => {
        const grant = await limiter.acquire({ model: chatBody.model, tokens });
        let response: Response;
        try {
          response = await chat(gateway, key);
        } catch (error) {
          grant.settle({ sent: true, error });
          throw error;
        }
        const body = (await response.json()) as { usage?: Record<string, number> };
        const { status, headers } = response;
        grant.settle({ sent: true, status, headers, usage: body.usage ?? null });
        return status === 429 ? 1 : 0;
      },
      close: () => limiter.close(),
    };
  },
  'no limiter, retry on 429': (gateway, key) => ({
    call: () => withRetry(() => chat(gateway, key)),
    close: async () => undefined,
  }),
  'Bottleneck reservoirRefreshInterval, retry on 429': (gateway, key) => {
    const limiter = new Bottleneck({
      reservoir: RPM,
      reservoirRefreshAmount: RPM,
      reservoirRefreshInterval: WINDOW_MS,
    });
    return {
      call: () => withRetry(() => limiter.schedule(() => chat(gateway, key))),
      close: () => limiter.stop({ dropWaitingJobs: true }),
    };
  },
};

interface Plan {
  name: string;
  burst: number;
  offset: number;
  tierId: string;
}

async function run(gateway: RunningGateway, plan: Plan): Promise<RunResult> {
  const { name, burst, offset, tierId } = plan;
  const key = await newKey(gateway, tierId);
  const { call, close } = (strategies[name] as Strategy)(gateway, key);
  await sleep(offset * WINDOW_MS);
  const calls = burst * RPM;
  let left = calls;
  let status429 = 0;
  const start = performance.now();
  const caller = async () => {
    while (left > 0) {
      left -= 1;
      const refused = await call(); // not `+= await`: that would read the sum before waiting
      status429 += refused;
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
  const seconds = (performance.now() - start) / 1000;
  await close();
  const stats = gateway.stats().keys[key.hash];
  if (stats === undefined) throw new Error('the gateway saw no call from the key');
  const windows = (seconds * 1000) / WINDOW_MS;
  const { requests, tokens, parallel } = stats.refused;
  if (requests + tokens + parallel !== status429) {
    process.stderr.write(`note: client saw ${status429} 429s, gateway counted ${requests}\n`);
  }
  return {
    strategy: name,
    offset,
    calls,
    status429: requests + tokens + parallel,
    maxInWindow: stats.maxAdmittedInAnyWindow,
    utilization: (calls - RPM) / RPM / windows,
    seconds,
  };
}

const startsIn = (offset: number) => (offset === 0 ? 'at once' : `${offset} window after`);

async function main(): Promise<void> {
  const gateway = await startGateway({ windowMs: WINDOW_MS });
  const results: RunResult[] = [];
  try {
    const tierId = `bench-accuracy-${Date.now()}`;
    await admin(gateway, '/budget/new', { budget_id: tierId, rpm_limit: RPM });
    for (const burst of BURSTS) {
      for (const offset of OFFSETS) {
        for (const name of Object.keys(strategies)) {
          const result = await run(gateway, { name, burst, offset, tierId });
          results.push(result);
          const what = `${burst}× +${offset} window ${name}`;
          process.stderr.write(`${what}: done in ${result.seconds.toFixed(1)} s\n`);
        }
      }
    }
  } finally {
    await gateway.close();
  }
  const lines = [
    `## Limiter accuracy: local gateway over HTTP, rpm_limit ${RPM}, window ${WINDOW_MS} ms, ` +
      `${CALLERS} concurrent callers`,
    '',
    '| burst | starts | strategy | gateway 429s | most admitted in any window ' +
      `(limit ${RPM}) | utilization |`,
    '|---|---|---|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.calls / RPM}× rpm (${r.calls} calls) | ${startsIn(r.offset)} | ${r.strategy} | ` +
        `${r.status429} | ${r.maxInWindow} | ${(r.utilization * 100).toFixed(1)} % |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
