/**
 * One measured population of idle per-key clients, in a process of its own started with
 * `--expose-gc` by bench/scale.ts: `node --expose-gc --import tsx scale-child.ts <kind>
 * <keys.json> <url>`. Prints `SCALE {…}` once the population is built (and, for `used`, has
 * made one call per client), then closes nothing and lets the event loop run dry: the parent
 * times how long the process takes to exit by itself. If it is still alive 3 s later, an
 * unref'd timer prints `ALIVE {…}` with what keeps it up.
 */
import Bottleneck from 'bottleneck';
import { readFile } from 'node:fs/promises';
import { TierClient, type GeneratedKey } from '../../src/index';

export type Kind = 'bottleneck' | 'untiered' | 'tiered' | 'used';

const [kind = 'tiered', keysFile = '', url = ''] = process.argv.slice(2) as [Kind, string, string];
const BODY = { model: 'fake-gpt', messages: [{ role: 'user' as const, content: 'hello' }] };
const CALLERS = 50;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('scale-child needs node --expose-gc');

function heapAfterGc(): number {
  for (let i = 0; i < 3; i += 1) gc?.();
  return process.memoryUsage().heapUsed;
}

/** What keeps the event loop alive, counted by type (`process.getActiveResourcesInfo()`). */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

function build(keys: GeneratedKey[], admin: TierClient): Promise<unknown[]> {
  if (kind === 'bottleneck') {
    const tier = keys[0]?.litellm_budget_table;
    return Promise.resolve(keys.map(() => new Bottleneck({
      maxConcurrent: Number(tier?.max_parallel_requests ?? 8),
      reservoir: Number(tier?.rpm_limit ?? 600),
    })));
  }
  if (kind === 'untiered') {
    return Promise.resolve(keys.map((k) => new TierClient({ baseUrl: url, apiKey: k.key })));
  }
  return Promise.all(keys.map((k) => admin.withKey(k)));
}

async function oneCallEach(clients: TierClient[]): Promise<void> {
  let next = 0;
  const caller = async () => {
    while (next < clients.length) await clients[next++]?.chatCompletions(BODY);
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
}

const keys = JSON.parse(await readFile(keysFile, 'utf8')) as GeneratedKey[];
const admin = new TierClient({ baseUrl: url, apiKey: 'sk-scale-admin-unused' });
await build(keys.slice(0, 100), admin); // warm-up: load and compile every path first
const before = heapAfterGc();
const population = await build(keys, admin);
const started = performance.now();
if (kind === 'used') await oneCallEach(population as TierClient[]);
const callsMs = performance.now() - started;
const after = heapAfterGc();
const report = {
  kind,
  count: population.length,
  bytesPerClient: (after - before) / population.length,
  callsMs,
  resources: activeResources(),
};
process.stdout.write(`SCALE ${JSON.stringify(report)}\n`);
setTimeout(() => {
  process.stdout.write(`ALIVE ${JSON.stringify({ resources: activeResources() })}\n`);
}, 3000).unref();
