/**
 * Accuracy: how well each way of calling keeps a key inside its tier, against the local
 * gateway in its own process (fixed windows that open on the first admitted call, as LiteLLM
 * 1.80.7 does) with a short window. Bursts of 5× and 10× the tier's rpm from 50 concurrent
 * callers; each contender gets a fresh key on the same tier, and the four run at the same
 * time (the gateway counts per key; this measures counts, not speed).
 *
 * Reported from the gateway's own counters: its 429s (target 0), the most calls it admitted
 * within any span one window long (the tier allows rpm), and utilization: admitted calls over
 * the allowance of the time the burst took, rpm × (1 + T / window), T from the first send to
 * the last success: a limiter that fills every window exactly scores 100 %.
 *
 *   npx tsx bench/accuracy.ts   (BENCH_ACCURACY_ROUNDS, _RPM, _WINDOW_MS)
 */
import { TierClient } from '../src/index';
import { CONTENDERS, type Contender } from './support/accuracy-contenders';
import { envNumber } from './support/env';
import { startStatsGateway, type StatsGateway } from './support/gateway-process';
import { runIfMain } from './support/main';
import { spread } from './support/measure';

const ROUNDS = envNumber('BENCH_ACCURACY_ROUNDS', 3);
const RPM = envNumber('BENCH_ACCURACY_RPM', 20);
const WINDOW_MS = envNumber('BENCH_ACCURACY_WINDOW_MS', 2000);
const CALLERS = 50;
const BURSTS = [5, 10];
/** Contenders whose figures carry the targets: this client and openai-node over its fetch. */
const OURS = [CONTENDERS[0]?.name, CONTENDERS[3]?.name];

interface Outcome {
  refused: number;
  mostInWindow: number;
  utilization: number;
  failed: number;
  seconds: number;
}

interface Bench {
  gateway: StatsGateway;
  admin: TierClient;
  tierId: string;
}

/** Fires `total` calls from CALLERS callers; returns failures and the last success time. */
async function burst(call: () => Promise<void>, total: number) {
  let left = total;
  let failed = 0;
  let lastSuccess = 0;
  const caller = async () => {
    while (left > 0) {
      left -= 1;
      try {
        await call();
        lastSuccess = performance.now();
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
  return { failed, lastSuccess };
}

async function once(bench: Bench, contender: Contender, times: number): Promise<Outcome> {
  const generated = await bench.admin.generateKey({ budget_id: bench.tierId });
  const setting = { url: bench.gateway.url, admin: bench.admin, generated,
    rpm: RPM, windowMs: WINDOW_MS };
  const running = await contender.start(setting);
  const started = performance.now();
  const { failed, lastSuccess } = await burst(running.call, times * RPM);
  await running.close();
  const stats = (await bench.gateway.stats()).keys[generated.token ?? ''];
  if (stats === undefined) throw new Error(`the gateway saw no call from ${contender.name}`);
  const elapsed = Math.max(0, lastSuccess - started);
  const { requests, tokens, parallel, model_requests, model_tokens } = stats.refused;
  return {
    refused: requests + tokens + parallel + model_requests + model_tokens,
    mostInWindow: stats.maxAdmittedInAnyWindow,
    utilization: stats.admitted / (RPM * (1 + elapsed / WINDOW_MS)),
    failed,
    seconds: elapsed / 1000,
  };
}

type Figures = Map<string, Outcome[]>;

async function measure(bench: Bench): Promise<Map<number, Figures>> {
  const results = new Map<number, Figures>(BURSTS.map((b) => [b, new Map()]));
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const times of BURSTS) {
      const outcomes = await Promise.all(CONTENDERS.map((c) => once(bench, c, times)));
      const figures = results.get(times) as Figures;
      CONTENDERS.forEach((c, i) => {
        figures.set(c.name, [...(figures.get(c.name) ?? []), outcomes[i] as Outcome]);
      });
      process.stderr.write(`accuracy: round ${round}/${ROUNDS}, ${times}× rpm done\n`);
    }
  }
  return results;
}

function cell(values: number[], digits = 0, unit = ''): string {
  const s = spread(values);
  const f = (n: number) => `${n.toFixed(digits)}${unit}`;
  return s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

function rows(results: Map<number, Figures>): string[] {
  const lines: string[] = [];
  for (const [times, figures] of results) {
    for (const [name, outcomes] of figures) {
      const pick = (f: (o: Outcome) => number) => outcomes.map(f);
      lines.push(`| ${times}× (${times * RPM} calls) | ${name} | ` +
        `${cell(pick((o) => o.refused))} | ` +
        `${cell(pick((o) => o.mostInWindow))} | ` +
        `${cell(pick((o) => o.utilization * 100), 1, ' %')} | ` +
        `${cell(pick((o) => o.seconds), 1)} | ${cell(pick((o) => o.failed))} |`);
    }
  }
  return lines;
}

/** Targets over every round: no 429 at all, and the worst round still ≥ 95 % utilization. */
function verdict(results: Map<number, Figures>): string[] {
  return OURS.map((name) => {
    const all = [...results.values()].flatMap((figures) => figures.get(name ?? '') ?? []);
    const refused = all.reduce((sum, o) => sum + o.refused, 0);
    const worst = Math.min(...all.map((o) => o.utilization)) * 100;
    const met = refused === 0 && worst >= 95 && all.every((o) => o.failed === 0);
    return `- ${name}: ${refused} gateway 429s in all runs (target 0), lowest utilization ` +
      `${worst.toFixed(1)} % (target ≥ 95 %): **${met ? 'met' : 'NOT met'}**.`;
  });
}

export default async function accuracy(): Promise<string> {
  const gateway = await startStatsGateway({ windowMs: WINDOW_MS });
  const admin = new TierClient({ baseUrl: gateway.url, apiKey: gateway.masterKey });
  try {
    const tierId = `bench-accuracy-${process.pid}`;
    await admin.createBudget({ budget_id: tierId, rpm_limit: RPM });
    const results = await measure({ gateway, admin, tierId });
    return [
      '## Accuracy: staying inside the tier against the local gateway', '',
      `Tier rpm_limit ${RPM}, gateway window ${WINDOW_MS} ms (its own process), ` +
        `${CALLERS} concurrent callers per contender, the four contenders at once on keys of ` +
        `their own; ${ROUNDS} rounds, median (min–max). Utilization = admitted / ` +
        '(rpm × (1 + T / window)), T = first send to last success; 100 % fills every window.',
      '',
      `| burst | contender | gateway 429s | most admitted in any ${WINDOW_MS} ms (limit ` +
        `${RPM}) | utilization | seconds | failed calls |`,
      '|---|---|---:|---:|---:|---:|---:|',
      ...rows(results), '', ...verdict(results),
    ].join('\n');
  } finally {
    await admin.close();
    await gateway.stop();
  }
}

runIfMain(import.meta.url, accuracy);
