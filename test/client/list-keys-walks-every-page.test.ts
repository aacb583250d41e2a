// listKeys walks every page of /key/list, as hashes or as full rows.
//
// Recordings replayed (../shared/litellm/wire): key-list.ok (hashes) and
// key-list-full-object.ok (rows, paginated), as a gateway holding five keys serves them in
// pages of two: the recorded hashes and rows, with fresh ones added to make a third page.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newClient, useGateway } from './harness';
import { answering, recordedBody, replay } from './wire';

const server = useGateway();

type KeyRow = { token: string; key_name: string } & Record<string, unknown>;

const hashes = [
  ...recordedBody<{ keys: string[] }>('key-list.ok.json').keys,
  createHash('sha256').update('sk-a-fifth-key-0005').digest('hex'),
];
const recordedRows = recordedBody<{ keys: KeyRow[] }>('key-list-full-object.ok.json').keys;
const rows: KeyRow[] = hashes.map((token, i) => ({
  ...(recordedRows[i % recordedRows.length] as KeyRow),
  token,
  key_name: `sk-...000${i}`,
}));

/** /key/list over five keys; answers as the recordings do, page by page. */
function keyList(options: { lie?: number } = {}) {
  return answering('get', '/key/list', (request) => {
    const query = new URL(request.url).searchParams;
    const page = Number(query.get('page') ?? 1);
    const size = Number(query.get('size') ?? 10);
    const full = query.get('return_full_object') === 'true';
    const all = full ? rows : hashes;
    const keys = all.slice((page - 1) * size, page * size);
    const total_pages = options.lie ?? Math.ceil(all.length / size);
    const file = full ? 'key-list-full-object.ok.json' : 'key-list.ok.json';
    return replay(file, {
      body: { keys, total_count: all.length, current_page: page, total_pages },
    });
  });
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('listKeys', () => {
  it('yields every hash across three pages', async () => {
    const route = keyList();
    server.use(route.handler);

    const keys = await all(newClient().listKeys({ pageSize: 2 }));

    expect(keys).toEqual(hashes);
    expect(route.count).toBe(3);
    const pages = route.requests.map((r) => Object.fromEntries(new URL(r.url).searchParams));
    expect(pages).toEqual([
      { page: '1', size: '2' },
      { page: '2', size: '2' },
      { page: '3', size: '2' },
    ]);
  });

  it('yields every full row across three pages with fullObjects', async () => {
    const route = keyList();
    server.use(route.handler);

    const keys = await all(newClient().listKeys({ pageSize: 2, fullObjects: true }));

    expect(keys).toEqual(rows);
    expect(keys.map((row) => row.token)).toEqual(hashes);
    expect(route.count).toBe(3);
    for (const request of route.requests) {
      expect(new URL(request.url).searchParams.get('return_full_object')).toBe('true');
    }
  });

  it('asks for pages of 100 by default and filters by alias when asked', async () => {
    const route = keyList();
    server.use(route.handler);
    expect(await all(newClient().listKeys({ keyAlias: 'wire-alias-1' }))).toEqual(hashes);
    expect(route.count).toBe(1);
    const query = Object.fromEntries(new URL(route.requests[0]?.url ?? '').searchParams);
    expect(query).toEqual({ page: '1', size: '100', key_alias: 'wire-alias-1' });
  });

  it('stops at an empty page even when total_pages promises more', async () => {
    const route = keyList({ lie: 50 });
    server.use(route.handler);
    expect(await all(newClient().listKeys({ pageSize: 2 }))).toEqual(hashes);
    expect(route.count).toBe(4);
  });

  it('sends nothing until iterated, and no more once the loop stops', async () => {
    const route = keyList();
    server.use(route.handler);
    const iterable = newClient().listKeys({ pageSize: 2 });
    expect(route.count).toBe(0);
    for await (const key of iterable) {
      expect(key).toBe(hashes[0]);
      break;
    }
    expect(route.count).toBe(1);
  });
});
