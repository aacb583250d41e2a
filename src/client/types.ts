import type { components } from '../generated/litellm';

type Schemas = components['schemas'];

/** A tier as `/budget/new` takes it; every field optional, `budget_id` chosen when absent. */
export type BudgetNewRequest = Schemas['BudgetNewRequest'];
/** A change to a tier; `budget_id` names it. */
export type BudgetUpdateRequest = Schemas['BudgetUpdateRequest'];
/** A tier as the gateway stores it (`litellm_budget_table`). */
export type BudgetRow = Schemas['BudgetRow'];
/** Per-model limits inside a tier's `model_max_budget`. */
export type ModelBudget = Schemas['ModelBudget'];
export type BudgetSettingsField = Schemas['BudgetSettingsField'];
export type GenerateKeyRequest = Schemas['GenerateKeyRequest'];
/** The answer of `/key/generate`: the only time `key`, the secret, is shown. */
export type GeneratedKey = Schemas['GeneratedKey'];
export type KeyRow = Schemas['KeyRow'];
export type KeyInfoResponse = Schemas['KeyInfoResponse'];
export type UpdateKeyRequest = Schemas['UpdateKeyRequest'];
export type UpdatedKey = Schemas['UpdatedKey'];
export type DeleteKeyRequest = Schemas['DeleteKeyRequest'];
export type DeleteKeyResponse = Schemas['DeleteKeyResponse'];
export type ChatMessage = Schemas['ChatMessage'];
export type ChatCompletionRequest = Schemas['ChatCompletionRequest'];
export type ChatCompletion = Schemas['ChatCompletion'];
export type ChatCompletionChunk = Schemas['ChatCompletionChunk'];
export type Usage = Schemas['Usage'];
export type EmbeddingRequest = Schemas['EmbeddingRequest'];
export type EmbeddingResponse = Schemas['EmbeddingResponse'];

/** Per-call options. */
export interface RequestOptions {
  /** Aborts the call: a queued call leaves the queue, a sent one is cancelled. */
  signal?: AbortSignal | undefined;
}

/** Options of `listKeys`. */
export interface ListKeysOptions extends RequestOptions {
  /** Keys per page (the gateway allows up to 100). @default 100 */
  pageSize?: number | undefined;
  /** Only the key with this alias. */
  keyAlias?: string | undefined;
}
