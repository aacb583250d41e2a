// Shared by the spec tests: where the repo, the spec and the wire recordings are, and how to
// find the schema the spec gives one recorded answer.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { RefResolver, Schema } from './json-schema-subset';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const specPath = path.join(repoRoot, 'openapi/litellm-tiers.yaml');
// CI checks the shared folder out beside the clone, as on the dev machine.
export const wireDir = path.resolve(repoRoot, '../shared/litellm/wire');

type Json = Record<string, unknown>;

export interface Spec {
  paths: Record<string, Record<string, Json>>;
  components: Record<string, Record<string, Json>>;
}

export function loadSpec(): Spec {
  return parse(readFileSync(specPath, 'utf8')) as Spec;
}

/** Follows `#/a/b/c` pointers inside the spec. */
export function resolverFor(spec: Spec): RefResolver {
  return (ref) => {
    if (!ref.startsWith('#/')) throw new Error(`only local $ref is supported, got ${ref}`);
    let node: unknown = spec;
    for (const part of ref.slice(2).split('/')) {
      node = (node as Json | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
    }
    if (node === undefined) throw new Error(`$ref ${ref} points at nothing`);
    return node as Schema;
  };
}

export interface Exchange {
  file: string;
  method: string;
  path: string;
  requestBody: unknown;
  status: number;
  mediaType: string;
  body: unknown;
}

/** Every recorded exchange; the path loses its query string, the media type its charset. */
export function loadWire(): Exchange[] {
  const files = readdirSync(wireDir).filter((f) => f.endsWith('.json')).sort();
  return files.map((file) => {
    const raw = JSON.parse(readFileSync(path.join(wireDir, file), 'utf8')) as {
      request: { method: string; path: string; body: unknown };
      response: { status: number; headers: Record<string, string>; body: unknown };
    };
    const contentType = raw.response.headers['content-type'] ?? '';
    return {
      file,
      method: raw.request.method.toLowerCase(),
      path: raw.request.path.split('?')[0] ?? raw.request.path,
      requestBody: raw.request.body,
      status: raw.response.status,
      mediaType: contentType.split(';')[0]?.trim() ?? '',
      body: raw.response.body,
    };
  });
}

/** The operation the spec defines for a recorded call, if any. */
export function operationFor(spec: Spec, exchange: Exchange): Json | undefined {
  return spec.paths[exchange.path]?.[exchange.method] as Json | undefined;
}

/** The schema the spec declares for this answer's status and media type. */
export function responseSchemaFor(spec: Spec, exchange: Exchange): Schema | undefined {
  const responses = operationFor(spec, exchange)?.responses as Json | undefined;
  let response = responses?.[String(exchange.status)] as Json | undefined;
  if (typeof response?.$ref === 'string') response = resolverFor(spec)(response.$ref) as Json;
  const content = response?.content as Record<string, { schema?: Schema }> | undefined;
  return content?.[exchange.mediaType]?.schema;
}

/** The JSON request-body schema of the operation behind a recorded call. */
export function requestSchemaFor(spec: Spec, exchange: Exchange): Schema | undefined {
  const body = operationFor(spec, exchange)?.requestBody as Json | undefined;
  const content = body?.content as Record<string, { schema?: Schema }> | undefined;
  return content?.['application/json']?.schema;
}

/** The JSON payloads of an SSE body's `data:` frames, without the closing [DONE]. */
export function sseFrames(body: string): unknown[] {
  return body
    .split('\n\n')
    .map((frame) => frame.trim())
    .filter((frame) => frame.startsWith('data: ') && frame !== 'data: [DONE]')
    .map((frame) => JSON.parse(frame.slice('data: '.length)) as unknown);
}
