import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A Node child running a TypeScript file through tsx, its stdout read line by line. */
export interface Child {
  process: ChildProcess;
  /** Resolves with the first stdout line that `match` accepts. */
  line(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (null when killed) and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** Writes a line to its stdin. */
  say(text: string): void;
}

export function startChild(file: string, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let pending = '';
  let errors = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    const parts = (pending + text).split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    errors += text;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const wake of waiters.splice(0)) wake();
      resolve({ code, signal });
    }),
  );
  const line = (match: (line: string) => boolean, timeoutMs = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        const why = `no matching line from ${file} within ${timeoutMs} ms`;
        reject(new Error(`${why}; stderr: ${errors}`));
      }, timeoutMs);
      const look = () => {
        const found = lines.find(match);
        if (found !== undefined) {
          clearTimeout(timer);
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer);
          const how = child.exitCode ?? child.signalCode;
          reject(new Error(`${file} exited (${how}); stderr: ${errors}`));
        } else waiters.push(look);
      };
      look();
    });
  const say = (text: string) => {
    child.stdin?.write(`${text}\n`);
  };
  return { process: child, line, exited, stderr: () => errors, say };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
