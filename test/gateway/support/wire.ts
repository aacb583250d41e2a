import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The recordings of a real LiteLLM 1.80.7 proxy, shared by every session of the project. */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const WIRE_DIR = path.resolve(repoRoot, '../shared/litellm/wire');

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface SequenceEntry {
  i?: number;
  who?: string;
  phase?: string;
  t_rel_ms: number;
  status: number;
  headers?: Record<string, string> | null;
}

export interface Recording {
  name: string;
  request: RecordedRequest;
  response: RecordedResponse;
  note: string;
  sequence?: SequenceEntry[];
  first_success?: { request: RecordedRequest; response: RecordedResponse };
  proxy_env?: Record<string, string>;
}

export function loadRecordings(): Recording[] {
  return readdirSync(WIRE_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const data = JSON.parse(readFileSync(path.join(WIRE_DIR, file), 'utf8')) as Omit<
        Recording,
        'name'
      >;
      return { ...data, name: file.replace(/\.json$/, '') };
    });
}

/** The recorded proxy's window in seconds (`-win10` files ran with 10). */
export function recordedWindowSeconds(recording: Recording): number {
  return Number(recording.proxy_env?.LITELLM_RATE_LIMIT_WINDOW_SIZE ?? 60);
}
