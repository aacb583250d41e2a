import { TierClient } from '../index';
import { UsageError } from './errors';
import type { CliIo } from './io';

/** The options every command shares: where the gateway is and how hard to try. */
export interface GlobalArgs {
  /** The gateway origin; falls back to `LITELLM_BASE_URL`. */
  baseUrl?: string | undefined;
  /** The master key; falls back to `LITELLM_MASTER_KEY`. */
  masterKey?: string | undefined;
  /** One JSON document on stdout instead of lines for people. @default false */
  json?: boolean | undefined;
  /** How long one request may take, in milliseconds. @default 30000 */
  timeoutMs?: number | undefined;
  /** Retries of a failed request (5xx, lost connections). @default 3 */
  maxRetries?: number | undefined;
}

export const CONNECTION_DEFAULTS = { timeoutMs: 30_000, maxRetries: 3 } as const;

/** A client for the gateway the flags or the environment name; a usage error when neither does. */
export function openClient(args: GlobalArgs, io: CliIo): TierClient {
  const baseUrl = args.baseUrl ?? io.env['LITELLM_BASE_URL'];
  const masterKey = args.masterKey ?? io.env['LITELLM_MASTER_KEY'];
  if (!baseUrl) throw new UsageError('no gateway: pass --base-url or set LITELLM_BASE_URL');
  if (!masterKey) {
    throw new UsageError('no master key: pass --master-key or set LITELLM_MASTER_KEY');
  }
  try {
    return new TierClient({
      baseUrl,
      apiKey: masterKey,
      timeoutMs: args.timeoutMs ?? CONNECTION_DEFAULTS.timeoutMs,
      maxRetries: args.maxRetries ?? CONNECTION_DEFAULTS.maxRetries,
    });
  } catch (error) {
    // The client's option errors name the option; here the user knows it as a flag.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
