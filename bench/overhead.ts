/**
 * Overhead: chat calls per second against the local gateway (its own process, no added
 * latency), at concurrency 1 and 64: this client beside raw fetch, openapi-fetch alone and
 * openai-node, with the gap to raw fetch broken down layer by layer.
 */
import OpenAI from 'openai';
import createClient from 'openapi-fetch';
import type { paths } from '../src/generated/litellm';
import { TierClient } from '../src/index';
import { startGatewayProcess } from './support/gateway-process';
import { ratio, spread, throughput } from './support/measure';
import { runIfMain } from './support/main';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const BODY = { model: 'fake-gpt', messages: [{ role: 'user' as const, content: 'hello' }] };

type Contender = { name: string; call: () => Promise<unknown> };

async function contenders(url: string, key: string): Promise<Contender[]> {
  const plain = new TierClient({ baseUrl: url, apiKey: key });
  const noRetry = new TierClient({ baseUrl: url, apiKey: key, maxRetries: 0 });
  const admin = new TierClient({ baseUrl: url, apiKey: key });
  const tiered = await admin.withKey({ key }, { tier: { ...GENEROUS } as never });
  const typed = createClient<paths>({ baseUrl: url, headers: { Authorization: `Bearer ${key}` } });
  const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: key });
  const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
  return [
    { name: 'raw fetch', call: () => fetch(`${url}/v1/chat/completions`, {
      method: 'POST', headers, body: JSON.stringify(BODY) }).then((r) => r.json()) },
    { name: 'openapi-fetch alone', call: () => typed.POST('/v1/chat/completions', { body: BODY }) },
    { name: 'TierClient, maxRetries 0', call: () => noRetry.chatCompletions(BODY) },
    { name: 'TierClient, no tier', call: () => plain.chatCompletions(BODY) },
    { name: 'TierClient with a tier', call: () => tiered.chatCompletions(BODY) },
    { name: 'openai-node', call: () => openai.chat.completions.create(BODY) },
  ];
}

const GENEROUS = { rpm_limit: 10_000_000, tpm_limit: 10_000_000_000, max_parallel_requests: 1000 };

export default async function overhead(): Promise<string> {
  const gateway = await startGatewayProcess();
  try {
    const admin = new TierClient({ baseUrl: gateway.url, apiKey: gateway.masterKey });
    await admin.createBudget({ budget_id: 'bench-generous', ...GENEROUS });
    const { key } = await admin.generateKey({ budget_id: 'bench-generous' });
    const list = await contenders(gateway.url, key);
    const sections: string[] = [];
    for (const concurrency of [1, 64]) {
      sections.push(await atConcurrency(list, concurrency));
    }
    return ['## Overhead: chat calls per second against the local gateway', '',
      `Gateway in its own process, no added latency; ${ROUNDS} rounds of ${SECONDS} s per ` +
      'contender, order rotated each round; median calls/s with the min–max over rounds.',
      '', ...sections].join('\n');
  } finally {
    await gateway.stop();
  }
}

async function atConcurrency(list: Contender[], concurrency: number): Promise<string> {
  for (const c of list) await throughput(c.call, concurrency, 300); // warm-up
  const figures = new Map<string, number[]>(list.map((c) => [c.name, []]));
  const errors = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = [...list.slice(round % list.length), ...list.slice(0, round % list.length)];
    for (const c of order) {
      const t = await throughput(c.call, concurrency, SECONDS * 1000);
      figures.get(c.name)?.push(t.callsPerSecond);
      errors.set(c.name, (errors.get(c.name) ?? 0) + t.errors);
    }
  }
  const med = (name: string) => spread(figures.get(name) ?? []).median;
  const raw = med('raw fetch');
  const openai = med('openai-node');
  const rows = list.map((c) => {
    const s = spread(figures.get(c.name) ?? []);
    return `| ${c.name} | ${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)}) | ` +
      `${ratio(s.median, raw)} | ${ratio(s.median, openai)} | ${errors.get(c.name) ?? 0} |`;
  });
  return [`### Concurrency ${concurrency}`, '',
    '| contender | calls/s | vs raw fetch | vs openai-node | errors |',
    '|---|---|---|---|---|', ...rows, ''].join('\n');
}

runIfMain(import.meta.url, overhead);
