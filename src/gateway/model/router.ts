import type { Handler } from './context';
import {
  budgetDelete,
  budgetInfo,
  budgetList,
  budgetNew,
  budgetSettings,
  budgetUpdate,
} from './routes/budget';
import { modelCall } from './routes/calls';
import { keyBlock, keyDelete, keyRegenerate, keyUnblock, keyUpdate } from './routes/key-admin';
import { keyGenerate } from './routes/key-generate';
import { keyInfo, keyList } from './routes/key-read';
import { liveliness, models } from './routes/misc';

/** The route table: who may call each route, and whether it is a model call (counted in stats). */

export type Access = 'admin' | 'key' | 'open';

export interface Route {
  method: string;
  path: string;
  access: Access;
  /** Model calls are rate-limited, billed and counted in `stats()`. */
  model: boolean;
  handler: Handler;
}

const route = (
  method: string,
  path: string,
  access: Access,
  handler: Handler,
  model = false,
): Route => ({
  method,
  path,
  access,
  handler,
  model,
});

const chat = modelCall('chat');
const embeddings = modelCall('embedding');

export const ROUTES: readonly Route[] = [
  route('POST', '/budget/new', 'admin', budgetNew),
  route('POST', '/budget/update', 'admin', budgetUpdate),
  route('POST', '/budget/info', 'admin', budgetInfo),
  route('GET', '/budget/settings', 'admin', budgetSettings),
  route('GET', '/budget/list', 'admin', budgetList),
  route('POST', '/budget/delete', 'admin', budgetDelete),
  route('POST', '/key/generate', 'admin', keyGenerate),
  route('POST', '/key/update', 'admin', keyUpdate),
  route('GET', '/key/info', 'key', keyInfo),
  route('GET', '/key/list', 'admin', keyList),
  route('POST', '/key/delete', 'admin', keyDelete),
  route('POST', '/key/block', 'admin', keyBlock),
  route('POST', '/key/unblock', 'admin', keyUnblock),
  route('POST', '/key/regenerate', 'admin', keyRegenerate),
  route('POST', '/v1/chat/completions', 'key', chat, true),
  route('POST', '/chat/completions', 'key', chat, true),
  route('POST', '/v1/embeddings', 'key', embeddings, true),
  route('POST', '/embeddings', 'key', embeddings, true),
  route('GET', '/v1/models', 'key', models),
  route('GET', '/models', 'key', models),
  route('GET', '/health/liveliness', 'open', liveliness),
];

/** The route for a request, `'method'` when only the method is wrong, or `undefined`. */
export function findRoute(method: string, path: string): Route | 'method' | undefined {
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const candidates = ROUTES.filter((r) => r.path === normalized);
  if (candidates.length === 0) return undefined;
  const upper = method.toUpperCase();
  return (
    candidates.find((r) => r.method === upper || (upper === 'HEAD' && r.method === 'GET')) ??
    'method'
  );
}
