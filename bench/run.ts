/**
 * `npm run bench`: every benchmark in bench/ in turn, each in a process of its own (its
 * markdown section on stdout, progress on stderr), then bench/RESULTS.md: the machine, Node,
 * the commit, the load on the shared machine, and each section. About 8 minutes on 2 cores.
 *
 *   npm run bench                              every bench
 *   npm run bench -- --only accuracy,scale     only these; their sections replace the old ones
 *
 * Knobs (environment): BENCH_ROUNDS, BENCH_SECONDS (overhead); BENCH_LIMITER_ROUNDS;
 * BENCH_ACCURACY_ROUNDS, _RPM, _WINDOW_MS; BENCH_SCALE_ROUNDS, _KEYS; BENCH_CLI_ROUNDS, _KEYS;
 * BENCH_TIMEOUT_S (per bench, default 600).
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { maskSecrets } from '../src/index';
import { envNumber } from './support/env';
import { load, machineLines } from './support/machine';
import { readSections, wrapSection } from './support/results-file';

const DIR = fileURLToPath(new URL('./', import.meta.url));
const RESULTS = new URL('./RESULTS.md', import.meta.url);
/** The order sections appear in; a bench not listed here runs after these. */
const ORDER = ['overhead', 'limiter-speed', 'accuracy', 'scale', 'cli-provision', 'redis-shared',
  'bundle-size'];
/** Files in bench/ that are not run, and why. */
const SKIPPED: Record<string, string> = {};
const TIMEOUT_S = envNumber('BENCH_TIMEOUT_S', 600);

interface Ran {
  name: string;
  ok: boolean;
  markdown: string;
  seconds: number;
  at: string;
  loadBefore: string;
  loadAfter: string;
}

/** Every `bench/*.ts` but this runner, child scripts and skipped files, in ORDER. */
async function discover(): Promise<string[]> {
  const names = (await readdir(DIR))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('-child.ts') && f !== 'run.ts')
    .map((f) => f.slice(0, -'.ts'.length))
    .filter((name) => !(name in SKIPPED));
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function selected(all: string[], only: string | undefined): string[] {
  if (only === undefined) return all;
  const wanted = only.split(',').map((name) => name.trim().replace(/\.ts$/, ''));
  const unknown = wanted.filter((name) => !all.includes(name));
  if (unknown.length) {
    throw new TypeError(`--only: no bench named ${unknown.join(', ')}; have ${all.join(', ')}`);
  }
  return all.filter((name) => wanted.includes(name));
}

/** Runs `bench/<name>.ts` alone; its stderr goes on to ours, prefixed with its name. */
function runBench(name: string): Promise<Ran> {
  const at = new Date().toISOString();
  const loadBefore = load();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', `${DIR}${name}.ts`],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const errors: string[] = [];
  child.stdout.on('data', (part: Buffer) => (stdout += part.toString()));
  child.stderr.on('data', (part: Buffer) => {
    const text = part.toString();
    errors.push(...text.split('\n').filter(Boolean));
    process.stderr.write(text.replace(/^(?=.)/gm, `[${name}] `));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_S * 1000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const ok = code === 0 && stdout.trim() !== '';
      const killed = signal === 'SIGKILL';
      const why = killed ? `timed out after ${TIMEOUT_S} s` : `exit ${code ?? signal}`;
      const markdown = ok ? stdout : failure(name, why, errors);
      resolve({ name, ok, markdown, seconds, at, loadBefore, loadAfter: load() });
    });
  });
}

function failure(name: string, why: string, errors: string[]): string {
  const tail = maskSecrets(errors.slice(-15).join('\n'));
  return `## ${name}: FAILED (${why})\n\nLast lines of its stderr:\n\n\`\`\`\n${tail}\n\`\`\``;
}

function section(ran: Ran): string {
  return wrapSection(ran.name, `${ran.markdown.trim()}\n\n_bench/${ran.name}.ts, run ${ran.at} ` +
    `in ${ran.seconds.toFixed(0)} s; load average (1/5/15 min) before ${ran.loadBefore}, ` +
    `after ${ran.loadAfter}._`);
}

function header(ran: Ran[], all: string[], only: boolean, seconds: number): string {
  const knobs = Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_'));
  return [
    '# Benchmark results', '',
    'Written by `npm run bench` (bench/run.ts); do not edit by hand. Each figure is a ratio to ' +
      'a baseline measured in the same run, with its spread (min–max) over repeated rounds; ' +
      'calls/s, bytes and seconds are shown for scale only: this is a shared 2-core machine.',
    '',
    `Last run: ${new Date().toISOString()}, ${only ? `only ${ran.map((r) => r.name).join(', ')}` :
      'every bench'}, ${(seconds / 60).toFixed(1)} min; knobs: ` +
      `${knobs.length ? knobs.map(([k, v]) => `${k}=${v}`).join(' ') : 'defaults'}.`,
    '', ...machineLines(), '',
    '| bench | status | seconds |', '|---|---|---:|',
    ...ran.map((r) => `| ${r.name} | ${r.ok ? 'ok' : '**failed**'} | ${r.seconds.toFixed(0)} |`),
    '',
    `Benches: ${all.join(', ')}.` + skippedNote(),
  ].join('\n');
}

function skippedNote(): string {
  const skipped = Object.entries(SKIPPED).map(([n, why]) => `${n}.ts (${why})`);
  return skipped.length ? ` Not run: ${skipped.join('; ')}.` : '';
}

async function previous(): Promise<Map<string, string>> {
  try {
    return readSections(await readFile(RESULTS, 'utf8'));
  } catch {
    return new Map();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const all = await discover();
  const names = selected(all, values.only);
  const started = performance.now();
  const ran: Ran[] = [];
  for (const name of names) {
    process.stderr.write(`bench: ${name} (load ${load()})\n`);
    ran.push(await runBench(name));
  }
  const sections = values.only === undefined ? new Map<string, string>() : await previous();
  for (const r of ran) sections.set(r.name, section(r));
  const ordered = all.filter((name) => sections.has(name)).map((name) => sections.get(name));
  const seconds = (performance.now() - started) / 1000;
  const text = [header(ran, all, values.only !== undefined, seconds), ...ordered].join('\n\n');
  await writeFile(RESULTS, `${text}\n`);
  process.stderr.write(`bench: wrote bench/RESULTS.md in ${(seconds / 60).toFixed(1)} min\n`);
  if (ran.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
