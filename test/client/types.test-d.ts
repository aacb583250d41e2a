// The client's types: a misspelled tier field does not compile, no method result is `any`,
// and a streamed completion is typed as a stream.
import { describe, expectTypeOf, it } from 'vitest';
import {
  TierClient,
  type APIPromise,
  type BudgetRow,
  type BudgetSettingsField,
  type CallMeta,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatStream,
  type DeleteKeyResponse,
  type EmbeddingResponse,
  type GeneratedKey,
  type KeyInfoResponse,
  type KeyRow,
  type LimitName,
  type RateLimitError,
  type RefusalSource,
  type UpdatedKey,
  type WithResponse,
} from '../../src/index';

declare const client: TierClient;
type Result<M extends keyof TierClient> = TierClient[M] extends (...args: never[]) => infer R
  ? R extends PromiseLike<infer T> ? T : R
  : never;

const hello = { model: 'fake-gpt', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('createBudget', () => {
  it('does not compile with a misspelled tier field', () => {
    // @ts-expect-error rpm_limt is not a tier field (rpm_limit is)
    void client.createBudget({ rpm_limt: 10 });
    // @ts-expect-error max_budgt is not a tier field (max_budget is)
    void client.createBudget({ budget_id: 'tier-a', max_budgt: 5 });
  });

  it('does not compile with a limit of the wrong type', () => {
    // @ts-expect-error rpm_limit is a number
    void client.createBudget({ rpm_limit: 'ten' });
  });

  it('accepts every tier field, nulls and per-model limits included', () => {
    void client.createBudget({
      budget_id: 'tier-a',
      rpm_limit: 0,
      tpm_limit: null,
      max_budget: 10,
      soft_budget: 8,
      max_parallel_requests: 2,
      budget_duration: '30d',
      model_max_budget: { 'fake-gpt': { rpm_limit: 10, tpm_limit: 500, max_budget: 5 } },
    });
  });
});

describe('updateBudget', () => {
  it('does not compile without the budget_id that names the tier', () => {
    // @ts-expect-error budget_id is required to update
    void client.updateBudget({ rpm_limit: 40 });
  });
});

describe('the options', () => {
  it('do not compile with a misspelled option', () => {
    // @ts-expect-error timeout is spelled timeoutMs
    void new TierClient({ baseUrl: 'http://localhost:4000', apiKey: 'sk-1234', timeout: 5 });
  });
});

describe('method results', () => {
  it('are never any', () => {
    expectTypeOf<Result<'createBudget'>>().not.toBeAny();
    expectTypeOf<Result<'updateBudget'>>().not.toBeAny();
    expectTypeOf<Result<'getBudgets'>>().not.toBeAny();
    expectTypeOf<Result<'getBudgetSettings'>>().not.toBeAny();
    expectTypeOf<Result<'listBudgets'>>().not.toBeAny();
    expectTypeOf<Result<'deleteBudget'>>().not.toBeAny();
    expectTypeOf<Result<'generateKey'>>().not.toBeAny();
    expectTypeOf<Result<'updateKey'>>().not.toBeAny();
    expectTypeOf<Result<'getKeyInfo'>>().not.toBeAny();
    expectTypeOf<Result<'deleteKey'>>().not.toBeAny();
    expectTypeOf<Result<'blockKey'>>().not.toBeAny();
    expectTypeOf<Result<'unblockKey'>>().not.toBeAny();
    expectTypeOf<Result<'embeddings'>>().not.toBeAny();
    expectTypeOf<Result<'chatCompletions'>>().not.toBeAny();
  });

  it('are the gateway bodies', () => {
    expectTypeOf<Result<'createBudget'>>().toEqualTypeOf<BudgetRow>();
    expectTypeOf<Result<'updateBudget'>>().toEqualTypeOf<BudgetRow | null>();
    expectTypeOf<Result<'getBudgets'>>().toEqualTypeOf<BudgetRow[]>();
    expectTypeOf<Result<'getBudgetSettings'>>().toEqualTypeOf<BudgetSettingsField[]>();
    expectTypeOf<Result<'listBudgets'>>().toEqualTypeOf<BudgetRow[]>();
    expectTypeOf<Result<'deleteBudget'>>().toEqualTypeOf<BudgetRow | null>();
    expectTypeOf<Result<'generateKey'>>().toEqualTypeOf<GeneratedKey>();
    expectTypeOf<Result<'updateKey'>>().toEqualTypeOf<UpdatedKey>();
    expectTypeOf<Result<'getKeyInfo'>>().toEqualTypeOf<KeyInfoResponse>();
    expectTypeOf<Result<'deleteKey'>>().toEqualTypeOf<DeleteKeyResponse>();
    expectTypeOf<Result<'blockKey'>>().toEqualTypeOf<KeyRow>();
    expectTypeOf<Result<'unblockKey'>>().toEqualTypeOf<KeyRow>();
    expectTypeOf<Result<'embeddings'>>().toEqualTypeOf<EmbeddingResponse>();
  });

  it('keep their fields typed', () => {
    expectTypeOf<GeneratedKey['key']>().toEqualTypeOf<string>();
    expectTypeOf<BudgetRow['rpm_limit']>().not.toBeAny();
    expectTypeOf<KeyInfoResponse['info']>().not.toBeAny();
  });

  it('come with the call metadata through withResponse()', () => {
    expectTypeOf(client.createBudget({})).toEqualTypeOf<APIPromise<BudgetRow>>();
    expectTypeOf(client.createBudget({}).withResponse())
      .toEqualTypeOf<Promise<WithResponse<BudgetRow>>>();
    expectTypeOf<WithResponse<BudgetRow>['meta']>().toEqualTypeOf<CallMeta>();
    expectTypeOf<CallMeta['cost']>().toEqualTypeOf<number | undefined>();
  });
});

describe('listKeys', () => {
  it('yields hashes, or rows with fullObjects', () => {
    expectTypeOf(client.listKeys()).toEqualTypeOf<AsyncIterable<string>>();
    expectTypeOf(client.listKeys({ fullObjects: true })).toEqualTypeOf<AsyncIterable<KeyRow>>();
  });
});

describe('chatCompletions', () => {
  it('returns a ChatStream of chunks with stream: true', () => {
    expectTypeOf(client.chatCompletions({ ...hello, stream: true }))
      .toEqualTypeOf<APIPromise<ChatStream<ChatCompletionChunk>>>();
  });

  it('returns a completion without stream, or with stream: false', () => {
    expectTypeOf(client.chatCompletions(hello)).toEqualTypeOf<APIPromise<ChatCompletion>>();
    expectTypeOf(client.chatCompletions({ ...hello, stream: false }))
      .toEqualTypeOf<APIPromise<ChatCompletion>>();
  });

  it('iterates a stream chunk by chunk', () => {
    expectTypeOf<ChatStream<ChatCompletionChunk>>()
      .toExtend<AsyncIterable<ChatCompletionChunk>>();
  });
});

describe('errors', () => {
  it('say which limit refused and who refused', () => {
    expectTypeOf<RateLimitError['limit']>().toEqualTypeOf<LimitName>();
    expectTypeOf<RateLimitError['source']>().toEqualTypeOf<RefusalSource>();
    expectTypeOf<RefusalSource>().toEqualTypeOf<'gateway' | 'client'>();
    expectTypeOf<RateLimitError['retryAfterMs']>().toEqualTypeOf<number | undefined>();
  });
});
