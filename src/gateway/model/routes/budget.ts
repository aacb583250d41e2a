import { json, type Ctx, type Handler } from '../context';
import { detailError, plainServerError, validationError } from '../errors';
import { pyList } from '../format';
import { randomId } from '../ids';
import { budgetRow } from '../rows';
import type { Tier } from '../state';
import { missingField, parseObjectBody } from '../validate';
import { applyBudgetFields, coerceBudget, durationsParse, resetAt } from './budget-fields';

/** `/budget/*`: tiers, master key only. Errors are `{"detail": {"error": ...}}`. */

/** An empty tier row: every limit unset. */
export function newTier(budgetId: string, now: number): Tier {
  return {
    budget_id: budgetId,
    max_budget: null,
    soft_budget: null,
    max_parallel_requests: null,
    tpm_limit: null,
    rpm_limit: null,
    model_max_budget: null,
    budget_duration: null,
    budget_reset_at: null,
    created_at: now,
    updated_at: now,
  };
}

export const budgetNew: Handler = async (req, ctx) => {
  const parsed = parseObjectBody(req.body);
  if ('reply' in parsed) return parsed.reply;
  const { value, issues } = coerceBudget(parsed.body);
  if (issues.length > 0) return validationError(issues);

  const budgetId = typeof value.budget_id === 'string' ? value.budget_id : randomId();
  // 1.80.7 does not catch the unique-key violation nor a bad duration: a bare 500.
  if (ctx.state.budgets.has(budgetId) || !durationsParse(value)) return plainServerError();

  const now = ctx.now();
  const tier = newTier(budgetId, now);
  applyBudgetFields(tier, value);
  tier.budget_reset_at = resetAt(tier.budget_duration, now);
  ctx.state.putBudget(tier);
  return json(budgetRow(tier));
};

export const budgetUpdate: Handler = async (req, ctx) => {
  const parsed = parseObjectBody(req.body);
  if ('reply' in parsed) return parsed.reply;
  const { value, issues } = coerceBudget(parsed.body);
  if (issues.length > 0) return validationError(issues);
  if (typeof value.budget_id !== 'string') return detailError(400, 'budget_id is required');

  const tier = ctx.state.budgets.get(value.budget_id);
  if (!tier) return json(null);
  if (!durationsParse(value)) return plainServerError();
  const now = ctx.now();
  applyBudgetFields(tier, value, true);
  if (typeof value.budget_duration === 'string')
    tier.budget_reset_at = resetAt(tier.budget_duration, now);
  tier.updated_at = now;
  ctx.state.putBudget(tier);
  return json(budgetRow(tier));
};

export const budgetInfo: Handler = async (req, ctx) => {
  const parsed = parseObjectBody(req.body);
  if ('reply' in parsed) return parsed.reply;
  const ids = parsed.body.budgets;
  if (ids === undefined) return missingField('budgets', parsed.body);
  if (!Array.isArray(ids)) {
    const issue = {
      type: 'list_type',
      loc: ['body', 'budgets'],
      msg: 'Input should be a valid list',
      input: ids,
    };
    return validationError([issue]);
  }
  if (ids.length === 0) {
    return detailError(400, `Specify list of budget id's to query. Passed in=${pyList(ids)}`);
  }
  const rows = [...ctx.state.budgets.values()].filter((t) => ids.includes(t.budget_id));
  return json(rows.map((t) => budgetRow(t)));
};

export const budgetList: Handler = async (_req, ctx) => {
  return json([...ctx.state.budgets.values()].map((t) => budgetRow(t)));
};

export const budgetDelete: Handler = async (req, ctx) => {
  const parsed = parseObjectBody(req.body);
  if ('reply' in parsed) return parsed.reply;
  const id = parsed.body.id;
  if (id === undefined) return missingField('id', parsed.body);
  if (typeof id !== 'string') {
    return validationError([
      {
        type: 'string_type',
        loc: ['body', 'id'],
        msg: 'Input should be a valid string',
        input: id,
      },
    ]);
  }
  const tier = ctx.state.deleteBudget(id);
  return json(tier ? budgetRow(tier) : null);
};

interface Setting {
  name: keyof Tier;
  type: 'Float' | 'Integer' | 'String';
  about: string;
}

// Descriptions are ours; the proxy's own wording differs but the shape is the same.
const SETTINGS: Setting[] = [
  { name: 'max_budget', type: 'Float', about: 'Spend in USD at which calls are refused.' },
  { name: 'soft_budget', type: 'Float', about: 'Spend in USD that raises an alert only.' },
  { name: 'max_parallel_requests', type: 'Integer', about: 'Calls allowed in flight at once.' },
  { name: 'tpm_limit', type: 'Integer', about: 'Tokens allowed per rate-limit window.' },
  { name: 'rpm_limit', type: 'Integer', about: 'Requests allowed per rate-limit window.' },
  { name: 'budget_duration', type: 'String', about: "How often spend resets, e.g. '1h', '30d'." },
];

export const budgetSettings: Handler = async (req, ctx: Ctx) => {
  const budgetId = req.query.budget_id;
  if (budgetId === undefined) {
    return validationError([
      { type: 'missing', loc: ['query', 'budget_id'], msg: 'Field required', input: null },
    ]);
  }
  const tier = ctx.state.budgets.get(budgetId);
  return json(
    SETTINGS.map((s) => ({
      field_name: s.name,
      field_type: s.type,
      field_description: s.about,
      field_value: tier ? tier[s.name] : null,
      stored_in_db: true,
      field_default_value: null,
      premium_field: false,
      nested_fields: null,
    })),
  );
};
