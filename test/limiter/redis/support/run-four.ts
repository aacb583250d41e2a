import { maxInAnyWindow } from '../../../../src/gateway/model/stats';
import { startGateway, type RunningGateway } from '../../../../src/gateway/index';
import { TierClient } from '../../../../src/index';
import type { BurstReport } from './burst-child';
import { sleep, startChild, type Child } from './processes';

/** What a multi-process run is asked to do, and the fault injected mid-run. */
export interface FourPlan {
  redisUrl: string;
  windowMs: number;
  rpm: number;
  parallel: number;
  callersEach: number;
  runMs: number;
  processes?: number;
  /** Called once mid-run with the children (kill one, freeze one, restart Redis). */
  fault?: (children: Child[]) => Promise<void>;
  faultAtMs?: number;
  fallback?: 'fail' | 'local';
}

export interface FourResult {
  reports: BurstReport[];
  gateway429: number;
  arrived: number;
  admitted: number;
  /** From the calls' answer times, over any interval one window long. */
  maxInAnyWindow: number;
  /** The gateway's own count, from its admission times. */
  gatewayMaxInAnyWindow: number;
  maxInFlight: number;
  /** admitted / (rpm × windows spanned by the answered calls). */
  utilization: number;
  exits: Array<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const CHILD = 'test/limiter/redis/support/burst-child.ts';

/** N processes on one key, through one Redis, against one local gateway. */
export async function runFour(plan: FourPlan, gateway?: RunningGateway): Promise<FourResult> {
  const own =
    gateway ?? (await startGateway({ windowMs: plan.windowMs, tierCacheMs: 0, latencyMs: 15 }));
  const admin = new TierClient({ baseUrl: own.url, apiKey: own.masterKey });
  try {
    const budget_id = `four-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const limits = { rpm_limit: plan.rpm, max_parallel_requests: plan.parallel };
    await admin.createBudget({ budget_id, ...limits });
    const key = await admin.generateKey({ budget_id, max_parallel_requests: plan.parallel });
    const args = JSON.stringify({
      baseUrl: own.url, apiKey: key.key, redis: plan.redisUrl, windowMs: plan.windowMs,
      callers: plan.callersEach, runMs: plan.runMs, fallback: plan.fallback,
    });
    const children = Array.from({ length: plan.processes ?? 4 }, () => startChild(CHILD, [args]));
    await Promise.all(children.map((c) => c.line((l) => l === 'ready', 30_000)));
    for (const child of children) child.say('go');
    if (plan.fault !== undefined) {
      await sleep(plan.faultAtMs ?? plan.runMs / 2);
      await plan.fault(children);
    }
    const reports: BurstReport[] = [];
    for (const child of children) {
      const report = (l: string) => l.startsWith('{');
      const line = await child.line(report, plan.runMs + 30_000).catch(() => null);
      if (line !== null) reports.push(JSON.parse(line) as BurstReport);
    }
    const exits = await Promise.all(children.map((c) => c.exited));
    const stats = own.stats().keys[key.token as string];
    const times = reports.flatMap((r) => r.answeredAt).sort((a, b) => a - b);
    const span = times.length === 0 ? 0 : (times.at(-1) as number) - (times[0] as number);
    const refusals = Object.values(stats?.refused ?? {});
    const refused = refusals.reduce((a, b) => a + b, 0);
    return {
      reports,
      gateway429: refused,
      arrived: stats?.arrived ?? 0,
      admitted: stats?.admitted ?? 0,
      maxInAnyWindow: maxInAnyWindow(times, plan.windowMs),
      gatewayMaxInAnyWindow: stats?.maxAdmittedInAnyWindow ?? 0,
      maxInFlight: stats?.maxInFlight ?? 0,
      utilization: (stats?.admitted ?? 0) / (plan.rpm * (1 + span / plan.windowMs)),
      exits,
    };
  } finally {
    await admin.close();
    if (gateway === undefined) await own.close();
  }
}

/** One line of figures, for the test log and the benchmark. */
export function describeRun(name: string, plan: FourPlan, r: FourResult): string {
  const lapses = r.reports.reduce((a, x) => a + Math.max(0, x.lapses), 0);
  const unavailable = r.reports.reduce((a, x) => a + x.unavailable, 0);
  return `${name}: admitted ${r.admitted}, gateway 429s ${r.gateway429}, most in any window ` +
    `${r.gatewayMaxInAnyWindow} (tier ${plan.rpm}), utilization ` +
    `${(r.utilization * 100).toFixed(1)} %, lapsed grants ${lapses}, unavailable ${unavailable}`;
}
