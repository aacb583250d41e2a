import type { FaultRule } from './faults-types';

/** Prices of one model, in USD per token. */
export interface ModelPrice {
  /** USD per prompt token. */
  prompt: number;
  /** USD per completion token. */
  completion: number;
}

/** How the built-in fake upstream answers (it stands in for the provider behind the proxy). */
export interface UpstreamOptions {
  /** `usage.prompt_tokens` of every answer, whatever the prompt. @default 7 */
  promptTokens?: number;
  /** `usage.completion_tokens` unless the message says `[ctoks=N]`. @default 5 */
  completionTokens?: number;
}

/**
 * Options of the local gateway. The defaults reproduce LiteLLM 1.80.7 as recorded in
 * `wire/`; the alternatives are what other proxy versions do.
 */
export interface GatewayOptions {
  /**
   * Length of the fixed rate-limit window in milliseconds (the proxy's
   * `LITELLM_RATE_LIMIT_WINDOW_SIZE`, which is in seconds). `retry-after` reports it
   * rounded up to whole seconds.
   * @default 60000
   */
  windowMs?: number;
  /** Status of a `budget_exceeded` refusal: 400 on 1.80.7, 429 on newer proxies. @default 400 */
  budgetExceededStatus?: 400 | 429;
  /**
   * Whether `/key/generate` embeds the tier row as `litellm_budget_table` (1.80.7) or
   * answers `null` (newer proxies).
   * @default true
   */
  embedTierOnGenerate?: boolean;
  /**
   * Which value wins when both the tier and the key set rpm, tpm or max_budget: `'tier'`
   * (1.80.7) or `'key'` (newer proxies; the tier fills gaps).
   * @default 'tier'
   */
  precedence?: 'tier' | 'key';
  /**
   * How tokens count against `tpm_limit`. `'after'` (1.80.7): one token when a call is
   * admitted, its completion tokens when it ends. `'reserve'` (newer): an estimate is
   * reserved before the call (prompt characters / 4 plus `max_tokens`) and reconciled
   * with the real total after it.
   * @default 'after'
   */
  tokenAccounting?: 'after' | 'reserve';
  /**
   * How long a key keeps the tier it loaded, in milliseconds: a `/budget/update` reaches a
   * key in use only when this runs out (1.80.7 caches keys for 60 s). A `/key/update` or a
   * deleted tier applies on the next call. `0` reads the tier on every call.
   * @default 60000
   */
  tierCacheMs?: number;
  /**
   * CORS: which response headers page scripts may read. `false` exposes none, like the
   * proxy; `true` exposes every header of each answer; a list exposes those names.
   * @default false
   */
  exposeHeaders?: boolean | readonly string[];
  /** The master key. @default a random `sk-master-…` */
  masterKey?: string;
  /**
   * Models served and their prices.
   * @default { 'fake-gpt': { prompt: 0.001, completion: 0.002 } }
   */
  prices?: Readonly<Record<string, ModelPrice>>;
  /** The fake upstream's token counts. */
  upstream?: UpstreamOptions;
  /** Extra time every answer takes, in milliseconds. @default 0 */
  latencyMs?: number;
  /** Faults applied from the start; more can be added with `inject()`. @default [] */
  faults?: readonly FaultRule[];
}

/** Options after defaults: every field present. */
export interface ResolvedOptions {
  windowMs: number;
  budgetExceededStatus: 400 | 429;
  embedTierOnGenerate: boolean;
  precedence: 'tier' | 'key';
  tokenAccounting: 'after' | 'reserve';
  tierCacheMs: number;
  exposeHeaders: boolean | readonly string[];
  masterKey: string;
  prices: Readonly<Record<string, ModelPrice>>;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  faults: readonly FaultRule[];
}

const DEFAULT_PRICES = { 'fake-gpt': { prompt: 0.001, completion: 0.002 } };

function describe(value: unknown): string {
  return `${JSON.stringify(value) ?? String(value)} (${typeof value})`;
}

function nonNegative(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`gateway option ${name} must be a number >= 0, got ${describe(value)}`);
  }
  return value;
}

function oneOf<T>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    const list = allowed.map((a) => JSON.stringify(a)).join(', ');
    throw new TypeError(`gateway option ${name} must be one of ${list}, got ${describe(value)}`);
  }
  return value as T;
}

function randomMasterKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return `sk-master-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function checkPrices(prices: Readonly<Record<string, ModelPrice>>): void {
  for (const [model, price] of Object.entries(prices)) {
    nonNegative(`prices["${model}"].prompt`, price.prompt, 0);
    nonNegative(`prices["${model}"].completion`, price.completion, 0);
  }
}

/** Applies the defaults and rejects impossible values, naming the option. */
export function resolveOptions(options: GatewayOptions = {}): ResolvedOptions {
  const windowMs = nonNegative('windowMs', options.windowMs, 60_000);
  if (windowMs === 0) throw new TypeError('gateway option windowMs must be > 0, got 0 (number)');
  const masterKey = options.masterKey ?? randomMasterKey();
  if (!masterKey.startsWith('sk-')) {
    throw new TypeError(
      `gateway option masterKey must start with "sk-", got a ${masterKey.length}-character string`,
    );
  }
  const prices = options.prices ?? DEFAULT_PRICES;
  checkPrices(prices);

  return {
    windowMs,
    budgetExceededStatus: oneOf(
      'budgetExceededStatus',
      options.budgetExceededStatus,
      [400, 429] as const,
      400,
    ),
    embedTierOnGenerate: oneOf(
      'embedTierOnGenerate',
      options.embedTierOnGenerate,
      [true, false],
      true,
    ),
    precedence: oneOf('precedence', options.precedence, ['tier', 'key'] as const, 'tier'),
    tokenAccounting: oneOf(
      'tokenAccounting',
      options.tokenAccounting,
      ['after', 'reserve'] as const,
      'after',
    ),
    tierCacheMs: nonNegative('tierCacheMs', options.tierCacheMs, 60_000),
    exposeHeaders: options.exposeHeaders ?? false,
    masterKey,
    prices,
    promptTokens: nonNegative('upstream.promptTokens', options.upstream?.promptTokens, 7),
    completionTokens: nonNegative(
      'upstream.completionTokens',
      options.upstream?.completionTokens,
      5,
    ),
    latencyMs: nonNegative('latencyMs', options.latencyMs, 0),
    faults: options.faults ?? [],
  };
}
