import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/litellm';
import { APIPromise, type WithResponse } from './api-promise';
import { isBrowser } from './environment';
import { APIError, TierClientError } from './errors';
import { Emitter } from './events';
import type { ClientEvents, Gate } from './gate';
import { keyHash, newBudgetId, newKeySecret } from './idempotency';
import { levelledLogger, type Logger } from './logger';
import { resolveTransportOptions, type ResolvedTransportOptions, type TransportOptions } from './options';
import { runCall, type CallSpec, type PipelineContext, type Sent } from './pipeline';
import { maskKey } from './secrets';
import type { ChatStream } from './stream';
import type {
  BudgetNewRequest,
  BudgetRow,
  BudgetSettingsField,
  BudgetUpdateRequest,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  DeleteKeyRequest,
  DeleteKeyResponse,
  EmbeddingRequest,
  EmbeddingResponse,
  GeneratedKey,
  GenerateKeyRequest,
  KeyInfoResponse,
  KeyRow,
  ListKeysOptions,
  RequestOptions,
  UpdatedKey,
  UpdateKeyRequest,
} from './types';

export type TierClientOptions = TransportOptions;

/**
 * A typed client for a LiteLLM gateway: tiers (budgets), keys, chat completions and
 * embeddings. Every method returns an `APIPromise`: await it for the body, or call
 * `.withResponse()` for the raw answer, the call id, its cost and the rate-limit headers.
 */
export class TierClient {
  readonly #options: ResolvedTransportOptions;
  readonly #api: Client<paths>;
  readonly #closer = new AbortController();
  readonly #events = new Emitter<ClientEvents>();
  readonly #log: Logger;
  #gate: Gate | undefined;

  constructor(options: TierClientOptions) {
    this.#options = resolveTransportOptions(options);
    this.#log = levelledLogger(this.#options.logger, this.#options.logLevel);
    this.#api = createClient<paths>({
      baseUrl: this.#options.baseUrl,
      // Resolved per request, so a fetch mock installed after construction is still used.
      fetch: (request) => (this.#options.fetch ?? globalThis.fetch)(request),
      headers: {
        ...this.#options.defaultHeaders,
        Authorization: `Bearer ${this.#options.apiKey}`,
      },
    });
  }

  /** The gateway origin this client talks to. */
  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  /** Listens to an event; returns the function that stops listening. */
  on<E extends keyof ClientEvents>(event: E, listener: (payload: ClientEvents[E]) => void) {
    return this.#events.on(event, listener);
  }

  // ── Tiers ────────────────────────────────────────────────────────────────────────────

  /**
   * Creates a tier. When `budget_id` is absent one is chosen, so that a retry after a lost
   * answer can read the tier back instead of creating a second one.
   */
  createBudget(body: BudgetNewRequest, options?: RequestOptions): APIPromise<BudgetRow> {
    const tier = { ...body, budget_id: body.budget_id ?? newBudgetId() };
    return this.#call<BudgetRow>(options, {
      method: 'POST',
      path: '/budget/new',
      management: true,
      send: (signal) => this.#api.POST('/budget/new', { body: tier, signal }),
      confirm: (signal) => this.#findBudget(tier, signal),
    });
  }

  /** Changes a tier. Resolves to `null` when no tier has that `budget_id`. */
  updateBudget(body: BudgetUpdateRequest, options?: RequestOptions): APIPromise<BudgetRow | null> {
    return this.#call(options, {
      method: 'POST',
      path: '/budget/update',
      management: true,
      send: (signal) => this.#api.POST('/budget/update', { body, signal }),
    });
  }

  /** Reads tiers by id. */
  getBudgets(budgetIds: string[], options?: RequestOptions): APIPromise<BudgetRow[]> {
    return this.#call(options, {
      method: 'POST',
      path: '/budget/info',
      management: true,
      send: (signal) => this.#api.POST('/budget/info', { body: { budgets: budgetIds }, signal }),
    });
  }

  /** A tier's settings, field by field, with their types and defaults. */
  getBudgetSettings(
    budgetId: string,
    options?: RequestOptions,
  ): APIPromise<BudgetSettingsField[]> {
    return this.#call(options, {
      method: 'GET',
      path: '/budget/settings',
      management: true,
      send: (signal) =>
        this.#api.GET('/budget/settings', { params: { query: { budget_id: budgetId } }, signal }),
    });
  }

  /** Every tier on the gateway. */
  listBudgets(options?: RequestOptions): APIPromise<BudgetRow[]> {
    return this.#call(options, {
      method: 'GET',
      path: '/budget/list',
      management: true,
      send: (signal) => this.#api.GET('/budget/list', { signal }),
    });
  }

  /**
   * Deletes a tier. Keys bound to it silently lose their tier on the gateway. Resolves to
   * `null` when no tier has that id.
   */
  deleteBudget(budgetId: string, options?: RequestOptions): APIPromise<BudgetRow | null> {
    return this.#call(options, {
      method: 'POST',
      path: '/budget/delete',
      management: true,
      send: (signal) => this.#api.POST('/budget/delete', { body: { id: budgetId }, signal }),
    });
  }

  // ── Keys ─────────────────────────────────────────────────────────────────────────────

  /**
   * Issues a key. When `key` is absent a strong one is chosen here, so that a retry after a
   * lost answer finds the key already made instead of making a second one.
   */
  generateKey(body: GenerateKeyRequest = {}, options?: RequestOptions): APIPromise<GeneratedKey> {
    const request = { ...body, key: body.key ?? newKeySecret() };
    return this.#call<GeneratedKey>(options, {
      method: 'POST',
      path: '/key/generate',
      management: true,
      send: (signal) => this.#api.POST('/key/generate', { body: request, signal }),
      confirm: (signal) => this.#findGeneratedKey(request.key, signal),
    });
  }

  /** Changes a key; a new `budget_id` moves it to another tier from its next call. */
  updateKey(body: UpdateKeyRequest, options?: RequestOptions): APIPromise<UpdatedKey> {
    return this.#call(options, {
      method: 'POST',
      path: '/key/update',
      management: true,
      send: (signal) => this.#api.POST('/key/update', { body, signal }),
    });
  }

  /**
   * Describes a key, by its secret or its hash (`token`). Without `key`, the calling key
   * describes itself, tier included: the way a virtual key learns its limits.
   */
  getKeyInfo(key?: string, options?: RequestOptions): APIPromise<KeyInfoResponse> {
    const self = key === undefined || key === this.#options.apiKey;
    const query = key === undefined ? {} : { key };
    return this.#call(options, {
      method: 'GET',
      path: '/key/info',
      management: !self,
      send: (signal) => this.#api.GET('/key/info', { params: { query }, signal }),
    });
  }

  /** Walks every page of `/key/list`, yielding key hashes. */
  listKeys(options?: ListKeysOptions & { fullObjects?: false }): AsyncIterable<string>;
  /** Walks every page of `/key/list`, yielding full key rows. */
  listKeys(options: ListKeysOptions & { fullObjects: true }): AsyncIterable<KeyRow>;
  listKeys(
    options: ListKeysOptions & { fullObjects?: boolean } = {},
  ): AsyncIterable<string | KeyRow> {
    return this.#pages(options);
  }

  async *#pages(options: ListKeysOptions & { fullObjects?: boolean }) {
    const size = options.pageSize ?? 100;
    for (let page = 1; ; page += 1) {
      const query = {
        page,
        size,
        ...(options.fullObjects ? { return_full_object: true } : {}),
        ...(options.keyAlias === undefined ? {} : { key_alias: options.keyAlias }),
      };
      const answer = await this.#call(options, {
        method: 'GET',
        path: '/key/list',
        management: true,
        send: (signal) => this.#api.GET('/key/list', { params: { query }, signal }),
      });
      for (const key of answer.keys) yield key;
      const pages = answer.total_pages ?? 0;
      if (answer.keys.length === 0 || page >= pages) return;
    }
  }

  /** Deletes keys by secret or hash (`keys`) or by alias (`key_aliases`). */
  deleteKey(body: DeleteKeyRequest, options?: RequestOptions): APIPromise<DeleteKeyResponse> {
    return this.#call(options, {
      method: 'POST',
      path: '/key/delete',
      management: true,
      send: (signal) => this.#api.POST('/key/delete', { body, signal }),
    });
  }

  /** Blocks a key: its calls get 401 until it is unblocked. */
  blockKey(key: string, options?: RequestOptions): APIPromise<KeyRow> {
    return this.#call(options, {
      method: 'POST',
      path: '/key/block',
      management: true,
      send: (signal) => this.#api.POST('/key/block', { body: { key }, signal }),
    });
  }

  /** Lifts a block. */
  unblockKey(key: string, options?: RequestOptions): APIPromise<KeyRow> {
    return this.#call(options, {
      method: 'POST',
      path: '/key/unblock',
      management: true,
      send: (signal) => this.#api.POST('/key/unblock', { body: { key }, signal }),
    });
  }

  // ── Inference ────────────────────────────────────────────────────────────────────────

  /** A chat completion; with `stream: true`, a `ChatStream` of chunks ending at `[DONE]`. */
  chatCompletions(
    body: ChatCompletionRequest & { stream: true },
    options?: RequestOptions,
  ): APIPromise<ChatStream<ChatCompletionChunk>>;
  chatCompletions(
    body: ChatCompletionRequest & { stream?: false | null | undefined },
    options?: RequestOptions,
  ): APIPromise<ChatCompletion>;
  chatCompletions(
    body: ChatCompletionRequest,
    options?: RequestOptions,
  ): APIPromise<ChatCompletion | ChatStream<ChatCompletionChunk>> {
    const stream = body.stream === true;
    return this.#call(options, {
      method: 'POST',
      path: '/v1/chat/completions',
      management: false,
      stream,
      send: (signal) =>
        this.#api.POST('/v1/chat/completions', {
          body,
          signal,
          ...(stream ? { parseAs: 'stream' as const } : {}),
        }) as Promise<Sent<never>>,
    });
  }

  /** Embeddings for one input or many. */
  embeddings(body: EmbeddingRequest, options?: RequestOptions): APIPromise<EmbeddingResponse> {
    return this.#call(options, {
      method: 'POST',
      path: '/v1/embeddings',
      management: false,
      send: (signal) => this.#api.POST('/v1/embeddings', { body, signal }),
    });
  }

  /** Ends every call in progress with `APIUserAbortError` and releases timers. */
  async close(): Promise<void> {
    this.#closer.abort();
    this.#events.clear();
  }

  /** What `console.log(client)` and `JSON.stringify` show: never the key. */
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.#options.baseUrl, apiKey: maskKey(this.#options.apiKey) };
  }

  // ── The pipeline ─────────────────────────────────────────────────────────────────────

  #call<T>(
    options: RequestOptions | undefined,
    spec: CallSpec<T> & { management: boolean },
  ): APIPromise<T> {
    return new APIPromise(this.#start(options, spec));
  }

  async #start<T>(
    options: RequestOptions | undefined,
    spec: CallSpec<T> & { management: boolean },
  ): Promise<WithResponse<T>> {
    if (spec.management) this.#guardBrowser(spec);
    if (this.#closer.signal.aborted) throw new TierClientError('The client was closed');
    return runCall(this.#context(), spec, options?.signal);
  }

  #context(): PipelineContext {
    return {
      options: this.#options,
      log: this.#log,
      events: this.#events,
      gate: this.#gate,
      closed: this.#closer.signal,
    };
  }

  #guardBrowser(spec: { method: string; path: string }): void {
    if (!isBrowser() || this.#options.dangerouslyAllowBrowser) return;
    throw new TierClientError(
      `${spec.method} ${spec.path} manages budgets or keys and is refused in a browser, ` +
        'where the page exposes its key. Call it from a server, or build the client with ' +
        '`dangerouslyAllowBrowser: true` if the page is trusted.',
    );
  }

  /** Reads back a tier that a lost answer may have created; only an exact match counts. */
  async #findBudget(tier: BudgetNewRequest & { budget_id: string }, signal: AbortSignal) {
    const { data, response } = await this.#api.POST('/budget/info', {
      body: { budgets: [tier.budget_id] },
      signal,
    });
    if (!response.ok || !Array.isArray(data)) return undefined;
    const row = data.find((r) => r.budget_id === tier.budget_id);
    return row && sameFields(tier, row) ? row : undefined;
  }

  /** Looks a key up by hash; a found key means an earlier attempt created it. */
  async #findGeneratedKey(key: string, signal: AbortSignal): Promise<GeneratedKey | undefined> {
    const token = await keyHash(key);
    const { data, response } = await this.#api.GET('/key/info', {
      params: { query: { key: token } },
      signal,
    });
    if (response.status === 404 || (response.ok && !data?.info)) return undefined;
    if (!response.ok || !data) throw new APIError({
      method: 'GET', path: '/key/info', status: response.status, body: undefined,
      headers: response.headers, message: 'could not confirm whether the key was created',
    });
    const info = data.info;
    return {
      ...info,
      key,
      token,
      token_id: token,
      key_name: info.key_name ?? maskKey(key),
      budget_id: info.budget_id ?? null,
      litellm_budget_table: info.litellm_budget_table ?? null,
      expires: info.expires ?? null,
    };
  }
}

function sameFields(wanted: Record<string, unknown>, row: Record<string, unknown>): boolean {
  return Object.entries(wanted).every(([field, value]) => {
    const actual = row[field];
    if (value === undefined) return true;
    if (typeof value === 'object' && value !== null) {
      return JSON.stringify(value) === JSON.stringify(actual);
    }
    // The gateway may answer integers as decimal strings.
    return value === actual || String(value) === String(actual);
  });
}
