import type { BudgetWarningEvent } from './events';
import type { TierLimits } from './limits';
import type { BudgetRefusal } from './refusals';

/** What a settled call taught about money. All amounts USD. */
export interface SpendReport {
  /** Cost of this call (`x-litellm-response-cost`, or what the client computed). */
  cost: number | null;
  /** The key's spend before this call as the gateway saw it (`x-litellm-key-spend`). */
  keySpend: number | null;
  model: string | undefined;
}

/**
 * The key's spend and each model's, as seen from here: the running sum of costs, raised to
 * what the gateway reports. The gateway checks `spend >= max_budget` before a call, so at or
 * over the budget nothing more is sent.
 */
export class BudgetBook {
  #keySpend: number;
  readonly #modelSpend = new Map<string, number>();
  /** The gateway said budget_exceeded: spent, whatever the local sum says. */
  #keySpent = false;
  readonly #modelsSpent = new Set<string>();
  #warned = false;

  constructor(spend: number) {
    this.#keySpend = spend;
  }

  get spend(): number {
    return this.#keySpend;
  }

  spendOf(model: string): number {
    return this.#modelSpend.get(model) ?? 0;
  }

  record(report: SpendReport): void {
    const cost = report.cost ?? 0;
    const gateway = report.keySpend === null ? 0 : report.keySpend + cost;
    this.#keySpend = Math.max(this.#keySpend + cost, gateway);
    if (report.model !== undefined && cost > 0) {
      this.#modelSpend.set(report.model, this.spendOf(report.model) + cost);
    }
  }

  /** The gateway refused for budget. `spend` is what its message said, when it said it. */
  markSpent(model: string | undefined, spend: number | undefined): void {
    if (model !== undefined) {
      this.#modelsSpent.add(model);
      return;
    }
    this.#keySpent = true;
    if (spend !== undefined) this.#keySpend = Math.max(this.#keySpend, spend);
  }

  /** An authoritative re-read (reload, a reset budget): replaces the local view. */
  reset(spend: number): void {
    this.#keySpend = spend;
    this.#keySpent = false;
    this.#modelsSpent.clear();
    this.#modelSpend.clear();
  }

  /** Why a call (to `model`) may not go for money reasons, or null. */
  refusal(limits: TierLimits, model: string | undefined): BudgetRefusal | null {
    const { maxBudget, budgetResetAt } = limits;
    if (this.keyIsSpent(limits)) {
      return { limit: 'budget', model, spend: this.#keySpend, maxBudget, resetAt: budgetResetAt };
    }
    if (model === undefined) return null;
    const modelMax = limits.models[model]?.maxBudget ?? null;
    const spent = this.spendOf(model);
    if (this.#modelsSpent.has(model) || (modelMax !== null && spent >= modelMax)) {
      return { limit: 'model_budget', model, spend: spent, maxBudget: modelMax, resetAt: null };
    }
    return null;
  }

  /** Models the gateway said are spent, whatever their local sums say. */
  modelsMarkedSpent(): string[] {
    return [...this.#modelsSpent];
  }

  /** Whether the key's own budget (not a model's) is spent. */
  keyIsSpent(limits: TierLimits): boolean {
    return this.#keySpent || (limits.maxBudget !== null && this.#keySpend >= limits.maxBudget);
  }

  /** The warning to emit now, once per crossing of `softBudget`; re-armed below it. */
  warning(limits: TierLimits): BudgetWarningEvent | null {
    const soft = limits.softBudget;
    const over = soft !== null && this.#keySpend >= soft;
    const warn = over && !this.#warned;
    this.#warned = over;
    if (!warn) return null;
    const { maxBudget } = limits;
    return { type: 'budgetWarning', spend: this.#keySpend, softBudget: soft, maxBudget };
  }
}
