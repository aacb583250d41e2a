import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/litellm';
import { APIPromise, type WithResponse } from './api-promise';
import { AttemptSignal, closedError } from './attempt-signal';
import { isBrowser } from './environment';
import { APIError, TierClientError } from './errors';
import { Emitter } from './events';
import type { ClientEvents, LimiterEvents } from './gate';
import { limitedFetch } from './limited-fetch';
import { buildLimiter, hasTier, limitsFromKeyRow, type TierOptions } from './tier-options';
import { estimateTokens } from '../limiter/estimate';
import type { LimiterState } from '../limiter/state';
import type { Limiter } from '../limiter/limiter';
import { keyHash, newBudgetId, newKeySecret } from './idempotency';
import { levelledLogger, type Logger } from './logger';
import { resolveTransportOptions, type ResolvedTransportOptions, type TransportOptions } from './options';
import { directPost } from './direct-post';
import { runCall, type CallSpec, type PipelineContext } from './pipeline';
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

export type TierClientOptions = TransportOptions & TierOptions;

/** Everything a client can listen to with `on()`. */
export type TierClientEvents = ClientEvents & LimiterEvents;

/**
 * A typed client for a LiteLLM gateway: tiers (budgets), keys, chat completions and
 * embeddings. Every method returns an `APIPromise`: await it for the body, or call
 * `.withResponse()` for the raw answer, the call id, its cost and the rate-limit headers.
 */
export class TierClient {
  readonly #options: ResolvedTransportOptions;
  readonly #api: Client<paths>;
  readonly #attempts = new Set<AttemptSignal>();
  #closed = false;
  readonly #events = new Emitter<TierClientEvents>();
  readonly #log: Logger;
  #limiter: Limiter | undefined;
  readonly #jsonHeaders: Record<string, string>;

  /**
   * A `fetch` that sends model calls through this client's tier limiter and feeds their
   * answers back: hand it to openai-node, the Vercel AI SDK or any client taking a `fetch`.
   * Without a tier it is the plain transport.
   */
  readonly fetch: typeof fetch;

  constructor(options: TierClientOptions) {
    this.#options = resolveTransportOptions(options);
    this.fetch = limitedFetch({
      gate: () => this.#limiter,
      transport: () => this.#options.fetch ?? globalThis.fetch,
      estimate: (body) => this.#estimate(body),
    });
    if (hasTier(options)) this.#installLimiter(options);
    this.#log = levelledLogger(this.#options.logger, this.#options.logLevel);
    this.#jsonHeaders = {
      ...this.#options.defaultHeaders,
      Authorization: `Bearer ${this.#options.apiKey}`,
      'Content-Type': 'application/json',
    };
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

  /**
   * Builds a client for a key the app holds as a bare string, reading its tier through the
   * key's own `/key/info`: the way a browser or a worker starts.
   */
  static async forKey(options: TierClientOptions): Promise<TierClient> {
    const client = new TierClient(options);
    try {
      const { info } = await client.getKeyInfo();
      const { limits, spend } = limitsFromKeyRow(info);
      client.#installLimiter({ ...options, spend: options.spend ?? spend });
      client.#limiter?.update(limits);
      return client;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /**
   * A client that authenticates as a freshly generated key and keeps to its tier: the tier
   * embedded in the `/key/generate` answer, else read with `/key/info` by the key's hash
   * (the secret never goes into a URL).
   */
  async withKey(
    generated: Pick<GeneratedKey, 'key'> & Partial<GeneratedKey>,
    options: Partial<TierClientOptions> = {},
  ): Promise<TierClient> {
    let tier = generated.litellm_budget_table;
    let keyLimits: Record<string, unknown> = generated;
    if (!tier) {
      const token = generated.token ?? (await keyHash(generated.key));
      const { info } = await this.getKeyInfo(token);
      tier = info.litellm_budget_table ?? null;
      keyLimits = info;
    }
    return new TierClient({
      ...this.#inheritable(),
      tier,
      keyLimits: keyLimits as Partial<KeyRow>,
      ...options,
      apiKey: generated.key,
    });
  }

  /** Listens to an event; returns the function that stops listening. */
  on<E extends keyof TierClientEvents>(
    event: E,
    listener: (payload: TierClientEvents[E]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  /** The limiter's view (limits, use, queue, spend), or `undefined` without a tier. */
  limiterState(): LimiterState | undefined {
    return this.#limiter?.state();
  }

  /** Re-reads the key's tier and spend from the gateway now and applies them. */
  async refreshTier(options?: RequestOptions): Promise<void> {
    if (!this.#limiter) throw new TierClientError('This client has no tier to refresh.');
    const { limits, spend } = await this.#readOwnLimits(options?.signal);
    this.#limiter.update(limits);
    this.#limiter.setSpend(spend);
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
      limited: this.#shape(body),
      send: (signal) => this.#post<never>('/v1/chat/completions', body, signal, stream),
    });
  }

  /** Embeddings for one input or many. */
  embeddings(body: EmbeddingRequest, options?: RequestOptions): APIPromise<EmbeddingResponse> {
    return this.#call(options, {
      method: 'POST',
      path: '/v1/embeddings',
      management: false,
      limited: this.#shape(body),
      send: (signal) => this.#post<EmbeddingResponse>('/v1/embeddings', body, signal, false),
    });
  }

  /** Ends every call in progress with `APIUserAbortError` and releases timers. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const attempt of [...this.#attempts]) attempt.abort('closed', closedError());
    await this.#limiter?.close();
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
    if (this.#closed) throw new TierClientError('The client was closed');
    return runCall(this.#context(), spec, options?.signal);
  }

  #context(): PipelineContext {
    return {
      options: this.#options,
      log: this.#log,
      events: this.#events,
      gate: this.#limiter,
      attempts: this.#attempts,
    };
  }

  #post<T>(path: string, body: unknown, signal: AbortSignal, stream: boolean) {
    const transport = this.#options.fetch ?? globalThis.fetch;
    const headers = this.#jsonHeaders;
    return directPost<T>(transport, this.#options.baseUrl + path, { headers, body, signal, stream });
  }

  #installLimiter(options: TierOptions): void {
    this.#limiter = buildLimiter(
      options,
      (event) => this.#events.emit(event.type, event as never),
      () => this.#readOwnLimits(undefined),
    );
  }

  async #readOwnLimits(signal: AbortSignal | undefined) {
    const { info } = await this.getKeyInfo(undefined, { signal });
    return limitsFromKeyRow(info);
  }

  #shape(body: { model?: unknown }) {
    if (!this.#limiter) return undefined;
    const model = typeof body.model === 'string' ? body.model : undefined;
    return { model, tokens: this.#estimate(body) };
  }

  #estimate(body: unknown): number {
    return this.#limiter ? this.#limiter.estimate(body) : estimateTokens(body, null);
  }

  /** The transport settings a derived client keeps. */
  #inheritable(): TransportOptions {
    const o = this.#options;
    return {
      baseUrl: o.baseUrl,
      apiKey: o.apiKey,
      fetch: o.fetch,
      timeoutMs: o.timeoutMs,
      maxRetries: o.maxRetries,
      logger: o.logger,
      logLevel: o.logLevel,
      dangerouslyAllowBrowser: o.dangerouslyAllowBrowser,
      defaultHeaders: o.defaultHeaders,
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
  return Object.entries(wanted).every(([field, value]) => sameValue(value, row[field]));
}

/** Field by field: the gateway reorders nested keys (model_max_budget) when it stores them. */
function sameValue(wanted: unknown, actual: unknown): boolean {
  if (wanted === undefined) return true;
  if (typeof wanted === 'object' && wanted !== null) {
    if (typeof actual !== 'object' || actual === null) return false;
    const row = actual as Record<string, unknown>;
    return Object.entries(wanted).every(([field, value]) => sameValue(value, row[field]));
  }
  // The gateway may answer integers as decimal strings.
  return wanted === actual || String(wanted) === String(actual);
}
