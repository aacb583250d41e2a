import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { ROOT, runNode } from './node-process';

const ATTW = join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js');
const packDir = mkdtempSync(join(tmpdir(), 'ltc-attw-'));

interface AttwReport {
  analysis: { entrypoints: Record<string, unknown> };
  problems: Record<string, unknown> | unknown[];
}

/** Packs the package into a scratch folder (never the repository) and returns the tarball. */
async function pack(): Promise<string> {
  const { stdout } = await promisify(execFile)(
    'npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir],
    { cwd: ROOT, timeout: 60_000 });
  const [report] = JSON.parse(stdout) as [{ filename: string }];
  return join(packDir, report.filename);
}

afterAll(() => rmSync(packDir, { recursive: true, force: true }));

it('passes arethetypeswrong on the packed tarball under the strict profile', async () => {
  const run = await runNode([ATTW, await pack(), '--format', 'json'], 60_000);
  const report = JSON.parse(run.stdout) as AttwReport;
  expect(Object.keys(report.analysis.entrypoints).sort())
    .toEqual(['.', './package.json', './testing', './testing/msw']);
  expect(report.problems).toSatisfy((problems: object) => Object.keys(problems).length === 0);
  expect(run.code).toBe(0);
}, 60_000);
