import { envelope } from './errors';
import { isoZ, maskKey } from './format';
import { sha256Hex } from './ids';
import type { GatewayState, VirtualKey } from './state';
import type { GatewayRequest, JsonReply } from './types';

/** Who is calling: the master key, or a virtual key found in the table. */
export type Caller =
  { kind: 'master'; token: string } | { kind: 'key'; key: VirtualKey; token: string };

export type AuthResult = { caller: Caller } | { reply: JsonReply; token: string };

/** The key a request presents: `Authorization: Bearer …` or `x-litellm-api-key`. */
export function presentedKey(req: GatewayRequest): string | undefined {
  const header = req.headers.authorization ?? req.headers['x-litellm-api-key'];
  if (header === undefined) return undefined;
  const key = header.replace(/^Bearer\s+/i, '').trim();
  return key === '' ? undefined : key;
}

function unknownKey(raw: string, token: string): JsonReply {
  const message =
    'Authentication Error, Invalid proxy server token passed. ' +
    `Received API Key = ${maskKey(raw)}, Key Hash (Token) =${token}. ` +
    'Unable to find token in cache or `LiteLLM_VerificationTokenTable`';
  return envelope(401, message, 'token_not_found_in_db', 'key');
}

function blocked(): JsonReply {
  const message =
    "Authentication Error, Key is blocked. Update via `/key/unblock` if you're admin.";
  return envelope(401, message, 'auth_error');
}

function expired(key: VirtualKey, now: number): JsonReply {
  const message =
    `Authentication Error - Expired Key. Key Expiry time ${isoZ(key.expires ?? 0)} ` +
    `and current time ${isoZ(now)}`;
  return envelope(401, message, 'expired_key', 'token');
}

/** Authenticates a request the way the proxy does before any route runs. */
export async function authenticate(
  req: GatewayRequest,
  state: GatewayState,
  masterKey: string,
  now: number,
): Promise<AuthResult> {
  const raw = presentedKey(req);
  if (raw === undefined) {
    return {
      reply: envelope(401, 'Authentication Error, No api key passed in.', 'auth_error'),
      token: '-',
    };
  }
  const token = await sha256Hex(raw);
  if (raw === masterKey) return { caller: { kind: 'master', token } };
  const key = state.keys.get(token);
  if (!key) return { reply: unknownKey(raw, token), token };
  if (key.blocked === true) return { reply: blocked(), token };
  if (key.expires !== null && key.expires <= now) return { reply: expired(key, now), token };
  return { caller: { kind: 'key', key, token } };
}

/** A virtual key on a route only the proxy admin may use. */
export function adminOnly(path: string): JsonReply {
  const message =
    'Authentication Error, Only proxy admin can be used to generate, delete, update info for ' +
    `new keys/users/teams. Route=${path}. Your role=unknown. Your user_id=unknown`;
  return envelope(401, message, 'auth_error');
}
