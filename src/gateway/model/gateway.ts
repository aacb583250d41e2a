import type { Fault, FaultHandle, FaultRule } from '../faults-types';
import { resolveOptions, type GatewayOptions, type ResolvedOptions } from '../options';
import { adminOnly, authenticate, presentedKey, type Caller } from './auth';
import type { Ctx } from './context';
import { preflight, withCors } from './cors';
import { Admitter } from './enforcement/admission';
import { WindowLedger } from './enforcement/windows';
import { methodNotAllowed, plainServerError, routeNotFound } from './errors';
import { cut, drain, errorFrame, FaultBook, faultStatus, malformed } from './faults';
import { sha256Hex } from './ids';
import { Lifetime } from './lifetime';
import { findRoute, type Route } from './router';
import { GatewayState } from './state';
import { StatsRecorder, type GatewayStats } from './stats';
import type { AnsweredReply, GatewayReply, GatewayRequest } from './types';

/** The whole gateway without a transport: one `handle()` for both adapters. */
export interface GatewayModel {
  readonly options: ResolvedOptions;
  readonly masterKey: string;
  /** Answers one request. Never rejects: unexpected errors become the proxy's bare 500. */
  handle(req: GatewayRequest): Promise<GatewayReply>;
  /** What each key's model calls met so far. */
  stats(): GatewayStats;
  /** Adds a scoped fault rule at run time. */
  inject(rule: FaultRule): FaultHandle;
  /** Ends pending waits and streams; later requests still get answers. */
  close(): void;
}

const OPEN_CALLER: Caller = { kind: 'master', token: '-' };

async function dispatch(req: GatewayRequest, route: Route, ctx: Ctx): Promise<AnsweredReply> {
  if (route.access === 'open') return route.handler(req, ctx, OPEN_CALLER);
  const auth = await authenticate(req, ctx.state, ctx.options.masterKey, ctx.now());
  if ('reply' in auth) {
    if (route.model) ctx.stats.refuse(auth.token, 'auth');
    return auth.reply;
  }
  if (route.access === 'admin' && auth.caller.kind !== 'master') return adminOnly(req.path);
  return route.handler(req, ctx, auth.caller);
}

async function answer(req: GatewayRequest, ctx: Ctx): Promise<AnsweredReply> {
  const found = findRoute(req.method, req.path);
  if (found === undefined) return routeNotFound();
  if (found === 'method') return methodNotAllowed();
  try {
    return await dispatch(req, found, ctx);
  } catch {
    return plainServerError();
  }
}

/** Faults that act after the work was done, on the finished reply. */
async function afterWork(fault: Fault, reply: AnsweredReply, ctx: Ctx): Promise<GatewayReply> {
  switch (fault.kind) {
    case 'drop':
      await drain(reply);
      return { kind: 'drop' };
    case 'delay':
      await ctx.lifetime.sleep(fault.when === 'after' ? fault.ms : 0);
      return reply;
    case 'malformed':
      return malformed(reply);
    case 'cut':
      return cut(reply, fault.afterFrames ?? 1);
    case 'error-frame':
      return errorFrame(reply, fault);
    default:
      return reply;
  }
}

/** Faults that act before any work: the request never reaches its route. */
function beforeWork(fault: Fault | undefined): GatewayReply | undefined {
  if (fault?.kind === 'status') return faultStatus(fault);
  if (fault?.kind === 'drop' && fault.when === 'before') return { kind: 'drop' };
  return undefined;
}

export function createGatewayModel(options: GatewayOptions = {}): GatewayModel {
  const resolved = resolveOptions(options);
  const lifetime = new Lifetime();
  const faults = new FaultBook();
  for (const rule of resolved.faults) faults.add(rule);
  const ctx: Ctx = {
    state: new GatewayState(),
    options: resolved,
    lifetime,
    stats: new StatsRecorder(),
    admitter: new Admitter(new WindowLedger(resolved.windowMs)),
    now: () => Date.now(),
  };

  async function handle(req: GatewayRequest): Promise<GatewayReply> {
    const early = preflight(req);
    if (early) return early;
    const presented = presentedKey(req);
    const fault = await faults.take(req, presented);
    const found = findRoute(req.method, req.path);
    const isModel = typeof found === 'object' && found.model;
    const token = presented === undefined ? '-' : await sha256Hex(presented);
    if (isModel) ctx.stats.arrive(token);
    if (isModel && fault) ctx.stats.fault(token);

    await lifetime.sleep(resolved.latencyMs);
    const refused = beforeWork(fault);
    if (refused)
      return refused.kind === 'drop' ? refused : withCors(req, refused, resolved.exposeHeaders);
    if (fault?.kind === 'delay' && fault.when !== 'after') await lifetime.sleep(fault.ms);

    const reply = await answer(req, ctx);
    const final = fault ? await afterWork(fault, reply, ctx) : reply;
    return final.kind === 'drop' ? final : withCors(req, final, resolved.exposeHeaders);
  }

  return {
    options: resolved,
    masterKey: resolved.masterKey,
    handle,
    stats: () => ctx.stats.snapshot(resolved.windowMs),
    inject: (rule) => faults.add(rule),
    close: () => lifetime.close(),
  };
}
