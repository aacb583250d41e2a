import { isoOffset, isoZ, maskKey } from './format';
import type { ModelBudget, Tier, VirtualKey } from './state';

/**
 * Rows in the exact field order and types the proxy answers with. Each route joins a
 * slightly different set of columns; the recorded shapes are reproduced one by one.
 */

type Stamp = (ms: number) => string;
type Row = Record<string, unknown>;

function modelBudgets(map: Record<string, ModelBudget> | null): Row | null {
  if (map === null) return null;
  const out: Row = {};
  for (const [model, b] of Object.entries(map)) {
    out[model] = {
      rpm_limit: b.rpm_limit,
      tpm_limit: b.tpm_limit,
      max_budget: b.max_budget,
      budget_duration: b.budget_duration,
    };
  }
  return out;
}

/** A `LiteLLM_BudgetTable` row. */
export function budgetRow(tier: Tier, stamp: Stamp = isoZ): Row {
  return {
    budget_id: tier.budget_id,
    max_budget: tier.max_budget,
    soft_budget: tier.soft_budget,
    max_parallel_requests: tier.max_parallel_requests,
    tpm_limit: tier.tpm_limit,
    rpm_limit: tier.rpm_limit,
    model_max_budget: modelBudgets(tier.model_max_budget),
    budget_duration: tier.budget_duration,
    budget_reset_at: tier.budget_reset_at === null ? null : stamp(tier.budget_reset_at),
    created_at: stamp(tier.created_at),
    created_by: 'default_user_id',
    updated_at: stamp(tier.updated_at),
    updated_by: 'default_user_id',
    organization: null,
    keys: null,
    end_users: null,
    tags: null,
    team_membership: null,
    organization_membership: null,
  };
}

function expiry(key: VirtualKey, stamp: Stamp): string | null {
  return key.expires === null ? null : stamp(key.expires);
}

/** The key columns shared by `/key/info`, `/key/update` and `/key/unblock`. */
export function keyRow(key: VirtualKey, tier: Row | null, stamp: Stamp): Row {
  return {
    key_name: maskKey(key.raw),
    key_alias: key.key_alias,
    soft_budget_cooldown: false,
    spend: key.spend,
    expires: expiry(key, stamp),
    models: key.models,
    aliases: {},
    config: {},
    user_id: null,
    team_id: null,
    permissions: {},
    max_parallel_requests: key.max_parallel_requests,
    metadata: key.metadata,
    blocked: key.blocked,
    tpm_limit: key.tpm_limit,
    rpm_limit: key.rpm_limit,
    max_budget: key.max_budget,
    budget_duration: key.budget_duration,
    budget_reset_at: null,
    allowed_cache_controls: [],
    allowed_routes: [],
    model_spend: {},
    model_max_budget: key.model_max_budget,
    budget_id: key.budget_id,
    organization_id: null,
    object_permission_id: null,
    created_at: stamp(key.created_at),
    created_by: 'default_user_id',
    updated_at: stamp(key.updated_at),
    updated_by: 'default_user_id',
    rotation_count: 0,
    auto_rotate: false,
    rotation_interval: null,
    last_rotation_at: null,
    key_rotation_at: null,
    litellm_budget_table: tier,
    litellm_organization_table: null,
    object_permission: null,
  };
}

/** `/key/info`: the tier is always joined, timestamps with `+00:00`. */
export function keyInfoRow(key: VirtualKey, tier: Tier | null): Row {
  return keyRow(key, tier && budgetRow(tier, isoOffset), isoOffset);
}

/** The auth-object shape `/key/block` answers with (and `/key/list` extends). */
export function keyAuthRow(key: VirtualKey): Row {
  return {
    token: key.token,
    key_name: maskKey(key.raw),
    key_alias: key.key_alias,
    spend: key.spend,
    max_budget: key.max_budget,
    expires: expiry(key, isoZ),
    models: key.models,
    aliases: {},
    config: {},
    user_id: null,
    team_id: null,
    max_parallel_requests: key.max_parallel_requests,
    metadata: key.metadata,
    tpm_limit: key.tpm_limit,
    rpm_limit: key.rpm_limit,
    budget_duration: key.budget_duration,
    budget_reset_at: null,
    allowed_cache_controls: [],
    allowed_routes: [],
    permissions: {},
    model_spend: {},
    model_max_budget: key.model_max_budget,
    soft_budget_cooldown: false,
    blocked: key.blocked,
    litellm_budget_table: null,
    org_id: null,
    created_at: isoZ(key.created_at),
    created_by: 'default_user_id',
    updated_at: isoZ(key.updated_at),
    updated_by: 'default_user_id',
    object_permission_id: null,
    object_permission: null,
    rotation_count: 0,
    auto_rotate: false,
    rotation_interval: null,
    last_rotation_at: null,
    key_rotation_at: null,
  };
}

const LIST_NULLS = [
  'team_spend',
  'team_alias',
  'team_tpm_limit',
  'team_rpm_limit',
  'team_max_budget',
] as const;
const LIST_NULLS_AFTER_SOFT = [
  'team_model_aliases',
  'team_member',
  'team_metadata',
  'team_object_permission_id',
  'team_member_spend',
  'team_member_tpm_limit',
  'team_member_rpm_limit',
  'end_user_id',
  'end_user_tpm_limit',
  'end_user_rpm_limit',
  'end_user_max_budget',
  'organization_max_budget',
  'organization_tpm_limit',
  'organization_rpm_limit',
  'organization_metadata',
  'last_refreshed_at',
  'api_key',
  'user_role',
  'allowed_model_region',
  'parent_otel_span',
  'rpm_limit_per_model',
  'tpm_limit_per_model',
  'user_tpm_limit',
  'user_rpm_limit',
  'user_email',
  'request_route',
] as const;

/** `/key/list?return_full_object=true`: the auth object with its team and user columns. */
export function keyListRow(key: VirtualKey): Row {
  const row = keyAuthRow(key);
  for (const name of LIST_NULLS) row[name] = null;
  row.team_models = [];
  row.team_blocked = false;
  row.soft_budget = key.soft_budget;
  for (const name of LIST_NULLS_AFTER_SOFT) row[name] = null;
  return row;
}

/** The `/key/generate` answer: the request echoed, the secret, and (1.80.7) the tier. */
export function generatedKey(key: VirtualKey, tier: Tier | null): Row {
  return {
    key_alias: key.key_alias,
    duration: key.duration,
    models: key.models,
    spend: 0,
    max_budget: key.max_budget,
    user_id: null,
    team_id: null,
    max_parallel_requests: key.max_parallel_requests,
    metadata: key.metadata,
    tpm_limit: key.tpm_limit,
    rpm_limit: key.rpm_limit,
    budget_duration: key.budget_duration,
    allowed_cache_controls: [],
    config: {},
    permissions: {},
    model_max_budget: key.model_max_budget,
    model_rpm_limit: key.model_rpm_limit,
    model_tpm_limit: key.model_tpm_limit,
    guardrails: null,
    prompts: null,
    blocked: key.blocked,
    aliases: {},
    object_permission: null,
    key: key.raw,
    budget_id: key.budget_id,
    tags: null,
    enforced_params: null,
    allowed_routes: [],
    allowed_passthrough_routes: null,
    allowed_vector_store_indexes: null,
    rpm_limit_type: null,
    tpm_limit_type: null,
    key_name: maskKey(key.raw),
    expires: expiry(key, isoZ),
    token_id: key.token,
    organization_id: null,
    litellm_budget_table: tier && budgetRow(tier),
    token: key.token,
    created_by: 'default_user_id',
    updated_by: 'default_user_id',
    created_at: isoZ(key.created_at),
    updated_at: isoZ(key.updated_at),
  };
}
