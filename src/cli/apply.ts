import type { TierClient } from '../index';
import { openClient, type GlobalArgs } from './connection';
import { describeError } from './errors';
import { EXIT, type ExitCode } from './exit-codes';
import type { CliIo } from './io';
import { countKeysByTier } from './key-usage';
import { Output } from './output';
import { diffTier, planTiers, updateBody, type PlanStep } from './plan';
import { planLines, planSummary } from './plan-text';
import { readTierFile } from './tier-file';

export interface ApplyArgs extends GlobalArgs {
  /** The YAML or JSON tier file. */
  file: string;
  /** Print the plan and change nothing. @default false */
  dryRun?: boolean | undefined;
  /** Delete tiers the file does not name. @default false */
  prune?: boolean | undefined;
  /** With `prune`, delete tiers even when keys still use them. @default false */
  force?: boolean | undefined;
}

interface StepOutcome {
  budgetId: string;
  action: PlanStep['action'];
  ok: boolean;
  error?: string;
}

/** `litellm-tiers apply <file>`: makes the gateway's tiers match the file. */
export async function apply(args: ApplyArgs, io: CliIo): Promise<ExitCode> {
  const out = new Output(io, args.json ?? false);
  let client: TierClient | undefined;
  try {
    const declared = await readTierFile(args.file);
    client = openClient(args, io);
    const plan = await makePlan(client, declared.map((d) => d.tier), args, io.signal);
    showPlan(out, args, plan);
    const refused = plan.filter((s) => s.action === 'delete' && s.refused);
    if (refused.length) return refuse(out, plan, refused);
    if (args.dryRun) return finish(out, args, plan, [], EXIT.ok);
    const outcomes = await execute(client, plan, io.signal);
    return finish(out, args, plan, outcomes, exitFor(outcomes, io.signal));
  } catch (error) {
    return out.fail(error);
  } finally {
    await client?.close();
  }
}

async function makePlan(
  client: TierClient,
  tiers: Parameters<typeof planTiers>[0],
  args: ApplyArgs,
  signal: AbortSignal | undefined,
): Promise<PlanStep[]> {
  const rows = await client.listBudgets({ signal });
  const plan = planTiers(tiers, rows, args.prune ?? false);
  if (!plan.some((s) => s.action === 'delete')) return plan;

  // Deleting a tier silently un-tiers its keys, so count them first.
  const counts = await countKeysByTier(client, signal);
  return plan.map((step) => {
    if (step.action !== 'delete') return step;
    const keys = counts.get(step.budgetId) ?? 0;
    return { ...step, keys, refused: keys > 0 && !args.force };
  });
}

function showPlan(out: Output, args: ApplyArgs, plan: readonly PlanStep[]): void {
  out.say(`Plan for ${args.file}${args.dryRun ? ' (dry run: nothing will be written)' : ''}:`);
  for (const line of planLines(plan)) out.say(line);
  out.say(`${planSummary(plan)}.`);
}

function refuse(out: Output, plan: readonly PlanStep[], refused: readonly PlanStep[]): ExitCode {
  const ids = refused.map((s) => `"${s.budgetId}"`).join(', ');
  const error = `--prune would delete ${ids}, which keys still use; nothing was changed. ` +
    'Move the keys first (keys move) or add --force to un-tier them.';
  out.note(`error: ${error}`);
  out.result({ ok: false, exitCode: EXIT.usage, dryRun: false, plan, outcomes: [], error });
  return EXIT.usage;
}

/** Runs the steps in order, going on past a failed one; stops starting new ones on Ctrl-C. */
async function execute(
  client: TierClient,
  plan: readonly PlanStep[],
  signal: AbortSignal | undefined,
): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (const step of plan) {
    if (step.action === 'keep') continue;
    if (signal?.aborted) break;
    try {
      await run(client, step, signal);
      outcomes.push({ budgetId: step.budgetId, action: step.action, ok: true });
    } catch (error) {
      outcomes.push({ budgetId: step.budgetId, action: step.action, ok: false,
        error: describeError(error) });
    }
  }
  return outcomes;
}

async function run(client: TierClient, step: PlanStep, signal?: AbortSignal): Promise<void> {
  const options = { signal };
  if (step.action === 'delete') {
    await client.deleteBudget(step.budgetId, options);
    return;
  }
  if (step.action === 'keep') return;
  const row = step.action === 'create'
    ? await client.createBudget(step.tier, options)
    : await client.updateBudget(updateBody(step.budgetId, step.changes), options);
  if (row === null) throw new Error(`tier "${step.budgetId}" disappeared during the run`);
  // Read the answer back: a gateway may accept a field and not store it (e.g. ignore null).
  const left = diffTier(step.tier, row);
  if (left.length) throw notApplied(left);
}

function notApplied(left: ReturnType<typeof diffTier>): Error {
  const kept = left.map((c) => `${c.field}=${JSON.stringify(c.from)}`).join(', ');
  const cleared = left.some((c) => c.to === null);
  const error = new Error(
    `the gateway answered but kept ${kept}` +
      (cleared ? ' although it was sent null; LiteLLM versions that drop null fields on ' +
        '/budget/update cannot clear a field (only re-creating the tier does)' : ''),
  );
  error.name = 'NotApplied';
  return error;
}

function exitFor(outcomes: readonly StepOutcome[], signal?: AbortSignal): ExitCode {
  const done = outcomes.filter((o) => o.ok).length;
  if (signal?.aborted) return EXIT.interrupted;
  if (done === outcomes.length) return EXIT.ok;
  return done > 0 ? EXIT.partial : EXIT.failure;
}

function finish(
  out: Output,
  args: ApplyArgs,
  plan: readonly PlanStep[],
  outcomes: readonly StepOutcome[],
  code: ExitCode,
): ExitCode {
  for (const o of outcomes.filter((x) => !x.ok)) {
    out.note(`failed: ${o.action} ${o.budgetId}: ${o.error}`);
  }
  const done = outcomes.filter((o) => o.ok).length;
  if (args.dryRun) out.say('Dry run: nothing was written.');
  else if (outcomes.length === 0) out.say('Nothing to change.');
  else out.say(`Applied ${done} of ${outcomes.length} change${outcomes.length === 1 ? '' : 's'}.`);
  if (code === EXIT.interrupted) out.note('interrupted: run the same command again to finish');
  const dryRun = args.dryRun ?? false;
  out.result({ ok: code === EXIT.ok, exitCode: code, dryRun, plan, outcomes });
  return code;
}
