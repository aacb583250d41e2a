/**
 * What sharing a key's tier through Redis costs and how well it keeps the tier, in one run.
 *
 *   npx tsx bench/redis-shared.ts [--rounds 3]   (or BENCH_REDIS_ROUNDS)
 *
 * Speed, transport stubbed (acquire → a stub call → settle), every variant once per round,
 * interleaved, each figure the median over rounds: calls/s of one process with 50 callers,
 * and the median time one call spends in the limiter (acquire + settle, one caller), for the
 * Redis-shared limiter on 127.0.0.1:6379 (with and without a parallel cap, which adds
 * Bottleneck's clustered job) as ratios to the local `TierLimiter`. Limits are far above what
 * the run reaches, so nothing waits; the window is 1 s so the ledger stays small.
 *
 * Accuracy: 4 Node processes share one key against the local gateway (1 s window, rpm 20,
 * 10 callers each, 5 s), as in test/limiter/redis/four-processes-share-a-tier.test.ts, with
 * the same harness: plain, with one process killed mid-run, one frozen for 1.5 windows, and
 * Redis restarted empty mid-run.
 */
import { tierLimits } from '../src/limiter/limits';
import { SharedLimiter } from '../src/limiter/shared';
import { TierLimiter } from '../src/limiter/tier-limiter';
import type { Limiter } from '../src/limiter/limiter';
import { sleep } from '../test/limiter/redis/support/processes';
import { privateRedis, testKey } from '../test/limiter/redis/support/redis';
import { runFour, type FourPlan, type FourResult } from '../test/limiter/redis/support/run-four';
import { runIfMain } from './support/main';
import { median, ratio, throughput } from './support/measure';

const roundsAt = process.argv.indexOf('--rounds');
const ROUNDS = Number(
  (roundsAt === -1 ? undefined : process.argv[roundsAt + 1]) ?? process.env.BENCH_REDIS_ROUNDS ?? 3,
);
const REDIS_URL = 'redis://127.0.0.1:6379';
const CALLERS = 50;
const THROUGHPUT_MS = 1500;
const LATENCY_CALLS = 400;
const WINDOW_MS = 1000;

const usage = { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 };

/** The call the limiter wraps: a resolved promise, like a transport stub. */
const stubCall = () => Promise.resolve(usage);

async function oneCall(limiter: Limiter): Promise<void> {
  const grant = await limiter.acquire({ tokens: 12, model: 'fake-gpt' });
  const used = await stubCall();
  grant.settle({ sent: true, status: 200, usage: used });
}

type Variant = 'local' | 'shared' | 'shared + parallel';

function build(variant: Variant, apiKey: string): Limiter {
  const row = { rpm_limit: 1e9, tpm_limit: 1e12, max_parallel_requests: 1e6 };
  if (variant === 'local') return new TierLimiter(tierLimits(row), { windowMs: WINDOW_MS });
  const limits = tierLimits(variant === 'shared' ? { ...row, max_parallel_requests: null } : row);
  return new SharedLimiter(limits, { windowMs: WINDOW_MS }, { redis: REDIS_URL, apiKey });
}

interface Speed {
  callsPerSecond: number;
  medianMs: number;
}

async function measure(variant: Variant): Promise<Speed> {
  const key = testKey(`bench-${variant.replace(/\W+/g, '-')}`);
  const limiter = build(variant, key.apiKey);
  try {
    for (let i = 0; i < 50; i += 1) await oneCall(limiter); // warm up, past the grace
    const { callsPerSecond } = await throughput(() => oneCall(limiter), CALLERS, THROUGHPUT_MS);
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_CALLS; i += 1) {
      const start = performance.now();
      await oneCall(limiter);
      latencies.push(performance.now() - start);
    }
    return { callsPerSecond, medianMs: median(latencies) };
  } finally {
    await limiter.close();
    await key.forget();
  }
}

async function speedSection(): Promise<string> {
  const variants: Variant[] = ['local', 'shared', 'shared + parallel'];
  const runs = new Map<Variant, Speed[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const variant of variants) {
      runs.get(variant)?.push(await measure(variant));
      process.stderr.write(`redis-shared: round ${round + 1}/${ROUNDS} ${variant}\n`);
    }
  }
  const med = (v: Variant, pick: (s: Speed) => number) => median((runs.get(v) ?? []).map(pick));
  const base = { cps: med('local', (s) => s.callsPerSecond), ms: med('local', (s) => s.medianMs) };
  const lines = [
    '| limiter | calls/s per process (ratio to local) | ' +
      'time in the limiter per call (ratio to local) |',
    '|---|---|---|',
  ];
  for (const v of variants) {
    const cps = med(v, (s) => s.callsPerSecond);
    const ms = med(v, (s) => s.medianMs);
    const spreadCps = (runs.get(v) ?? []).map((s) => Math.round(s.callsPerSecond)).join(', ');
    lines.push(`| ${v} | ${Math.round(cps)} (${ratio(cps, base.cps)}; rounds: ${spreadCps}) | ` +
      `${ms.toFixed(3)} ms (${ratio(ms, base.ms)}) |`);
  }
  return lines.join('\n');
}

async function accuracySection(): Promise<string> {
  const own = await privateRedis();
  const base = { windowMs: WINDOW_MS, rpm: 20, parallel: 6, callersEach: 10, runMs: 5000 };
  const runs: Array<[string, FourPlan]> = [
    ['4 processes', { ...base, redisUrl: REDIS_URL }],
    ['one killed mid-run', { ...base, redisUrl: REDIS_URL,
      fault: async (c) => void c[1]?.process.kill('SIGKILL') }],
    ['one frozen 1.5 windows', { ...base, redisUrl: REDIS_URL, fault: async (c) => {
      c[2]?.process.kill('SIGSTOP');
      await sleep(1.5 * WINDOW_MS);
      c[2]?.process.kill('SIGCONT');
    } }],
    ['Redis restarted empty', { ...base, redisUrl: own.url, fault: () => own.restart(300) }],
  ];
  const lines = [
    '| run | admitted | gateway 429s | most admitted in any window (tier) | utilization | ' +
      'grants lapsed | LimiterUnavailable |',
    '|---|---|---|---|---|---|---|',
  ];
  try {
    for (const [name, plan] of runs) {
      const r: FourResult = await runFour(plan);
      const lapses = r.reports.reduce((a, x) => a + Math.max(0, x.lapses), 0);
      const unavailable = r.reports.reduce((a, x) => a + x.unavailable, 0);
      lines.push(`| ${name} | ${r.admitted} | ${r.gateway429} | ${r.gatewayMaxInAnyWindow} ` +
        `(${plan.rpm}) | ${(r.utilization * 100).toFixed(1)} % | ${lapses} | ${unavailable} |`);
      process.stderr.write(`redis-shared: ${name} done\n`);
    }
  } finally {
    await own.close();
  }
  return lines.join('\n');
}

export default async function redisShared(): Promise<string> {
  const speed = await speedSection();
  const accuracy = await accuracySection();
  return [
    '## Redis-shared limiter',
    '',
    '`npx tsx bench/redis-shared.ts` (Redis at 127.0.0.1:6379, `BENCH_REDIS_ROUNDS` rounds, ' +
      `now ${ROUNDS}). Speed: transport stubbed, ${CALLERS} callers for calls/s, one caller ` +
      'for the time per call; medians over rounds, as ratios to the local `TierLimiter` in ' +
      'the same run.',
    '',
    speed,
    '',
    'Accuracy: 4 processes × 10 callers on one key (rpm 20, parallel 6, window 1 s, 5 s of ' +
      'burst) against the local gateway. Utilization = admitted / (rpm × (1 + span of the ' +
      'answers / window)).',
    '',
    accuracy,
  ].join('\n');
}

runIfMain(import.meta.url, redisShared);
