// `npx tsx bench/cli-provision.ts [count]` (or BENCH_CLI_KEYS; BENCH_CLI_ROUNDS): provisions
// keys with `litellm-tiers keys create`
// against the local gateway and prints keys per second and peak RSS as a markdown table,
// next to a baseline from the same run: a bare fetch loop (what a curl script does) at the
// same concurrency, with no keys file, no fsync and no exactly-once bookkeeping.
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/program';
import { startGateway, type RunningGateway } from '../src/gateway';
import { envNumber } from './support/env';
import { runIfMain } from './support/main';
import { spread } from './support/measure';

const COUNT = Number(process.argv[2] ?? envNumber('BENCH_CLI_KEYS', 10_000));
const ROUNDS = envNumber('BENCH_CLI_ROUNDS', 2);
const CONCURRENCY = [8, 32];

interface Measured {
  name: string;
  concurrency: number;
  ms: number;
  maxRssKb: number;
}

// The measured process runs bundled JavaScript, as the published bin does: no TypeScript
// loader in its memory or its start-up. Dependencies stay in node_modules.
const CHILD = join(import.meta.dirname, '.cache', 'cli-provision-child.mjs');

async function bundleChild(): Promise<void> {
  await build({
    entryPoints: [join(import.meta.dirname, 'cli-provision-child.ts')],
    outfile: CHILD,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
}

function runChild(args: string[]): Promise<{ code: number; ms: number; maxRssKb: number }> {
  return new Promise((resolve, reject) => {
    const stdio = ['ignore', 'pipe', 'ignore'] as const;
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: [...stdio] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH '));
      if (!line) return reject(new Error(`no BENCH line in: ${stdout.slice(-500)}`));
      resolve(JSON.parse(line.slice(6)) as { code: number; ms: number; maxRssKb: number });
    });
  });
}

async function setUp(gateway: RunningGateway, dir: string, tiers: string[]): Promise<void> {
  const file = join(dir, 'tiers.yaml');
  const declared = tiers.map((t) => `  - budget_id: ${t}\n    rpm_limit: 60\n`).join('');
  await writeFile(file, `tiers:\n${declared}`);
  const env = { LITELLM_BASE_URL: gateway.url, LITELLM_MASTER_KEY: gateway.masterKey };
  const silent = { write: () => true };
  const code = await main(['apply', file], { stdout: silent, stderr: silent, env });
  if (code !== 0) throw new Error(`apply exited ${code}`);
}

let runs = 0;

/** One run against a fresh gateway, so every run starts from the same empty state. */
async function once(dir: string, mode: 'raw' | 'cli', concurrency: number) {
  const gateway = await startGateway();
  try {
    const tier = `${mode}${concurrency}`;
    await setUp(gateway, dir, [tier]);
    // A file of its own per run: a file from an earlier round would make the CLI resume.
    const out = join(dir, `keys-${tier}-${(runs += 1)}.jsonl`);
    const result = await runChild([mode, gateway.url, gateway.masterKey, tier, String(COUNT),
      out, String(concurrency)]);
    if (result.code !== 0) throw new Error(`${mode} run exited ${result.code}`);
    if (mode === 'cli') await checkFile(out);
    return result;
  } finally {
    await gateway.close();
  }
}

async function measure(dir: string, concurrency: number): Promise<Measured[]> {
  const raw = await once(dir, 'raw', concurrency);
  const cli = await once(dir, 'cli', concurrency);
  return [
    { name: 'fetch loop (baseline)', concurrency, ...raw },
    { name: 'litellm-tiers keys create', concurrency, ...cli },
  ];
}

/** The benchmark counts only if the file holds exactly COUNT distinct keys. */
async function checkFile(path: string): Promise<void> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
  const keys = new Set(lines.map((l) => (JSON.parse(l) as { key: string }).key));
  if (lines.length !== COUNT || keys.size !== COUNT) {
    throw new Error(`${path}: ${lines.length} lines, ${keys.size} distinct keys, want ${COUNT}`);
  }
}

const rate = (row: Measured) => COUNT / (row.ms / 1000);

/** One line per run and concurrency: medians over rounds, min–max of keys/s. */
function table(rows: Measured[]): string {
  const lines = [
    `${COUNT} keys per run; each run in its own process (bundled JS) against a fresh local ` +
      `gateway in the parent; ${ROUNDS} rounds, median (min–max); Node ${process.version}`,
    '',
    '| run | concurrency | seconds | keys/s | peak RSS (MB) | keys/s vs baseline |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  const group = (name: string, concurrency: number) =>
    rows.filter((r) => r.name === name && r.concurrency === concurrency);
  for (const concurrency of CONCURRENCY) {
    const base = spread(group('fetch loop (baseline)', concurrency).map(rate)).median;
    for (const name of ['fetch loop (baseline)', 'litellm-tiers keys create']) {
      const runs = group(name, concurrency);
      const keys = spread(runs.map(rate));
      const seconds = spread(runs.map((r) => r.ms / 1000)).median;
      const rss = spread(runs.map((r) => r.maxRssKb / 1024)).median;
      lines.push(`| ${name} | ${concurrency} | ${seconds.toFixed(1)} | ` +
        `${keys.median.toFixed(0)} (${keys.min.toFixed(0)}–${keys.max.toFixed(0)}) | ` +
        `${rss.toFixed(0)} | ${(keys.median / base).toFixed(2)} |`);
    }
  }
  return lines.join('\n');
}

/** The CLI provisioning section: `keys create` beside a bare fetch loop, same concurrency. */
export default async function cliProvision(): Promise<string> {
  await bundleChild();
  const dir = await mkdtemp(join(tmpdir(), 'cli-bench-'));
  try {
    const rows: Measured[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const concurrency of CONCURRENCY) rows.push(...(await measure(dir, concurrency)));
    }
    return ['## CLI provisioning: `litellm-tiers keys create`', '', table(rows)].join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, cliProvision);
