/**
 * One process of a multi-process run: a TierClient on a key shared through Redis, firing
 * chat calls from `callers` concurrent loops until `runMs` has passed. Prints one JSON line
 * with what happened, closes its client and exits on its own (no timer nor socket left).
 * argv: a JSON object (see `BurstPlan`).
 */
import { LimiterUnavailableError, RateLimitError, TierClient } from '../../../../src/index';

export interface BurstPlan {
  baseUrl: string;
  apiKey: string;
  redis: string;
  windowMs: number;
  callers: number;
  runMs: number;
  fallback?: 'fail' | 'local';
}

export interface BurstReport {
  pid: number;
  ok: number;
  gateway429: number;
  refusedByClient: number;
  unavailable: number;
  other: string[];
  /** Date.now() at which each call that succeeded was answered. */
  answeredAt: number[];
  lapses: number;
  mode: string;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as BurstPlan;
const client = await TierClient.forKey({
  baseUrl: plan.baseUrl,
  apiKey: plan.apiKey,
  redis: plan.redis,
  windowMs: plan.windowMs,
  maxRetries: 0,
  ...(plan.fallback === undefined ? {} : { redisFallback: plan.fallback }),
});
const report: BurstReport = {
  pid: process.pid, ok: 0, gateway429: 0, refusedByClient: 0, unavailable: 0, other: [],
  answeredAt: [], lapses: 0, mode: '',
};
// Every process starts its burst at the same moment: when the parent says go.
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
process.stdin.pause();
process.stdin.unref();
const end = Date.now() + plan.runMs;

async function caller(): Promise<void> {
  while (Date.now() < end) {
    try {
      const messages = [{ role: 'user' as const, content: 'hi' }];
      await client.chatCompletions({ model: 'fake-gpt', messages });
      report.ok += 1;
      report.answeredAt.push(Date.now());
    } catch (error) {
      if (error instanceof RateLimitError && error.source === 'gateway') report.gateway429 += 1;
      else if (error instanceof RateLimitError) report.refusedByClient += 1;
      else if (error instanceof LimiterUnavailableError) {
        report.unavailable += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      } else report.other.push(String(error).slice(0, 200));
    }
  }
}

await Promise.all(Array.from({ length: plan.callers }, caller));
const state = client.limiterState();
report.lapses = state?.shared?.lapses ?? -1;
report.mode = state?.shared?.mode ?? 'none';
process.stdout.write(`${JSON.stringify(report)}\n`);
await client.close();
