import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The local gateway in a process of its own, so that it does not share the client's core. */
export interface GatewayProcess {
  url: string;
  masterKey: string;
  stop(): Promise<void>;
}

const CLI = fileURLToPath(new URL('../../src/gateway/cli.ts', import.meta.url));

export async function startGatewayProcess(args: string[] = []): Promise<GatewayProcess> {
  const masterKey = `sk-bench-master-${process.pid}`;
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--master-key', masterKey, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (part: Buffer) => {
      text += part.toString();
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`gateway exited early (${code})`)));
  });
  return { url, masterKey, stop: () => stop(child) };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
