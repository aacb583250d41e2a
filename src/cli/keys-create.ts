import type { TierClient } from '../index';
import { openClient, type GlobalArgs } from './connection';
import { UsageError } from './errors';
import { EXIT, type ExitCode } from './exit-codes';
import type { CliIo } from './io';
import { checkPrefix, keyAlias } from './key-aliases';
import { KeyLedger, type KeyIntent, type KeyRecord } from './key-ledger';
import { KeyProvisioner } from './key-provisioner';
import { Output } from './output';
import { runPool } from './pool';
import { startProgress } from './progress';

export interface KeysCreateArgs extends GlobalArgs {
  /** The tier (`budget_id`) every key is bound to. */
  tier: string;
  /** How many keys the tier should have under this prefix in total (not how many more). */
  count: number;
  /** The JSON-lines file the keys are appended to (mode 0600). */
  out: string;
  /** First part of each alias. @default 'key' */
  aliasPrefix?: string | undefined;
  /** Models the keys may call. @default all */
  models?: string[] | undefined;
  /** Metadata stored on every key. */
  metadata?: Record<string, unknown> | undefined;
  /** Keys requested at once. @default 8 */
  concurrency?: number | undefined;
  /** Print the secrets on stdout (they are always in the file). @default false */
  showKeys?: boolean | undefined;
}

export const KEYS_CREATE_DEFAULTS = { aliasPrefix: 'key', concurrency: 8 } as const;

interface Work {
  aliases: string[];
  present: number;
  recover: KeyIntent[];
  create: string[];
}

/** `litellm-tiers keys create`: makes the tier's keys that are missing, exactly once each. */
export async function keysCreate(args: KeysCreateArgs, io: CliIo): Promise<ExitCode> {
  const out = new Output(io, args.json ?? false);
  let client: TierClient | undefined;
  let ledger: KeyLedger | undefined;
  try {
    const prefix = checkArgs(args);
    client = openClient(args, io);
    await checkTier(client, args.tier, io.signal);
    ledger = await KeyLedger.open(args.out);
    const work = sortWork(ledger, prefix, args);
    out.note(`${args.tier}: ${args.count} keys wanted; ${work.present} already in ${args.out}, ` +
      `${work.recover.length} to confirm, ${work.create.length} to create`);
    const provisioner = await provision(client, ledger, work, args, io);
    return report(out, args, work, provisioner, ledger, io.signal);
  } catch (error) {
    return out.fail(error);
  } finally {
    await ledger?.close();
    await client?.close();
  }
}

function checkArgs(args: KeysCreateArgs): string {
  if (!Number.isSafeInteger(args.count) || args.count < 1) {
    throw new UsageError(`--count must be a whole number ≥ 1, got ${args.count}`);
  }
  const concurrency = args.concurrency ?? KEYS_CREATE_DEFAULTS.concurrency;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 256, got ${concurrency}`);
  }
  if (args.tier.trim() === '') throw new UsageError('--tier must name a tier (its budget_id)');
  return checkPrefix(args.aliasPrefix ?? KEYS_CREATE_DEFAULTS.aliasPrefix);
}

/** `/key/generate` with an unknown tier answers 500, which would only be retried: ask first. */
async function checkTier(client: TierClient, tier: string, signal?: AbortSignal): Promise<void> {
  const rows = await client.getBudgets([tier], { signal });
  if (!rows.some((row) => row.budget_id === tier)) {
    throw new UsageError(`no tier "${tier}" on the gateway; create it first (apply)`);
  }
}

function sortWork(ledger: KeyLedger, prefix: string, args: KeysCreateArgs): Work {
  const work: Work = { aliases: [], present: 0, recover: [], create: [] };
  for (let n = 1; n <= args.count; n += 1) {
    const alias = keyAlias(prefix, args.tier, n);
    work.aliases.push(alias);
    const pending = ledger.unconfirmed(alias);
    if (ledger.recorded(alias)) work.present += 1;
    else if (pending) work.recover.push(pending);
    else work.create.push(alias);
  }
  return work;
}

async function provision(
  client: TierClient,
  ledger: KeyLedger,
  work: Work,
  args: KeysCreateArgs,
  io: CliIo,
): Promise<KeyProvisioner> {
  const concurrency = args.concurrency ?? KEYS_CREATE_DEFAULTS.concurrency;
  const template = { budget_id: args.tier, models: args.models, metadata: args.metadata };
  const maxInARow = Math.max(10, 2 * concurrency);
  const provisioner = new KeyProvisioner(client, ledger, template, maxInARow, io.signal);
  const progress = startProgress(io.stderr, `keys ${args.tier}`, work.recover.length +
    work.create.length);
  const jobs = [
    ...work.recover.map((intent) => () => provisioner.recover(intent)),
    ...work.create.map((alias) => () => provisioner.create(alias)),
  ];
  await runPool(jobs, concurrency, async (job) => {
    await job();
    progress.tick();
  }, () => provisioner.stopped());
  await provisioner.settled();
  progress.stop();
  return provisioner;
}

function report(
  out: Output,
  args: KeysCreateArgs,
  work: Work,
  run: KeyProvisioner,
  ledger: KeyLedger,
  signal?: AbortSignal,
): ExitCode {
  const keys = work.aliases.map((a) => ledger.recorded(a)).filter((r): r is KeyRecord => !!r);
  const missing = work.aliases.length - keys.length;
  const code = exitCode(run, missing, signal);
  for (const f of run.failures.slice(0, 20)) out.note(`failed: ${f.alias}: ${f.error}`);
  if (run.failures.length > 20) out.note(`... and ${run.failures.length - 20} more failures`);
  if (run.stopped() && !signal?.aborted) out.note('stopped early: the gateway kept failing');
  if (code === EXIT.interrupted) out.note('interrupted: run the same command again to finish');
  out.say(`${keys.length} of ${args.count} keys for tier ${args.tier} are in ${args.out} ` +
    `(${run.created} created now, ${run.recovered} recovered, ${work.present} already there` +
    `${missing ? `, ${missing} missing: run the same command again` : ''}).`);
  if (args.showKeys && !out.json) for (const k of keys) out.say(`${k.key_alias}\t${k.key}`);
  out.result({
    ok: code === EXIT.ok, exitCode: code, tier: args.tier, out: args.out, wanted: args.count,
    inFile: keys.length, created: run.created, recovered: run.recovered,
    alreadyThere: work.present, missing, failures: run.failures,
    ...(args.showKeys ? { keys } : {}),
  }, args.showKeys ?? false);
  return code;
}

function exitCode(run: KeyProvisioner, missing: number, signal?: AbortSignal): ExitCode {
  if (signal?.aborted && missing > 0) return EXIT.interrupted;
  if (missing === 0) return EXIT.ok;
  return run.created + run.recovered > 0 ? EXIT.partial : EXIT.failure;
}
