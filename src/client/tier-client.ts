import type { paths } from '../generated/litellm';
import { APIPromise } from './api-promise';
import { closedError } from './attempt-signal';
import { APIError, TierClientError } from './errors';
import { Emitter } from './events';
import type { ClientEvents, LimiterEvents } from './gate';
import { limitedFetch } from './limited-fetch';
import { pricedGate } from './pricing';
import { buildLimiter, hasTier, limitsFromKeyRow, type TierOptions } from './tier-options';
import { estimateTokens } from '../limiter/estimate';
import type { LimiterState } from '../limiter/state';
import type { Limiter } from '../limiter/limiter';
import { keyHash, newBudgetId, newKeySecret } from './idempotency';
import { levelledLogger } from './logger';
import {
  resolveTransportOptions,
  type ResolvedTransportOptions,
  type TransportOptions,
} from './options';
import type { Client } from 'openapi-fetch';
import { send } from './send';
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
  /** Headers of a GET, and of a POST (with its JSON content type). */
  readonly #headers: Record<string, string>;
  readonly #events = new Emitter<TierClientEvents>();
  readonly #ctx: PipelineContext;
  #limiter: Limiter | undefined;
  readonly #jsonHeaders: Record<string, string>;
  #api: Promise<Client<paths>> | undefined;

  /**
   * A `fetch` that sends model calls through this client's tier limiter and feeds their
   * answers back: hand it to openai-node, the Vercel AI SDK or any client taking a `fetch`.
   * Without a tier it is the plain transport.
   */
  readonly fetch: typeof fetch;

  constructor(options: TierClientOptions) {
    const o = (this.#options = resolveTransportOptions(options));
    this.#ctx = {
      options: o,
      log: levelledLogger(o.logger, o.logLevel),
      debug: o.logger !== undefined && o.logLevel === 'debug',
      events: this.#events,
      gate: undefined,
      attempts: new Set(),
      closed: false,
    };
    this.fetch = limitedFetch({
      gate: () => this.#ctx.gate,
      transport: () => o.fetch ?? globalThis.fetch,
      estimate: (body) => this.#estimate(body),
    });
    if (hasTier(options)) this.#installLimiter(options);
    this.#headers = { ...o.defaultHeaders, Authorization: `Bearer ${o.apiKey}` };
    this.#jsonHeaders = { ...this.#headers, 'Content-Type': 'application/json' };
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
      ...this.#options,
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
    return this.#manage('POST', '/budget/new', (api, signal) =>
      api.POST('/budget/new', { body: tier, signal }), options, {
      confirm: (signal) => this.#findBudget(tier, signal),
    });
  }

  /** Changes a tier. Resolves to `null` when no tier has that `budget_id`. */
  updateBudget(body: BudgetUpdateRequest, options?: RequestOptions): APIPromise<BudgetRow | null> {
    return this.#manage('POST', '/budget/update', (api, signal) =>
      api.POST('/budget/update', { body, signal }), options);
  }

  /** Reads tiers by id. */
  getBudgets(budgetIds: string[], options?: RequestOptions): APIPromise<BudgetRow[]> {
    return this.#manage('POST', '/budget/info', (api, signal) =>
      api.POST('/budget/info', { body: { budgets: budgetIds }, signal }), options);
  }

  /** A tier's settings, field by field, with their types and defaults. */
  getBudgetSettings(
    budgetId: string,
    options?: RequestOptions,
  ): APIPromise<BudgetSettingsField[]> {
    const query = { budget_id: budgetId };
    return this.#manage('GET', '/budget/settings', (api, signal) =>
      api.GET('/budget/settings', { params: { query }, signal }), options);
  }

  /** Every tier on the gateway. */
  listBudgets(options?: RequestOptions): APIPromise<BudgetRow[]> {
    return this.#manage('GET', '/budget/list', (api, signal) =>
      api.GET('/budget/list', { signal }), options);
  }

  /**
   * Deletes a tier. Keys bound to it silently lose their tier on the gateway. Resolves to
   * `null` when no tier has that id.
   */
  deleteBudget(budgetId: string, options?: RequestOptions): APIPromise<BudgetRow | null> {
    return this.#manage('POST', '/budget/delete', (api, signal) =>
      api.POST('/budget/delete', { body: { id: budgetId }, signal }), options);
  }

  // ── Keys ─────────────────────────────────────────────────────────────────────────────

  /**
   * Issues a key. When `key` is absent a strong one is chosen here, so that a retry after a
   * lost answer finds the key already made instead of making a second one.
   */
  generateKey(body: GenerateKeyRequest = {}, options?: RequestOptions): APIPromise<GeneratedKey> {
    const request = { ...body, key: body.key ?? newKeySecret() };
    return this.#manage('POST', '/key/generate', (api, signal) =>
      api.POST('/key/generate', { body: request, signal }), options, {
      confirm: (signal) => this.#findGeneratedKey(request.key, signal),
    });
  }

  /** Changes a key; a new `budget_id` moves it to another tier from its next call. */
  updateKey(body: UpdateKeyRequest, options?: RequestOptions): APIPromise<UpdatedKey> {
    return this.#manage('POST', '/key/update', (api, signal) =>
      api.POST('/key/update', { body, signal }), options);
  }

  /**
   * Describes a key, by its secret or its hash (`token`). Without `key`, the calling key
   * describes itself, tier included: the way a virtual key learns its limits.
   */
  getKeyInfo(key?: string, options?: RequestOptions): APIPromise<KeyInfoResponse> {
    const self = key === undefined || key === this.#options.apiKey;
    const query = key === undefined ? {} : { key };
    return this.#manage('GET', '/key/info', (api, signal) =>
      api.GET('/key/info', { params: { query }, signal }), options, { management: !self });
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
      const answer = await this.#manage('GET', '/key/list', (api, signal) =>
        api.GET('/key/list', { params: { query }, signal }), options);
      for (const key of answer.keys) yield key;
      const pages = answer.total_pages ?? 0;
      if (answer.keys.length === 0 || page >= pages) return;
    }
  }

  /** Deletes keys by secret or hash (`keys`) or by alias (`key_aliases`). */
  deleteKey(body: DeleteKeyRequest, options?: RequestOptions): APIPromise<DeleteKeyResponse> {
    return this.#manage('POST', '/key/delete', (api, signal) =>
      api.POST('/key/delete', { body, signal }), options);
  }

  /** Blocks a key: its calls get 401 until it is unblocked. */
  blockKey(key: string, options?: RequestOptions): APIPromise<KeyRow> {
    return this.#manage('POST', '/key/block', (api, signal) =>
      api.POST('/key/block', { body: { key }, signal }), options);
  }

  /** Lifts a block. */
  unblockKey(key: string, options?: RequestOptions): APIPromise<KeyRow> {
    return this.#manage('POST', '/key/unblock', (api, signal) =>
      api.POST('/key/unblock', { body: { key }, signal }), options);
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
    return this.#infer('/v1/chat/completions', body, options, body.stream === true);
  }

  /** Embeddings for one input or many. */
  embeddings(body: EmbeddingRequest, options?: RequestOptions): APIPromise<EmbeddingResponse> {
    return this.#infer('/v1/embeddings', body, options, false);
  }

  /** Ends every call in progress with `APIUserAbortError` and releases timers. */
  async close(): Promise<void> {
    this.#ctx.closed = true;
    for (const attempt of [...this.#ctx.attempts]) attempt.abort('closed', closedError());
    await this.#limiter?.close();
    this.#events.clear();
  }

  /** What `console.log(client)` and `JSON.stringify` show: never the key. */
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.#options.baseUrl, apiKey: maskKey(this.#options.apiKey) };
  }

  // ── The pipeline ─────────────────────────────────────────────────────────────────────

  #call<T>(options: RequestOptions | undefined, spec: CallSpec<T>): APIPromise<T> {
    return new APIPromise(runCall(this.#ctx, spec, options?.signal));
  }

  /**
   * openapi-fetch, typed by the generated `paths`, for the gateway's own routes. Loaded on the
   * first management call: a page that only chats never downloads it.
   */
  #openapi(): Promise<Client<paths>> {
    const o = this.#options;
    return (this.#api ??= import('openapi-fetch').then(({ default: createClient }) =>
      createClient<paths>({
        baseUrl: o.baseUrl,
        // Resolved per request, so a fetch mock installed after construction is still used.
        fetch: (request) => (o.fetch ?? globalThis.fetch)(request),
        headers: this.#headers,
      })));
  }

  /** A route of the gateway's own (tiers, keys), sent through openapi-fetch's typed paths. */
  #manage<T>(
    method: 'GET' | 'POST',
    path: keyof paths,
    send: (api: Client<paths>, signal: AbortSignal) => Promise<Sent<T>>,
    options: RequestOptions | undefined,
    extra?: Partial<CallSpec<T>>,
  ): APIPromise<T> {
    return this.#call(options, {
      method,
      path,
      management: true,
      send: async (signal) => send(await this.#openapi(), signal),
      ...extra,
    });
  }

  /** A model route: through the limiter when the client has a tier. */
  #infer<T>(path: keyof paths, body: { model?: unknown }, options: RequestOptions | undefined,
    stream: boolean): APIPromise<T> {
    return this.#call(options, {
      method: 'POST',
      path,
      management: false,
      stream,
      limited: this.#shape(body),
      send: (signal) => this.#send<T>(path, signal, body, stream),
    });
  }

  /**
   * One model call straight through `fetch(url, init)`: building a `Request` first, as
   * openapi-fetch does, costs about a fifth of the throughput against a fast gateway.
   * `fetch` is looked up now, so a mock installed after construction is used.
   */
  #send<T>(path: keyof paths, signal: AbortSignal, body: unknown, stream: boolean) {
    const o = this.#options;
    return send<T>(o.fetch ?? globalThis.fetch, o.baseUrl + path, {
      method: 'POST', headers: this.#jsonHeaders, signal, stream, body,
    });
  }

  #installLimiter(options: TierOptions): void {
    const limiter = (this.#limiter = buildLimiter(
      options,
      (event) => this.#events.emit(event.type, event as never),
      () => this.#readOwnLimits(undefined),
    ));
    this.#ctx.gate = options.prices ? pricedGate(limiter, options.prices) : limiter;
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

  /** Reads back a tier that a lost answer may have created; only an exact match counts. */
  async #findBudget(tier: BudgetNewRequest & { budget_id: string }, signal: AbortSignal) {
    const id = tier.budget_id;
    const api = await this.#openapi();
    const { data } = await api.POST('/budget/info', { body: { budgets: [id] }, signal });
    const row = Array.isArray(data) ? data.find((r) => r.budget_id === id) : undefined;
    return row && sameValue(tier, row) ? row : undefined;
  }

  /** Looks a key up by hash; a found key means an earlier attempt created it. */
  async #findGeneratedKey(key: string, signal: AbortSignal): Promise<GeneratedKey | undefined> {
    const token = await keyHash(key);
    const api = await this.#openapi();
    const { data, response } = await api.GET('/key/info', {
      params: { query: { key: token } },
      signal,
    });
    const { ok, status, headers } = response;
    if (status === 404 || (ok && !data?.info)) return undefined;
    if (!ok || !data) throw new APIError({
      method: 'GET', path: '/key/info', status, body: undefined, headers,
      message: 'could not confirm whether the key was created',
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
