import type { FieldChange, PlanStep } from './plan';

const MARK = { create: '+', update: '~', keep: '=', delete: '-' } as const;

/** The plan as lines for people, one per tier. */
export function planLines(steps: readonly PlanStep[]): string[] {
  const width = Math.max(8, ...steps.map((s) => s.budgetId.length));
  return steps.map((step) => {
    const head = `  ${MARK[step.action]} ${step.action.padEnd(6)} ${step.budgetId.padEnd(width)}`;
    return `${head}  ${detail(step)}`.trimEnd();
  });
}

/** "2 to create, 1 to update, 0 to delete, 3 unchanged". */
export function planSummary(steps: readonly PlanStep[]): string {
  const count = (action: PlanStep['action']) => steps.filter((s) => s.action === action).length;
  return `${count('create')} to create, ${count('update')} to update, ` +
    `${count('delete')} to delete, ${count('keep')} unchanged`;
}

function detail(step: PlanStep): string {
  switch (step.action) {
    case 'create':
      return Object.entries(step.tier)
        .filter(([field]) => field !== 'budget_id')
        .map(([field, value]) => `${field}=${show(value)}`)
        .join(', ');
    case 'update':
      return step.changes.map(change).join('; ');
    case 'keep':
      return '';
    case 'delete':
      return deletion(step.keys, step.refused);
  }
}

function change({ field, from, to }: FieldChange): string {
  return `${field} ${show(from)} → ${to === null ? '(cleared)' : show(to)}`;
}

function deletion(keys: number | undefined, refused: boolean | undefined): string {
  const held = keys === undefined ? '' : `${keys} key${keys === 1 ? '' : 's'}`;
  if (refused) return `${held}: REFUSED, keys still use it (--force deletes it and un-tiers them)`;
  return keys ? `${held}, which ${keys === 1 ? 'loses its' : 'lose their'} tier` : held;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '(unset)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
