import { createConfig, lint } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { validate } from './json-schema-subset';
import {
  loadSpec, loadWire, operationFor, resolverFor, responseSchemaFor, specPath, sseFrames,
} from './spec-fixtures';

const spec = loadSpec();
const resolve = resolverFor(spec);
const wire = loadWire();
const covered = wire.filter((exchange) => operationFor(spec, exchange) !== undefined);

const SCHEMA_NAMES = [
  'ModelBudget', 'BudgetNewRequest', 'BudgetUpdateRequest', 'BudgetRow', 'BudgetInfoRequest',
  'BudgetDeleteRequest', 'BudgetSettingsField', 'GenerateKeyRequest', 'GeneratedKey', 'KeyRow',
  'KeyInfoResponse', 'UpdateKeyRequest', 'UpdatedKey', 'KeyListResponse', 'DeleteKeyRequest',
  'DeleteKeyResponse', 'KeyRequest', 'ChatMessage', 'ChatCompletionRequest', 'Usage',
  'ChatCompletion', 'ChatCompletionChunk', 'EmbeddingRequest', 'EmbeddingResponse',
  'ErrorEnvelope', 'DetailErrorEnvelope', 'ValidationErrorEnvelope',
];

const OPERATIONS = {
  'post /budget/new': 'createBudget',
  'post /budget/update': 'updateBudget',
  'post /budget/info': 'getBudgetInfo',
  'get /budget/settings': 'getBudgetSettings',
  'get /budget/list': 'listBudgets',
  'post /budget/delete': 'deleteBudget',
  'post /key/generate': 'generateKey',
  'post /key/update': 'updateKey',
  'get /key/info': 'getKeyInfo',
  'get /key/list': 'listKeys',
  'post /key/delete': 'deleteKey',
  'post /key/block': 'blockKey',
  'post /key/unblock': 'unblockKey',
  'post /v1/chat/completions': 'createChatCompletion',
  'post /v1/embeddings': 'createEmbedding',
};

const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe('the spec document', () => {
  it('passes redocly\'s recommended rules; only the stream chunk schema is unused', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lint({ ref: specPath, config });
    // ChatCompletionChunk describes the SSE frames; OpenAPI 3.1 cannot reference it from a
    // text/event-stream body, so redocly sees it as unused.
    const expected = (p: (typeof problems)[number]) =>
      p.ruleId === 'no-unused-components' && p.message.includes('"ChatCompletionChunk"');
    expect(problems.filter((p) => !expected(p)).map((p) => `${p.ruleId}: ${p.message}`))
      .toEqual([]);
  });

  it('names exactly the schemas the client is written against', () => {
    expect(Object.keys(spec.components.schemas ?? {}).sort()).toEqual([...SCHEMA_NAMES].sort());
  });

  it('declares each route once with its agreed operationId', () => {
    const found = Object.fromEntries(Object.entries(spec.paths).flatMap(([route, item]) =>
      Object.entries(item).map(([method, op]) => [`${method} ${route}`, op.operationId]),
    ));
    expect(found).toEqual(OPERATIONS);
  });

  it('gives BudgetUpdateRequest the same fields as BudgetNewRequest', () => {
    const fields = (name: string) =>
      Object.keys((spec.components.schemas?.[name]?.properties ?? {}) as object).sort();
    expect(fields('BudgetUpdateRequest')).toEqual(fields('BudgetNewRequest'));
  });
});

describe('every recorded answer of a covered route matches its response schema', () => {
  it('covers every recording except CORS preflights, which are not part of the API', () => {
    const left = wire.filter((exchange) => !covered.includes(exchange));
    expect(left.map((e) => `${e.method} ${e.file}`)).toEqual(['options cors-preflight.ok.json']);
  });

  it.each(covered.map((exchange) => [exchange.file, exchange] as const))(
    '%s',
    (_file, exchange) => {
      const declared = responseSchemaFor(spec, exchange);
      expect(declared, `${exchange.status} ${exchange.mediaType} is declared`).toBeDefined();
      expect(validate(exchange.body, declared ?? false, resolve)).toEqual([]);
    },
  );

  it('matches every frame of the recorded stream, usage frame included, to ChatCompletionChunk',
    () => {
      const stream = wire.find((exchange) => exchange.file === 'chat-stream.ok.json');
      const frames = sseFrames(String(stream?.body));
      expect(frames.some((frame) => (frame as { usage?: unknown }).usage !== undefined))
        .toBe(true);
      for (const frame of frames) {
        expect(validate(frame, schema('ChatCompletionChunk'), resolve)).toEqual([]);
      }
    });
});

describe('the schemas still refuse what the proxy never sends', () => {
  const row = wire.find((exchange) => exchange.file === 'budget-new.ok.json')?.body as object;

  it('accepts a tier row whose rpm_limit arrives as a decimal string', () => {
    expect(validate({ ...row, rpm_limit: '40' }, schema('BudgetRow'), resolve)).toEqual([]);
  });

  it('refuses a tier row whose rpm_limit is a fraction or a non-numeric string', () => {
    expect(validate({ ...row, rpm_limit: 1.5 }, schema('BudgetRow'), resolve)).not.toEqual([]);
    expect(validate({ ...row, rpm_limit: '4a' }, schema('BudgetRow'), resolve)).not.toEqual([]);
  });

  it('refuses a tier row without its budget_id', () => {
    const { budget_id: _dropped, ...rest } = row as { budget_id: string };
    expect(validate(rest, schema('BudgetRow'), resolve)).toEqual(['$: "budget_id" is missing']);
  });

  it('refuses an error envelope whose code is a number', () => {
    const body = { error: { message: 'x', type: 'auth_error', param: null, code: 401 } };
    expect(validate(body, schema('ErrorEnvelope'), resolve)).not.toEqual([]);
  });
});
