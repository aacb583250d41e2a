import type { Logger, LogLevel } from './logger';
import { maskSecrets } from './secrets';

/** How the client reaches the gateway and how hard it tries. */
export interface TransportOptions {
  /** The gateway's origin, e.g. `http://localhost:4000`. A trailing `/v1` is allowed. */
  baseUrl: string;
  /** The master key, an admin key, or a virtual key (`sk-…`). Sent as `Authorization: Bearer`. */
  apiKey: string;
  /**
   * The `fetch` to send with. Looked up at call time, so a mock installed after the client
   * was built (msw) still sees every request.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch | undefined;
  /**
   * How long one attempt may wait for the gateway's answer, in milliseconds. For streams,
   * until the first byte of the answer.
   * @default 600000
   */
  timeoutMs?: number | undefined;
  /**
   * How many times a failed call is retried (408, 409, a gateway 429, 5xx, network errors).
   * @default 2
   */
  maxRetries?: number | undefined;
  /** Receives log lines; keys in them are masked. @default none (silent) */
  logger?: Logger | undefined;
  /** The lowest level passed to `logger`. @default 'warn' */
  logLevel?: LogLevel | undefined;
  /**
   * Allows budget and key management from a browser. A page's key is visible to its users,
   * so management calls are refused there unless this is set.
   * @default false
   */
  dangerouslyAllowBrowser?: boolean | undefined;
  /** Extra headers sent with every request. */
  defaultHeaders?: Record<string, string> | undefined;
}

export interface ResolvedTransportOptions {
  baseUrl: string;
  apiKey: string;
  fetch: typeof fetch | undefined;
  timeoutMs: number;
  maxRetries: number;
  logger: Logger | undefined;
  logLevel: LogLevel;
  dangerouslyAllowBrowser: boolean;
  defaultHeaders: Record<string, string>;
}

export const TRANSPORT_DEFAULTS = {
  timeoutMs: 600_000,
  maxRetries: 2,
  logLevel: 'warn',
  dangerouslyAllowBrowser: false,
} as const satisfies Partial<ResolvedTransportOptions>;

const LEVELS = ['debug', 'info', 'warn', 'error', 'off'];

/** Validates once, at construction: each error names the option and echoes its value. */
export function resolveTransportOptions(options: TransportOptions): ResolvedTransportOptions {
  if (options === null || typeof options !== 'object') {
    throw optionError('options', options, 'an object with baseUrl and apiKey');
  }
  const baseUrl = checkBaseUrl(options.baseUrl);
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
    throw optionError('apiKey', options.apiKey, 'a non-empty string');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw optionError('fetch', options.fetch, 'a function');
  }
  const timeoutMs = options.timeoutMs ?? TRANSPORT_DEFAULTS.timeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw optionError('timeoutMs', options.timeoutMs, 'a positive number of milliseconds');
  }
  const maxRetries = options.maxRetries ?? TRANSPORT_DEFAULTS.maxRetries;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw optionError('maxRetries', options.maxRetries, 'a whole number ≥ 0');
  }
  const logLevel = options.logLevel ?? TRANSPORT_DEFAULTS.logLevel;
  if (!LEVELS.includes(logLevel)) {
    throw optionError('logLevel', options.logLevel, `one of ${LEVELS.join(', ')}`);
  }
  return {
    baseUrl,
    apiKey: options.apiKey,
    fetch: options.fetch,
    timeoutMs,
    maxRetries,
    logger: options.logger,
    logLevel,
    dangerouslyAllowBrowser: options.dangerouslyAllowBrowser ?? false,
    defaultHeaders: { ...options.defaultHeaders },
  };
}

function checkBaseUrl(value: unknown): string {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) {
    throw optionError('baseUrl', value, 'an http(s) URL such as http://localhost:4000');
  }
  // Routes are written with their /v1 prefix where the gateway has one.
  return value.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** A TypeError that names the option, echoes the value and its type, and says what fits. */
export function optionError(name: string, value: unknown, expected: string): TypeError {
  // A key may hide inside a wrong value (an array, an object, a `Bearer …` string).
  const shown = typeof value === 'string' && /^sk-/.test(value)
    ? '(a key)'
    : maskSecrets(safeShow(value));
  return new TypeError(
    `Option \`${name}\` should be ${expected}, got ${shown} (${typeOf(value)}).`,
  );
}

function safeShow(value: unknown): string {
  try {
    return typeof value === 'function' ? '[function]' : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
