import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GatewayStats, StartGatewayOptions } from '../../src/gateway/index';

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

/** A gateway process whose counters can be read (`stats()`), for accuracy benchmarks. */
export interface StatsGateway extends GatewayProcess {
  stats(): Promise<GatewayStats>;
}

type ChildMessage =
  | { type: 'ready'; url: string; masterKey: string }
  | { type: 'stats'; id: number; stats: GatewayStats };

type Waiter = { resolve(stats: GatewayStats): void; reject(error: Error): void };

const CHILD = fileURLToPath(new URL('./gateway-child.ts', import.meta.url));

/** Starts the gateway with `options` (e.g. `{ windowMs: 2000 }`) in a child with IPC. */
export async function startStatsGateway(options: StartGatewayOptions = {}): Promise<StatsGateway> {
  const child = fork(CHILD, [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, Waiter>();
  let next = 0;
  const ready = new Promise<{ url: string; masterKey: string }>((resolve, reject) => {
    child.once('exit', (code) => {
      const error = new Error(`gateway process exited (${code})`);
      for (const waiter of waiting.values()) waiter.reject(error);
      reject(error);
    });
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') return resolve(message);
      waiting.get(message.id)?.resolve(message.stats);
      waiting.delete(message.id);
    });
  });
  const { url, masterKey } = await ready;
  const stats = () => new Promise<GatewayStats>((resolve, reject) => {
    if (!child.connected) return reject(new Error('gateway process is gone'));
    next += 1;
    waiting.set(next, { resolve, reject });
    child.send({ type: 'stats', id: next });
  });
  return { url, masterKey, stats, stop: () => stop(child) };
}
