import type { BudgetRow, TierClient } from '../index';
import { openClient, type GlobalArgs } from './connection';
import { EXIT, type ExitCode } from './exit-codes';
import type { CliIo } from './io';
import { NO_TIER, countKeysByTier } from './key-usage';
import { Output } from './output';

export type StatusArgs = GlobalArgs;

/** One tier as `status` shows it. */
export interface TierStatus {
  budget_id: string;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  max_budget: number | null;
  soft_budget: number | null;
  budget_duration: string | null;
  model_max_budget: unknown;
  keys: number;
}

const COLUMNS = [
  ['TIER', (t: TierStatus) => t.budget_id],
  ['RPM', (t: TierStatus) => t.rpm_limit],
  ['TPM', (t: TierStatus) => t.tpm_limit],
  ['PARALLEL', (t: TierStatus) => t.max_parallel_requests],
  ['MAX $', (t: TierStatus) => t.max_budget],
  ['SOFT $', (t: TierStatus) => t.soft_budget],
  ['RESET', (t: TierStatus) => t.budget_duration],
  ['MODELS', (t: TierStatus) => modelCount(t.model_max_budget)],
  ['KEYS', (t: TierStatus) => t.keys],
] as const;

/** `litellm-tiers status`: every tier's limits and how many keys it holds. */
export async function status(args: StatusArgs, io: CliIo): Promise<ExitCode> {
  const out = new Output(io, args.json ?? false);
  let client: TierClient | undefined;
  try {
    client = openClient(args, io);
    const rows = await client.listBudgets({ signal: io.signal });
    const counts = await countKeysByTier(client, io.signal);
    const tiers = rows.map((row) => tierStatus(row, counts.get(row.budget_id) ?? 0));
    const known = new Set(rows.map((r) => r.budget_id));
    const untiered = counts.get(NO_TIER) ?? 0;
    const elsewhere = [...counts].filter(([id]) => id !== NO_TIER && !known.has(id));
    for (const line of table(tiers)) out.say(line);
    out.say(`${untiered} key${untiered === 1 ? '' : 's'} without a tier.`);
    for (const [id, n] of elsewhere) out.say(`${n} keys name tier "${id}", which does not exist.`);
    out.result({ ok: true, exitCode: EXIT.ok, tiers, untiered,
      unknownTiers: Object.fromEntries(elsewhere) });
    return EXIT.ok;
  } catch (error) {
    return out.fail(error);
  } finally {
    await client?.close();
  }
}

function tierStatus(row: BudgetRow, keys: number): TierStatus {
  return {
    budget_id: row.budget_id,
    rpm_limit: toNumber(row.rpm_limit),
    tpm_limit: toNumber(row.tpm_limit),
    max_parallel_requests: row.max_parallel_requests ?? null,
    max_budget: row.max_budget ?? null,
    soft_budget: row.soft_budget ?? null,
    budget_duration: row.budget_duration ?? null,
    model_max_budget: row.model_max_budget ?? null,
    keys,
  };
}

/** BigInt columns may come back as decimal strings. */
function toNumber(value: number | string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function table(tiers: readonly TierStatus[]): string[] {
  const cells = [
    COLUMNS.map(([title]) => title),
    ...tiers.map((t) => COLUMNS.map(([, get]) => String(get(t) ?? '-'))),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  if (tiers.length === 0) return ['No tiers on the gateway.'];
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

function modelCount(models: unknown): number | null {
  return models && typeof models === 'object' ? Object.keys(models).length : null;
}
