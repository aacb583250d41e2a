import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { ROOT } from './node-process';

/** What `npm pack` would put in the tarball. */
async function packedFiles(): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    'npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, timeout: 60_000 });
  const [report] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  return report.files.map((file) => file.path).sort();
}

it('ships every built entry, its declarations and the CLI, and no sources or tests', async () => {
  const files = await packedFiles();
  expect(files).toEqual(expect.arrayContaining([
    'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts',
    'dist/browser/index.js',
    'dist/testing.js', 'dist/testing.cjs', 'dist/testing.d.ts', 'dist/testing.d.cts',
    'dist/testing-msw.js', 'dist/testing-msw.cjs', 'dist/testing-msw.d.ts',
    'dist/testing-msw.d.cts', 'dist/cli.js', 'package.json', 'LICENSE',
  ]));
  expect(files.filter((file) => /^(src|test|bench|node_modules)\//.test(file))).toEqual([]);
}, 60_000);
