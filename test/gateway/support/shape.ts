/**
 * Compares answers with recordings by shape: field names and JSON types, recursively.
 * Values (ids, times, hashes, counts) may differ; header values are not compared at all.
 */

type JsonType = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean';

function typeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonType;
}

function arrayDiffs(recorded: unknown[], actual: unknown[], at: string): string[] {
  if (recorded.length === 0 || actual.length === 0) {
    return recorded.length === actual.length
      ? []
      : [`${at}: recorded ${recorded.length} items, got ${actual.length}`];
  }
  // Arrays of rows: every answered item must have the shape of some recorded item.
  for (const [index, item] of actual.entries()) {
    const fits = recorded.some((r) => shapeDiffs(r, item).length === 0);
    if (!fits) return shapeDiffs(recorded[0], item, `${at}[${index}]`);
  }
  return [];
}

export function shapeDiffs(recorded: unknown, actual: unknown, at = '$'): string[] {
  const want = typeOf(recorded);
  const got = typeOf(actual);
  if (want !== got) return [`${at}: recorded ${want}, got ${got}`];
  if (want === 'array') return arrayDiffs(recorded as unknown[], actual as unknown[], at);
  if (want !== 'object') return [];

  const r = recorded as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const diffs: string[] = [];
  for (const name of Object.keys(r)) if (!(name in a)) diffs.push(`${at}.${name}: missing`);
  for (const name of Object.keys(a)) if (!(name in r)) diffs.push(`${at}.${name}: not recorded`);
  for (const name of Object.keys(r)) {
    if (name in a) diffs.push(...shapeDiffs(r[name], a[name], `${at}.${name}`));
  }
  return diffs;
}

/** Headers every HTTP stack sets its own way. */
const TRANSPORT = new Set([
  'date',
  'server',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);

export function headerNameDiffs(
  recorded: Record<string, string>,
  actual: Record<string, string>,
): string[] {
  const want = new Set(
    Object.keys(recorded)
      .map((n) => n.toLowerCase())
      .filter((n) => !TRANSPORT.has(n)),
  );
  const got = new Set(
    Object.keys(actual)
      .map((n) => n.toLowerCase())
      .filter((n) => !TRANSPORT.has(n)),
  );
  const diffs: string[] = [];
  for (const name of want) if (!got.has(name)) diffs.push(`header ${name}: missing`);
  for (const name of got) if (!want.has(name)) diffs.push(`header ${name}: not recorded`);
  return diffs;
}

/** An SSE body as its list of `data:` payloads, JSON-parsed where possible. */
export function sseFrames(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length))
    .map((data) => (data === '[DONE]' ? data : (JSON.parse(data) as unknown)));
}

/** A stream is compared frame by frame, in order: same count, same shapes, same [DONE]. */
function frameDiffs(recorded: unknown[], actual: unknown[]): string[] {
  if (recorded.length !== actual.length)
    return [`sse: recorded ${recorded.length} frames, got ${actual.length}`];
  return recorded.flatMap((frame, i) =>
    frame === '[DONE]' || actual[i] === '[DONE]'
      ? frame === actual[i]
        ? []
        : [`sse[${i}]: [DONE] out of place`]
      : shapeDiffs(frame, actual[i], `sse[${i}]`),
  );
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Every way an answer differs from a recording: status, header names, body shape. */
export function answerDiffs(recorded: Answer, actual: Answer): string[] {
  const diffs: string[] = [];
  if (recorded.status !== actual.status)
    diffs.push(`status: recorded ${recorded.status}, got ${actual.status}`);
  diffs.push(...headerNameDiffs(recorded.headers, actual.headers));
  const isSse = (recorded.headers['content-type'] ?? '').startsWith('text/event-stream');
  if (isSse && typeof recorded.body === 'string' && typeof actual.body === 'string') {
    diffs.push(...frameDiffs(sseFrames(recorded.body), sseFrames(actual.body)));
  } else if (typeof recorded.body === 'string') {
    if (recorded.body !== actual.body)
      diffs.push(`text body: recorded ${JSON.stringify(recorded.body)}`);
  } else {
    diffs.push(...shapeDiffs(recorded.body, actual.body, 'body'));
  }
  return diffs;
}
