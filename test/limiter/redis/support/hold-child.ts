/**
 * A process that takes grants on a shared key and holds them in flight, never settling, until
 * the parent kills or freezes it. argv: a JSON object {url, apiKey, rpm, parallel, count}.
 * Prints 'held' once it holds them; on 'settle' from stdin it settles them all and prints
 * 'settled'.
 */
import { SharedLimiter } from '../../../../src/limiter/shared';
import { tierLimits } from '../../../../src/limiter/limits';

const plan = JSON.parse(process.argv[2] ?? '{}') as {
  url: string; apiKey: string; rpm: number; parallel: number | null; count: number;
};
const limiter = new SharedLimiter(
  tierLimits({ rpm_limit: plan.rpm, max_parallel_requests: plan.parallel }),
  { windowMs: 600 },
  { redis: plan.url, apiKey: plan.apiKey },
);
const grants: Array<{ settle(outcome: { sent: boolean }): void }> = [];
for (let i = 0; i < plan.count; i += 1) grants.push(await limiter.acquire({ tokens: 1 }));
process.stdout.write('held\n');
process.stdin.on('data', (text) => {
  if (!String(text).includes('settle')) return;
  for (const grant of grants) grant.settle({ sent: true });
  process.stdout.write('settled\n');
});
