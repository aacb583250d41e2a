// In-process runs of the CLI against the local gateway, with captured output.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { main } from '../../src/cli/program';
import type { CliIo } from '../../src/cli/io';
import { startGateway, type RunningGateway, type StartGatewayOptions } from '../../src/gateway';
import { TierClient } from '../../src/index';

/** What one in-process run printed and how it ended. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** An io whose streams are strings, reading the gateway from the environment. */
export function captureIo(env: Record<string, string>, signal?: AbortSignal) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    signal,
  };
  return { io, out: () => stdout, err: () => stderr };
}

/** A local gateway for the whole test file, fresh state per file. */
export function useGateway(options: StartGatewayOptions = {}) {
  const box: { gateway: RunningGateway | undefined } = { gateway: undefined };
  beforeAll(async () => {
    box.gateway = await startGateway(options);
  });
  afterAll(async () => {
    await box.gateway?.close();
  });
  const get = (): RunningGateway => {
    if (!box.gateway) throw new Error('the gateway has not started');
    return box.gateway;
  };
  return {
    get gateway() {
      return get();
    },
    env: (): Record<string, string> => ({
      LITELLM_BASE_URL: get().url,
      LITELLM_MASTER_KEY: get().masterKey,
    }),
    /** Runs `litellm-tiers <argv>` in this process. */
    run: async (argv: string[], signal?: AbortSignal): Promise<RunResult> => {
      const { io, out, err } = captureIo(
        { LITELLM_BASE_URL: get().url, LITELLM_MASTER_KEY: get().masterKey },
        signal,
      );
      const code = await main(argv, io);
      return { code, stdout: out(), stderr: err() };
    },
    /** A master-key client to check what the gateway holds. */
    client: (): TierClient =>
      new TierClient({ baseUrl: get().url, apiKey: get().masterKey, maxRetries: 0 }),
  };
}

/** A fresh directory per test, removed after it. */
export function useTempDir() {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'litellm-tiers-'));
    dirs.push(dir);
    return dir;
  };
}

/** The JSON lines of a keys file. */
export async function readKeyLines(path: string): Promise<Array<Record<string, string>>> {
  const text = await readFile(path, 'utf8');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, string>);
}

/** Every key on the gateway whose alias starts with `prefix`, as full rows. */
export async function gatewayKeys(client: TierClient, prefix: string) {
  const rows = [];
  for await (const row of client.listKeys({ fullObjects: true })) {
    if (row.key_alias?.startsWith(prefix)) rows.push(row);
  }
  return rows;
}
