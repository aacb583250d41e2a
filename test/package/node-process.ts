import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where `dist/` and `package.json` live. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a script in a fresh `node` from the repository root, so that `litellm-tier-client`
 * resolves through the package's own `exports`, as it does for an installed copy.
 */
export function runNode(args: string[], timeoutMs = 15_000): Promise<NodeRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, timeout: timeoutMs, env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The package's entry points as a user names them. */
export const ENTRIES = [
  'litellm-tier-client',
  'litellm-tier-client/testing',
  'litellm-tier-client/testing/msw',
] as const;
