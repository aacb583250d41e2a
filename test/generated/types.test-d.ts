import { describe, expectTypeOf, it } from 'vitest';
import type { components, operations, paths } from '../../src/generated/litellm';

type S = components['schemas'];
type Json200<Op extends keyof operations> =
  operations[Op]['responses'][200]['content']['application/json'];

describe('generated schema types', () => {
  it('never decay to any', () => {
    expectTypeOf<S['BudgetNewRequest']>().not.toBeAny();
    expectTypeOf<S['BudgetUpdateRequest']>().not.toBeAny();
    expectTypeOf<S['BudgetRow']>().not.toBeAny();
    expectTypeOf<S['GenerateKeyRequest']>().not.toBeAny();
    expectTypeOf<S['GeneratedKey']>().not.toBeAny();
    expectTypeOf<S['KeyRow']>().not.toBeAny();
    expectTypeOf<S['UpdatedKey']>().not.toBeAny();
    expectTypeOf<S['KeyListResponse']>().not.toBeAny();
    expectTypeOf<S['ChatCompletionRequest']>().not.toBeAny();
    expectTypeOf<S['ChatCompletion']>().not.toBeAny();
    expectTypeOf<S['ChatCompletionChunk']>().not.toBeAny();
    expectTypeOf<S['EmbeddingResponse']>().not.toBeAny();
    expectTypeOf<S['ErrorEnvelope']>().not.toBeAny();
    expectTypeOf<Json200<'createBudget'>>().not.toBeAny();
    expectTypeOf<Json200<'getKeyInfo'>>().not.toBeAny();
  });

  it('keep every tier field optional and nullable in a new tier', () => {
    expectTypeOf<{}>().toExtend<S['BudgetNewRequest']>();
    expectTypeOf<S['BudgetNewRequest']['rpm_limit']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<S['BudgetNewRequest']['budget_id']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<{ model_max_budget: { 'gpt-4o': { rpm_limit: 10 } } }>()
      .toExtend<S['BudgetNewRequest']>();
  });

  it('require budget_id, and only budget_id, to update a tier', () => {
    expectTypeOf<{}>().not.toExtend<S['BudgetUpdateRequest']>();
    expectTypeOf<{ budget_id: string }>().toExtend<S['BudgetUpdateRequest']>();
    expectTypeOf<S['BudgetUpdateRequest']['budget_id']>().toEqualTypeOf<string>();
  });

  it('keep key fields optional, except the key being changed', () => {
    expectTypeOf<{}>().toExtend<S['GenerateKeyRequest']>();
    expectTypeOf<{ budget_id: string; key: string }>().toExtend<S['GenerateKeyRequest']>();
    expectTypeOf<{}>().not.toExtend<S['UpdateKeyRequest']>();
    expectTypeOf<{ key: string; budget_id: string }>().toExtend<S['UpdateKeyRequest']>();
    expectTypeOf<{}>().toExtend<S['DeleteKeyRequest']>();
  });

  it('keep chat options optional and let LiteLLM extras through', () => {
    type Minimal = { model: string; messages: { role: 'user'; content: string }[] };
    expectTypeOf<Minimal>().toExtend<S['ChatCompletionRequest']>();
    expectTypeOf<Minimal & { mock_response: string }>().toExtend<S['ChatCompletionRequest']>();
    expectTypeOf<S['ChatCompletionRequest']['stream_options']>()
      .toEqualTypeOf<
        ({ include_usage?: boolean } & { [key: string]: unknown }) | null | undefined
      >();
  });

  it('type limits on rows as a number, a decimal string or null', () => {
    expectTypeOf<S['BudgetRow']['rpm_limit']>().toEqualTypeOf<number | string | null>();
    expectTypeOf<S['KeyRow']['tpm_limit']>().toEqualTypeOf<number | string | null>();
    expectTypeOf<S['BudgetRow']['max_budget']>().toEqualTypeOf<number | null>();
  });

  it('type the embedded tier as a row or null', () => {
    expectTypeOf<S['GeneratedKey']['litellm_budget_table']>()
      .toEqualTypeOf<S['BudgetRow'] | null>();
    expectTypeOf<S['KeyRow']['litellm_budget_table']>().toEqualTypeOf<S['BudgetRow'] | null>();
    expectTypeOf<S['GeneratedKey']['key']>().toEqualTypeOf<string>();
  });

  it('type the error envelopes as the proxy sends them', () => {
    expectTypeOf<S['ErrorEnvelope']['error']['code']>().toEqualTypeOf<string | null>();
    expectTypeOf<S['ErrorEnvelope']['error']['param']>().toEqualTypeOf<string | null>();
    expectTypeOf<S['ErrorEnvelope']['error']['type']>().toEqualTypeOf<string>();
    expectTypeOf<S['DetailErrorEnvelope']['detail']['error']>().toEqualTypeOf<string>();
    expectTypeOf<S['ValidationErrorEnvelope']['detail'][number]['loc']>()
      .toEqualTypeOf<(string | number)[]>();
  });
});

describe('generated operation types', () => {
  it('answer a row or null to /budget/update and /budget/delete', () => {
    expectTypeOf<Json200<'updateBudget'>>().toEqualTypeOf<S['BudgetRow'] | null>();
    expectTypeOf<Json200<'deleteBudget'>>().toEqualTypeOf<S['BudgetRow'] | null>();
    expectTypeOf<Json200<'getBudgetInfo'>>().toEqualTypeOf<S['BudgetRow'][]>();
  });

  it('answer chat with a completion or an event-stream string', () => {
    type Content = operations['createChatCompletion']['responses'][200]['content'];
    expectTypeOf<Content['application/json']>().toEqualTypeOf<S['ChatCompletion']>();
    expectTypeOf<Content['text/event-stream']>().toEqualTypeOf<string>();
  });

  it('accept a plain-text 500 besides the envelopes', () => {
    type Content = operations['generateKey']['responses'][500]['content'];
    expectTypeOf<Content['text/plain']>().toEqualTypeOf<string>();
    expectTypeOf<Content['application/json']>()
      .toEqualTypeOf<S['ErrorEnvelope'] | S['DetailErrorEnvelope']>();
  });

  it('make /key/info\'s key and every /key/list filter optional', () => {
    type InfoQuery = NonNullable<paths['/key/info']['get']['parameters']['query']>;
    expectTypeOf<{}>().toExtend<InfoQuery>();
    type ListQuery = NonNullable<operations['listKeys']['parameters']['query']>;
    expectTypeOf<{}>().toExtend<ListQuery>();
    expectTypeOf<ListQuery['size']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<{ budget_id: string }>()
      .toExtend<operations['getBudgetSettings']['parameters']['query']>();
  });
});

describe('misspelled request fields', () => {
  it('do not compile', () => {
    // @ts-expect-error rpm_limt is not a tier field: a typo must not reach the proxy.
    const tier: S['BudgetNewRequest'] = { budget_id: 'gold', rpm_limt: 10 };
    // @ts-expect-error tpm_limits is not a tier field either.
    const update: S['BudgetUpdateRequest'] = { budget_id: 'gold', tpm_limits: 10 };
    // @ts-expect-error budgetid is not a key field.
    const key: S['GenerateKeyRequest'] = { budgetid: 'gold' };
    // @ts-expect-error per-model limits take the tier's field names too.
    const model: S['ModelBudget'] = { rpm: 1 };
    expectTypeOf(tier).toEqualTypeOf<S['BudgetNewRequest']>();
    expectTypeOf(update).toEqualTypeOf<S['BudgetUpdateRequest']>();
    expectTypeOf(key).toEqualTypeOf<S['GenerateKeyRequest']>();
    expectTypeOf(model).toEqualTypeOf<S['ModelBudget']>();
  });
});
