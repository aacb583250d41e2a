/**
 * What the tier limiter costs per call, as ratios measured in one run with the transport
 * stubbed: calls/s of TierLimiter (acquire → call → settle) against a stock
 * `new Bottleneck({ maxConcurrent, reservoir }).schedule(call)` and against the call alone,
 * and the median latency the limiter adds to one call against the untiered call's own time.
 *
 *   npx tsx bench/limiter-speed.ts [--rounds 5]   (or BENCH_LIMITER_ROUNDS)
 *
 * "The call" is the untiered client's `chatCompletions` with a stubbed `fetch` that answers
 * with a recorded 1.80.7 answer (its headers included); if the client cannot be loaded, a bare
 * stub (serialise the body, build and parse the answer) stands in, and the table says so. The
 * bare stub's own time is also reported as a stricter yardstick. Every variant runs once per
 * round, interleaved, and each figure is the median over rounds.
 */
import Bottleneck from 'bottleneck';
import { estimateTokens } from '../src/limiter/estimate';
import { unlimited } from '../src/limiter/limits';
import type { TierLimits } from '../src/limiter/limits';
import { TierLimiter } from '../src/limiter/tier-limiter';
import { runIfMain } from './support/main';

const roundsAt = process.argv.indexOf('--rounds');
const ROUNDS = Number(
  (roundsAt === -1 ? undefined : process.argv[roundsAt + 1]) ??
    process.env.BENCH_LIMITER_ROUNDS ??
    5,
);
const CALLERS = 50;
const FAST_CALLS = 4000;
const STOCK_CALLS = 800; // stock Bottleneck runs near 400 calls/s: fewer calls, same rate
const LATENCY_CALLS = 2000;

const body = { model: 'fake-gpt', messages: [{ role: 'user' as const, content: 'hello there' }] };
const answer = JSON.stringify({
  id: 'chatcmpl-fake',
  object: 'chat.completion',
  model: 'fake-gpt',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'hi' } }],
  usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
});
const RPM = 1_000_000_000;
const TPM = 1_000_000_000_000;
const answerHeaders = {
  'content-type': 'application/json',
  'x-litellm-response-cost': '0.017',
  'x-litellm-key-spend': '0.0',
  'x-litellm-key-rpm-limit': String(RPM),
  'x-litellm-key-tpm-limit': String(TPM),
};

interface Answer {
  headers: Headers;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** The bare stub: serialise the body, build the recorded answer, parse it. */
async function bareCall(): Promise<Answer> {
  const sent = JSON.stringify(body);
  if (sent.length === 0) throw new Error('empty body');
  const response = new Response(answer, { status: 200, headers: answerHeaders });
  const parsed = (await response.json()) as { usage: Answer['usage'] };
  return { headers: response.headers, usage: parsed.usage };
}

/** The untiered client's chat call over a stubbed fetch, or null when it cannot be loaded. */
async function clientCall(): Promise<(() => Promise<Answer>) | null> {
  try {
    const { TierClient } = await import('../src/client/tier-client');
    let headers = new Headers();
    const stubFetch = async () => {
      const response = new Response(answer, { status: 200, headers: answerHeaders });
      headers = response.headers;
      return response;
    };
    const client = new TierClient({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'sk-bench-not-a-key-0000',
      fetch: stubFetch as typeof fetch,
    });
    const call = async (): Promise<Answer> => {
      const completion = (await client.chatCompletions(body)) as unknown as {
        usage: Answer['usage'];
      };
      return { headers, usage: completion.usage };
    };
    await call();
    return call;
  } catch (error) {
    process.stderr.write(`untiered client unavailable, using the bare stub: ${String(error)}\n`);
    return null;
  }
}

let transport: () => Promise<Answer> = bareCall;
let transportName = 'bare stub';

const tier = (models: boolean): TierLimits => ({
  ...unlimited(),
  rpm: RPM,
  tpm: TPM,
  parallel: CALLERS,
  maxBudget: 1e12,
  models: models ? { 'fake-gpt': { rpm: RPM, tpm: TPM, maxBudget: 1e12 } } : {},
});

type Call = () => Promise<void>;

interface Variant {
  name: string;
  calls: number;
  /** Builds a fresh call function and its teardown. */
  make(): { call: Call; close(): Promise<void> };
}

function limiterCall(limiter: TierLimiter, model: string | undefined): Call {
  return async () => {
    const tokens = estimateTokens(body, TPM);
    const grant = await limiter.acquire({ tokens, model });
    const { headers, usage } = await transport();
    grant.settle({ sent: true, status: 200, headers, usage });
  };
}

const variants: Variant[] = [
  {
    name: 'no limiter',
    calls: FAST_CALLS,
    make: () => ({ call: async () => void (await transport()), close: async () => undefined }),
  },
  {
    name: 'stock Bottleneck schedule()',
    calls: STOCK_CALLS,
    make: () => {
      const limiter = new Bottleneck({ maxConcurrent: CALLERS, reservoir: RPM });
      return {
        call: () => limiter.schedule(async () => void (await transport())),
        close: () => limiter.stop({ dropWaitingJobs: true }),
      };
    },
  },
  {
    name: 'TierLimiter (key rpm, tpm, parallel, budget)',
    calls: FAST_CALLS,
    make: () => {
      const limiter = new TierLimiter(tier(false));
      return { call: limiterCall(limiter, undefined), close: () => limiter.close() };
    },
  },
  {
    name: 'TierLimiter (+ per-model rpm, tpm, budget)',
    calls: FAST_CALLS,
    make: () => {
      const limiter = new TierLimiter(tier(true));
      return { call: limiterCall(limiter, 'fake-gpt'), close: () => limiter.close() };
    },
  },
];

/** Calls per second with CALLERS callers sending back to back. */
async function throughput(variant: Variant): Promise<number> {
  const { call, close } = variant.make();
  let left = variant.calls;
  const caller = async () => {
    while (left > 0) {
      left -= 1;
      await call();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CALLERS }, caller));
  const seconds = (performance.now() - start) / 1000;
  await close();
  return variant.calls / seconds;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const high = sorted[mid] as number;
  return sorted.length % 2 ? high : ((sorted[mid - 1] as number) + high) / 2;
};

interface Latency {
  own: number;
  bare: number;
  added: number;
  stock: number;
}

/** Median time of the untiered call alone (and of the bare stub), and what limiters add. */
async function latency(models: boolean): Promise<Latency> {
  const own: number[] = [];
  const bare: number[] = [];
  const added: number[] = [];
  const stockAdded: number[] = [];
  const limiter = new TierLimiter(tier(models));
  const stock = new Bottleneck({ maxConcurrent: CALLERS, reservoir: RPM });
  const model = models ? 'fake-gpt' : undefined;
  for (let i = 0; i < LATENCY_CALLS; i += 1) {
    const t0 = performance.now();
    await transport();
    own.push(performance.now() - t0);

    const b0 = performance.now();
    await bareCall();
    bare.push(performance.now() - b0);

    const t1 = performance.now();
    const grant = await limiter.acquire({ tokens: estimateTokens(body, TPM), model });
    const t2 = performance.now();
    const { headers, usage } = await transport();
    const t3 = performance.now();
    grant.settle({ sent: true, status: 200, headers, usage });
    added.push(t2 - t1 + (performance.now() - t3));

    if (i < 200) {
      let inside = 0;
      const t4 = performance.now();
      await stock.schedule(async () => {
        const t5 = performance.now();
        await transport();
        inside = performance.now() - t5;
      });
      stockAdded.push(performance.now() - t4 - inside);
    }
  }
  await limiter.close();
  await stock.stop();
  return { own: median(own), bare: median(bare), added: median(added), stock: median(stockAdded) };
}

export default async function main(): Promise<string> {
  const viaClient = await clientCall();
  if (viaClient !== null) {
    transport = viaClient;
    transportName = 'untiered TierClient.chatCompletions over a stubbed fetch';
  }
  const rates = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const key: Latency[] = [];
  const withModels: Latency[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const variant of variants) rates.get(variant.name)?.push(await throughput(variant));
    key.push(await latency(false));
    withModels.push(await latency(true));
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  return report(rates, key, withModels).join('\n');
}

/** The min–max over rounds of each round's added latency, over the same `own` as the median. */
function perRound(rounds: Latency[], own: number): string {
  const ratios = rounds.map((l) => l.added / own);
  return `(${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}

function report(rates: Map<string, number[]>, key: Latency[], withModels: Latency[]): string[] {
  const rate = (name: string) => median(rates.get(name) ?? []);
  const none = rate(variants[0]?.name ?? '');
  const stock = rate(variants[1]?.name ?? '');
  const all = [...key, ...withModels];
  const own = median(all.map((l) => l.own));
  const bare = median(all.map((l) => l.bare));
  const addedKey = median(key.map((l) => l.added));
  const addedModels = median(withModels.map((l) => l.added));
  const addedStock = median(key.map((l) => l.stock));
  const x = (n: number) => `${n.toFixed(2)}×`;
  const version = (Bottleneck as unknown as { version: string }).version;
  const probe = new TierLimiter(unlimited());
  const fastPath = probe.state().fastPath;
  void probe.close();
  return [
    `## Limiter speed: ${ROUNDS} rounds, ${CALLERS} concurrent callers, transport stubbed`,
    '',
    `The call: ${transportName}. Node ${process.version}, Bottleneck ${version}, ` +
      `TierLimiter fast path ${fastPath ? 'on' : 'OFF'}. ` +
      'Medians over rounds; calls/s shown for scale, conclusions are the ratios.',
    '',
    '| variant | calls/s (min–max) | vs stock Bottleneck | vs the call alone |',
    '|---|---:|---:|---:|',
    ...variants.map((v) => {
      const r = rate(v.name);
      const all = rates.get(v.name) ?? [];
      const range = `${Math.round(Math.min(...all))}–${Math.round(Math.max(...all))}`;
      return `| ${v.name} | ${Math.round(r)} (${range}) | ${x(r / stock)} | ${x(r / none)} |`;
    }),
    '',
    '| median latency added to one call (1 caller) | vs the untiered call | vs the bare stub |',
    '|---|---:|---:|',
    `| stock Bottleneck schedule() | ${x(addedStock / own)} | ${x(addedStock / bare)} |`,
    `| TierLimiter (key limits) | ${x(addedKey / own)} ${perRound(key, own)} | ` +
      `${x(addedKey / bare)} |`,
    `| TierLimiter (+ per-model limits) | ${x(addedModels / own)} ${perRound(withModels, own)} | ` +
      `${x(addedModels / bare)} |`,
    '',
    `Targets: calls/s ≥ 6× stock Bottleneck: ${x(rate(variants[2]?.name ?? '') / stock)} (key), ` +
      `${x(rate(variants[3]?.name ?? '') / stock)} (per-model). Added latency < 1.5× the ` +
      `untiered call: ${x(addedKey / own)} (key), ${x(addedModels / own)} (per-model).`,
    `For scale only: the untiered call takes ${(own * 1000).toFixed(0)} µs, ` +
      `the bare stub ${(bare * 1000).toFixed(0)} µs, here and now.`,
  ];
}

runIfMain(import.meta.url, main);
