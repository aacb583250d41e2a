/**
 * Scale: what 10,000 idle per-key clients cost in memory, and proof that idle clients keep no
 * timer alive. Each population is built in a fresh `node --expose-gc` process
 * (support/scale-child.ts): heap after GC, minus the heap before, divided by the count. Keys
 * are real ones on a realistic tier of the local gateway (in this process); "after one call"
 * clients have each made one chat call over HTTP and still hold their window's slot (60 s
 * window), which is the state an app's idle clients are in. Every child closes nothing and
 * must exit by itself; when one does not, what keeps it alive is reported.
 *
 *   npx tsx bench/scale.ts   (BENCH_SCALE_ROUNDS, BENCH_SCALE_KEYS)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway, type RunningGateway } from '../src/gateway/index';
import { TierClient, type GeneratedKey } from '../src/index';
import { envNumber } from './support/env';
import { runIfMain } from './support/main';
import { spread } from './support/measure';
import type { Kind } from './support/scale-child';

const ROUNDS = envNumber('BENCH_SCALE_ROUNDS', 3);
const KEYS = envNumber('BENCH_SCALE_KEYS', 10_000);
/** How long a child may take to exit by itself once its population is idle. */
const EXIT_DEADLINE_MS = 10_000;
const CHILD = fileURLToPath(new URL('./support/scale-child.ts', import.meta.url));
const TIER = {
  rpm_limit: 600, tpm_limit: 1_000_000, max_parallel_requests: 8,
  max_budget: 100, soft_budget: 80, budget_duration: '30d',
};
const KINDS: { kind: Kind; name: string }[] = [
  { kind: 'bottleneck', name: 'bare Bottleneck (maxConcurrent + reservoir)' },
  { kind: 'untiered', name: 'TierClient without a tier' },
  { kind: 'tiered', name: 'TierClient with a tier (admin.withKey)' },
  { kind: 'used', name: 'TierClient with a tier, after one call each' },
];

interface ChildResult {
  bytesPerClient: number;
  callsMs: number;
  resources: Record<string, number>;
  /** Milliseconds from the idle report to exit, or null if it had not exited by the deadline. */
  exitMs: number | null;
  alive: Record<string, number> | null;
}

async function makeKeys(gateway: RunningGateway): Promise<GeneratedKey[]> {
  const admin = new TierClient({ baseUrl: gateway.url, apiKey: gateway.masterKey });
  await admin.createBudget({ budget_id: 'bench-scale', ...TIER });
  const keys: GeneratedKey[] = [];
  const maker = async () => {
    while (keys.length < KEYS) {
      keys.push(await admin.generateKey({ budget_id: 'bench-scale' }));
    }
  };
  await Promise.all(Array.from({ length: 16 }, maker));
  await admin.close();
  return keys.slice(0, KEYS);
}

function lineOf(stdout: string, tag: string): unknown {
  const line = stdout.split('\n').find((l) => l.startsWith(`${tag} `));
  return line === undefined ? null : JSON.parse(line.slice(tag.length + 1));
}

function runChild(kind: Kind, keysFile: string, url: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, kind,
      keysFile, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let idleAt = 0;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    child.stdout.on('data', (part: Buffer) => {
      stdout += part.toString();
      if (idleAt !== 0 || !stdout.includes('SCALE ')) return;
      idleAt = performance.now();
      deadline = setTimeout(() => child.kill('SIGKILL'), EXIT_DEADLINE_MS);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      const result = lineOf(stdout, 'SCALE') as Omit<ChildResult, 'exitMs' | 'alive'> | null;
      if (result === null) return reject(new Error(`${kind} child failed (${code ?? signal})`));
      const exited = signal === null && code === 0;
      const alive = (lineOf(stdout, 'ALIVE') as { resources: Record<string, number> } | null);
      resolve({ ...result, exitMs: exited ? performance.now() - idleAt : null,
        alive: alive?.resources ?? null });
    });
  });
}

async function measure(keysFile: string, url: string): Promise<Map<Kind, ChildResult[]>> {
  const results = new Map<Kind, ChildResult[]>(KINDS.map((k) => [k.kind, []]));
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const { kind } of KINDS) results.get(kind)?.push(await runChild(kind, keysFile, url));
    process.stderr.write(`scale: round ${round}/${ROUNDS} done\n`);
  }
  return results;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

function memoryRows(results: Map<Kind, ChildResult[]>): string[] {
  const med = (kind: Kind) => spread((results.get(kind) ?? []).map((r) => r.bytesPerClient));
  const bare = med('bottleneck').median;
  const untiered = med('untiered').median;
  return KINDS.map(({ kind, name }) => {
    const s = med(kind);
    return `| ${name} | ${kb(s.median)} (${kb(s.min)}–${kb(s.max)}) | ` +
      `${(s.median / untiered).toFixed(2)}× | ${(s.median / bare).toFixed(2)}× |`;
  });
}

function describeResources(counts: Record<string, number> | null): string {
  if (counts === null) return '—';
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([t, n]) => `${t} ×${n}`).join(', ');
}

function exitRows(results: Map<Kind, ChildResult[]>): string[] {
  return KINDS.map(({ kind, name }) => {
    const runs = results.get(kind) ?? [];
    const exits = runs.map((r) => r.exitMs).filter((ms): ms is number => ms !== null);
    const stuck = runs.find((r) => r.exitMs === null);
    const times = exits.length ? exits.map((ms) => ms.toFixed(0)).join(', ') + ' ms' : '—';
    return `| ${name} | ${exits.length}/${runs.length} | ${times} | ` +
      `${describeResources(runs[0]?.resources ?? null)} | ` +
      `${describeResources(stuck?.alive ?? null)} |`;
  });
}

function verdict(results: Map<Kind, ChildResult[]>): string {
  const used = results.get('used') ?? [];
  const all = used.every((r) => r.exitMs !== null);
  return `- Idle tiered clients after one call each exit by themselves within ` +
    `${EXIT_DEADLINE_MS / 1000} s (their 60 s window still open): **${all ? 'yes' : 'NO'}** ` +
    `(${used.filter((r) => r.exitMs !== null).length}/${used.length} runs).`;
}

export default async function scale(): Promise<string> {
  const gateway = await startGateway();
  const dir = await mkdtemp(join(tmpdir(), 'bench-scale-'));
  try {
    const keysFile = join(dir, 'keys.json');
    await writeFile(keysFile, JSON.stringify(await makeKeys(gateway)));
    const results = await measure(keysFile, gateway.url);
    return [
      `## Scale: ${KEYS.toLocaleString('en')} idle per-key clients`, '',
      `${KEYS} clients per process, ${ROUNDS} fresh processes per kind; heap after GC per ` +
        `client, median (min–max). Tier: ${JSON.stringify(TIER)}.`, '',
      '| population | heap per client | vs TierClient without a tier | vs bare Bottleneck |',
      '|---|---:|---:|---:|',
      ...memoryRows(results), '',
      '| population | exited by itself | time from idle to exit | what held the loop when ' +
        'idle began | what held it 3 s later (if still alive) |',
      '|---|---:|---|---|---|',
      ...exitRows(results), '', verdict(results),
    ].join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
    await gateway.close();
  }
}

runIfMain(import.meta.url, scale);
