import { sha256Hex, looksLikeHash } from './ids';

/** In-memory tables: tiers (the proxy's budget rows) and virtual keys by hash. */

/** Per-model limits inside a tier's `model_max_budget`. */
export interface ModelBudget {
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_budget: number | null;
  budget_duration: string | null;
}

export interface Tier {
  budget_id: string;
  max_budget: number | null;
  soft_budget: number | null;
  max_parallel_requests: number | null;
  tpm_limit: number | null;
  rpm_limit: number | null;
  model_max_budget: Record<string, ModelBudget> | null;
  budget_duration: string | null;
  /** Epoch ms, or null when the tier has no duration. */
  budget_reset_at: number | null;
  created_at: number;
  updated_at: number;
}

/** What a key last loaded of its tier; see `tierCacheMs`. */
interface TierSnapshot {
  budgetId: string;
  tier: Tier | null;
  loadedAt: number;
}

export interface VirtualKey {
  /** sha256 of `raw`, the key's id everywhere but the generate answer. */
  token: string;
  raw: string;
  key_alias: string | null;
  models: string[];
  metadata: Record<string, unknown>;
  max_budget: number | null;
  soft_budget: number | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  budget_duration: string | null;
  budget_id: string | null;
  blocked: boolean | null;
  spend: number;
  /** Spend per model, checked against the tier's per-model budgets. */
  modelSpend: Record<string, number>;
  model_rpm_limit: Record<string, number> | null;
  model_tpm_limit: Record<string, number> | null;
  model_max_budget: Record<string, unknown>;
  duration: string | null;
  /** Epoch ms after which the key stops working, or null. */
  expires: number | null;
  created_at: number;
  updated_at: number;
  tierCache: TierSnapshot | null;
}

export class GatewayState {
  /** Insertion order is the order of last write, as a database table scan returns rows. */
  readonly budgets = new Map<string, Tier>();
  readonly keys = new Map<string, VirtualKey>();
  masterSpend = 0;

  putBudget(tier: Tier): void {
    this.budgets.delete(tier.budget_id);
    this.budgets.set(tier.budget_id, tier);
  }

  deleteBudget(budgetId: string): Tier | undefined {
    const tier = this.budgets.get(budgetId);
    if (!tier) return undefined;
    this.budgets.delete(budgetId);
    for (const key of this.keys.values()) {
      if (key.budget_id === budgetId) key.budget_id = null;
    }
    return tier;
  }

  /** A key by its raw value or its hash. */
  async findKey(rawOrHash: string): Promise<VirtualKey | undefined> {
    const direct = looksLikeHash(rawOrHash) ? this.keys.get(rawOrHash) : undefined;
    return direct ?? this.keys.get(await sha256Hex(rawOrHash));
  }

  keyByAlias(alias: string): VirtualKey | undefined {
    for (const key of this.keys.values()) if (key.key_alias === alias) return key;
    return undefined;
  }

  /**
   * The tier a key enforces now. The key keeps the copy it loaded for `cacheMs`, like the
   * proxy's key cache, unless it was pointed at another tier (or lost its tier) meanwhile.
   */
  tierFor(key: VirtualKey, now: number, cacheMs: number): Tier | null {
    if (key.budget_id === null) return null;
    const cache = key.tierCache;
    if (cache && cache.budgetId === key.budget_id && now - cache.loadedAt < cacheMs) {
      return cache.tier;
    }
    const live = this.budgets.get(key.budget_id);
    const tier = live ? structuredClone(live) : null;
    key.tierCache = { budgetId: key.budget_id, tier, loadedAt: now };
    return tier;
  }

  /** The live tier row (what `/key/info` joins), not the cached copy. */
  liveTier(key: VirtualKey): Tier | null {
    return key.budget_id === null ? null : (this.budgets.get(key.budget_id) ?? null);
  }
}
