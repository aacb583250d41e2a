import { parseDuration } from '../duration';
import { envelope } from '../errors';
import type { GatewayState, VirtualKey } from '../state';
import type { JsonReply } from '../types';
import type { Body, Schema } from '../validate';

/** The fields of GenerateKeyRequest / UpdateKeyRequest and how they land on a key. */

export const KEY_SCHEMA: Schema = {
  key: 'str',
  key_alias: 'str',
  budget_id: 'str',
  models: 'list',
  metadata: 'dict',
  duration: 'str',
  rpm_limit: 'int',
  tpm_limit: 'int',
  max_parallel_requests: 'int',
  max_budget: 'float',
  soft_budget: 'float',
  budget_duration: 'str',
  model_rpm_limit: 'dict',
  model_tpm_limit: 'dict',
  model_max_budget: 'dict',
  blocked: 'bool',
};

const COPIED = [
  'key_alias',
  'budget_id',
  'rpm_limit',
  'tpm_limit',
  'max_parallel_requests',
  'max_budget',
  'soft_budget',
  'budget_duration',
  'model_rpm_limit',
  'model_tpm_limit',
  'blocked',
  'duration',
] as const;

/** Copies the fields present in a coerced body onto a key (a `null` clears a limit). */
export function applyKeyFields(key: VirtualKey, value: Body, now: number): void {
  const target = key as unknown as Record<string, unknown>;
  for (const field of COPIED) if (field in value) target[field] = value[field] ?? null;
  if (Array.isArray(value.models)) key.models = value.models as string[];
  if (value.metadata !== undefined) key.metadata = (value.metadata as Body | null) ?? {};
  if (value.model_max_budget !== undefined)
    key.model_max_budget = (value.model_max_budget as Body | null) ?? {};
  if (typeof value.duration === 'string') key.expires = now + (parseDuration(value.duration) ?? 0);
}

/** Whether a key duration parses (the proxy cannot compute `expires` otherwise). */
export function durationParses(value: Body): boolean {
  return typeof value.duration !== 'string' || parseDuration(value.duration) !== undefined;
}

/** 400 when another key already has this alias; aliases are unique across keys. */
export function aliasTaken(state: GatewayState, value: Body, token: string): JsonReply | null {
  if (typeof value.key_alias !== 'string') return null;
  const owner = state.keyByAlias(value.key_alias);
  if (!owner || owner.token === token) return null;
  const message =
    `Key with alias '${value.key_alias}' already exists. ` +
    'Unique key aliases across all keys are required.';
  return envelope(400, message, 'bad_request_error', 'key_alias');
}

export function keyNotFound(): JsonReply {
  return envelope(404, 'Key not found in database', 'not_found_error', 'key');
}

/** A blank key row, before the request's fields are applied. */
export function blankKey(raw: string, token: string, now: number): VirtualKey {
  return {
    token,
    raw,
    key_alias: null,
    models: [],
    metadata: {},
    max_budget: null,
    soft_budget: null,
    rpm_limit: null,
    tpm_limit: null,
    max_parallel_requests: null,
    budget_duration: null,
    budget_id: null,
    blocked: null,
    spend: 0,
    modelSpend: {},
    model_rpm_limit: null,
    model_tpm_limit: null,
    model_max_budget: {},
    duration: null,
    expires: null,
    created_at: now,
    updated_at: now,
    tierCache: null,
  };
}
