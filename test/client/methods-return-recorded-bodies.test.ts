// Each method sends the request the gateway was recorded answering, and returns the recorded
// body as it came (null included).
//
// Recordings replayed (../shared/litellm/wire): every *.ok, *.null, *.master and *.self
// exchange of the budget, key and chat routes listed in the table below. key-list.ok and
// key-list-full-object.ok are in list-keys-walks-every-page.test.ts. Embeddings have no
// recording: a minimal OpenAI-shaped answer is built here.
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { TierClient } from '../../src/index';
import { newClient, useGateway, VIRTUAL_KEY } from './harness';
import { BASE_URL, loadRecording, recorded, recordedBody } from './wire';

const server = useGateway();

type Json = Record<string, unknown>;
const sent = (file: string) => loadRecording(file).request.body as Json;
const asked = (file: string) => loadRecording(file).request.query.key ?? '';
const hello = (content: string) => ({
  model: 'fake-gpt',
  messages: [{ role: 'user' as const, content }],
});

/** A call per recording, with the recording's own arguments; `added` are fields we choose. */
const table: Array<[string, (c: TierClient) => PromiseLike<unknown>, string[]?]> = [
  ['budget-new.ok.json', (c) => c.createBudget(sent('budget-new.ok.json'))],
  ['budget-new-minimal.ok.json', (c) => c.createBudget(sent('budget-new-minimal.ok.json'))],
  ['budget-new-no-id.ok.json', (c) => c.createBudget({ max_budget: 1.5 }), ['budget_id']],
  ['budget-update.ok.json', (c) => c.updateBudget({ budget_id: 'wire-tier-full',
    rpm_limit: 40, tpm_limit: 2000 })],
  ['budget-update-unknown-id.null.json', (c) => c.updateBudget({
    budget_id: 'wire-does-not-exist', rpm_limit: 1 })],
  ['budget-info.ok.json', (c) => c.getBudgets(['wire-tier-full', 'wire-tier-zero',
    'wire-does-not-exist'])],
  ['budget-info-after-spend.ok.json', (c) => c.getBudgets(['wire-shared-budget'])],
  ['budget-settings.ok.json', (c) => c.getBudgetSettings('wire-tier-full')],
  ['budget-settings-unknown-id.ok.json', (c) => c.getBudgetSettings('wire-does-not-exist')],
  ['budget-list.ok.json', (c) => c.listBudgets()],
  ['budget-delete.ok.json', (c) => c.deleteBudget('wire-tier-to-delete')],
  ['budget-delete-in-use.ok.json', (c) => c.deleteBudget('wire-tier-zero')],
  ['budget-delete-unknown-id.null.json', (c) => c.deleteBudget('wire-tier-to-delete')],
  ['key-generate.ok.json', (c) => c.generateKey({ budget_id: 'wire-tier-full' }), ['key']],
  ['key-generate-client-chosen-key.ok.json', (c) => c.generateKey({
    budget_id: 'wire-extra-2', key: 'sk-wire-chosen-by-client-0001' })],
  ['key-generate-with-key-limits.ok.json', (c) => c.generateKey({ budget_id: 'wire-tier-full',
    rpm_limit: 3, models: ['fake-gpt'], key_alias: 'wire-alias-1', metadata: { tier: 'full' } }),
    ['key']],
  ['key-update.ok.json', (c) => c.updateKey({ key: 'sk-REDACTED-1', budget_id: 'wire-tier-zero' })],
  ['key-info.master.json', (c) => c.getKeyInfo(asked('key-info.master.json'))],
  ['key-info-by-hash.master.json', (c) => c.getKeyInfo(
    '38081b4e5c70dd5a0b4aaef6b1ec6e5b2c3889d0790c3be23f4a9a9e9e2e8a8d')],
  ['key-info-after-update.master.json', (c) => c.getKeyInfo(
    asked('key-info-after-update.master.json'))],
  ['key-info-after-spend.master.json', (c) => c.getKeyInfo(
    asked('key-info-after-spend.master.json'))],
  ['key-info-after-budget-delete.master.json', (c) => c.getKeyInfo(
    asked('key-info-after-budget-delete.master.json'))],
  ['key-info.self.json', (c) => c.getKeyInfo()],
  ['key-delete.ok.json', (c) => c.deleteKey({ keys: ['sk-REDACTED-1'] })],
  ['key-block.ok.json', (c) => c.blockKey('sk-REDACTED-22')],
  ['key-unblock.ok.json', (c) => c.unblockKey('sk-REDACTED-22')],
  ['chat.ok.json', (c) => c.chatCompletions(hello('hello'))],
  ['chat.ok-second.json', (c) => c.chatCompletions(hello('hello again'))],
  ['chat-master-key.ok.json', (c) => c.chatCompletions(hello('hello'))],
  ['chat-key-no-limits.ok.json', (c) => c.chatCompletions(hello('hello'))],
  ['chat-upstream-ratelimit-headers.ok.json', (c) => c.chatCompletions(hello('hello [oai-rl]'))],
];

/** What the recording's request had in its query, whether kept apart or left in the path. */
function recordedQuery(file: string): Record<string, string> {
  const { path, query } = loadRecording(file).request;
  const inPath = Object.fromEntries(new URL(path, BASE_URL).searchParams);
  return { ...inPath, ...query };
}

describe('each method', () => {
  it.each(table)('sends the request of %s and returns its body', async (file, call, added = []) => {
    const route = recorded(file);
    server.use(route.handler);

    const body = await call(newClient({ apiKey: VIRTUAL_KEY }));

    expect(body).toEqual(recordedBody(file));
    expect(route.count).toBe(1);
    const request = route.requests[0] as Request;
    expect(Object.fromEntries(new URL(request.url).searchParams)).toEqual(recordedQuery(file));
    const expected = loadRecording(file).request.body;
    if (expected === null) {
      expect(await request.text()).toBe('');
      return;
    }
    const ours = (await request.json()) as Json;
    for (const field of added) {
      expect(ours[field]).toEqual(expect.any(String));
      delete ours[field];
    }
    expect(ours).toEqual(expected);
  });

  it('returns null, not an error, for an unknown tier on update and delete', async () => {
    server.use(
      recorded('budget-update-unknown-id.null.json').handler,
      recorded('budget-delete-unknown-id.null.json').handler,
    );
    const client = newClient();
    expect(await client.updateBudget({ budget_id: 'wire-does-not-exist' })).toBeNull();
    expect(await client.deleteBudget('wire-does-not-exist')).toBeNull();
  });

  it('sends the key as a Bearer token', async () => {
    const route = recorded('chat.ok.json');
    server.use(route.handler);
    await newClient({ apiKey: VIRTUAL_KEY }).chatCompletions(hello('hello'));
    expect(route.requests[0]?.headers.get('authorization')).toBe(`Bearer ${VIRTUAL_KEY}`);
  });

  it('returns the embeddings answer', async () => {
    const answer = {
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.25, -0.5, 0.125] },
        { object: 'embedding', index: 1, embedding: [0.5, 0, -0.25] },
      ],
      model: 'fake-embed',
      usage: { prompt_tokens: 4, total_tokens: 4 },
    };
    let sentBody: unknown;
    server.use(http.post(`${BASE_URL}/v1/embeddings`, async ({ request }) => {
      sentBody = await request.json();
      return HttpResponse.json(answer);
    }));
    const input = { model: 'fake-embed', input: ['one', 'two'] };
    expect(await newClient().embeddings(input)).toEqual(answer);
    expect(sentBody).toEqual(input);
  });
});
