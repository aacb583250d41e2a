import type { TierClient } from '../index';
import { openClient, type GlobalArgs } from './connection';
import { UsageError, describeError } from './errors';
import { EXIT, type ExitCode } from './exit-codes';
import type { CliIo } from './io';
import { keyTiers } from './key-usage';
import { Output } from './output';
import { runPool } from './pool';
import { startProgress } from './progress';

export interface KeysMoveArgs extends GlobalArgs {
  /** The tier the keys are on now. */
  from: string;
  /** The tier to put them on; it must exist. */
  to: string;
  /** Keys changed at once. @default 8 */
  concurrency?: number | undefined;
  /** Count the keys and change nothing. @default false */
  dryRun?: boolean | undefined;
}

/**
 * `litellm-tiers keys move`: re-tiers every key of one tier, effective on each key's next
 * call. Safe to re-run: keys already moved are no longer found on the old tier.
 */
export async function keysMove(args: KeysMoveArgs, io: CliIo): Promise<ExitCode> {
  const out = new Output(io, args.json ?? false);
  let client: TierClient | undefined;
  try {
    if (args.from === args.to) throw new UsageError('--from and --to name the same tier');
    const concurrency = checkConcurrency(args.concurrency ?? 8);
    client = openClient(args, io);
    await checkTarget(client, args.to, io.signal);
    const tokens = await keysOf(client, args.from, io.signal);
    if (args.dryRun) return done(out, args, tokens.length, 0, [], EXIT.ok);
    const { moved, failed } = await move(client, tokens, args.to, concurrency, io);
    return done(out, args, tokens.length, moved, failed, exitCode(moved, failed.length, io.signal));
  } catch (error) {
    return out.fail(error);
  } finally {
    await client?.close();
  }
}

function checkConcurrency(value: number): number {
  if (Number.isSafeInteger(value) && value >= 1 && value <= 256) return value;
  throw new UsageError(`--concurrency must be a whole number from 1 to 256, got ${value}`);
}

async function checkTarget(client: TierClient, tier: string, signal?: AbortSignal) {
  const rows = await client.getBudgets([tier], { signal });
  if (!rows.some((row) => row.budget_id === tier)) {
    throw new UsageError(`no tier "${tier}" on the gateway to move keys to`);
  }
}

/** The hashes of the keys on a tier (`/key/list` cannot filter by tier). */
async function keysOf(client: TierClient, tier: string, signal?: AbortSignal) {
  const keys = await keyTiers(client, signal);
  return keys.filter((k) => k.tier === tier).map((k) => k.token);
}

async function move(
  client: TierClient,
  tokens: readonly string[],
  to: string,
  concurrency: number,
  io: CliIo,
): Promise<{ moved: number; failed: Array<{ token: string; error: string }> }> {
  const failed: Array<{ token: string; error: string }> = [];
  let moved = 0;
  const progress = startProgress(io.stderr, `move to ${to}`, tokens.length);
  await runPool(tokens, concurrency, async (token) => {
    try {
      await client.updateKey({ key: token, budget_id: to }, { signal: io.signal });
      moved += 1;
    } catch (error) {
      if (!io.signal?.aborted) failed.push({ token, error: describeError(error) });
    }
    progress.tick();
  }, () => Boolean(io.signal?.aborted));
  progress.stop();
  return { moved, failed };
}

function exitCode(moved: number, failed: number, signal?: AbortSignal): ExitCode {
  if (signal?.aborted) return EXIT.interrupted;
  if (failed === 0) return EXIT.ok;
  return moved > 0 ? EXIT.partial : EXIT.failure;
}

function done(
  out: Output,
  args: KeysMoveArgs,
  found: number,
  moved: number,
  failed: ReadonlyArray<{ token: string; error: string }>,
  code: ExitCode,
): ExitCode {
  for (const f of failed.slice(0, 20)) out.note(`failed: key ${f.token.slice(0, 12)}…: ${f.error}`);
  if (args.dryRun) out.say(`${found} keys on ${args.from} would move to ${args.to} (dry run).`);
  else out.say(`Moved ${moved} of ${found} keys from ${args.from} to ${args.to}.`);
  if (code === EXIT.interrupted) out.note('interrupted: run the same command again to finish');
  out.result({ ok: code === EXIT.ok, exitCode: code, from: args.from, to: args.to,
    dryRun: args.dryRun ?? false, found, moved, failed });
  return code;
}
