import { APIUserAbortError, TierClientError, maskSecrets } from '../index';
import { EXIT, type ExitCode } from './exit-codes';

/** A mistake in the arguments or a file, found before anything was sent: exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The exit code a failure that ended a command maps to. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof APIUserAbortError) return EXIT.interrupted;
  // AbortSignal.throwIfAborted() throws a DOMException named AbortError.
  if (error instanceof Error && error.name === 'AbortError') return EXIT.interrupted;
  return EXIT.failure;
}

/** One line saying what failed, with every key-shaped string masked. */
export function describeError(error: unknown): string {
  if (error instanceof UsageError || error instanceof TierClientError) {
    return maskSecrets(error.message);
  }
  if (error instanceof Error) return maskSecrets(`${error.name}: ${error.message}`);
  return maskSecrets(String(error));
}
