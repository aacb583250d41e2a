import type { ModelPrice } from '../../options';
import type { Caller } from '../auth';
import { chatCompletion, chatFrames, embeddingList } from '../bodies';
import { answeredHeaders, streamHeaders, type CallFacts } from '../call-headers';
import type { Ctx, Handler } from '../context';
import type { Ticket } from '../enforcement/admission';
import type { Limits } from '../enforcement/limits';
import { rateLimited } from '../enforcement/refusals';
import { randomId } from '../ids';
import { settlingStream } from '../settling';
import type { AnsweredReply } from '../types';
import { upstreamAnswer, type CallRequest } from '../upstream';
import {
  admissionTokens,
  descriptorsFor,
  limitsFor,
  notAllowed,
  overBudget,
  parseCall,
  reasonOf,
  settlementTokens,
} from './call-checks';

/**
 * `/v1/chat/completions`, `/chat/completions` and `/v1/embeddings`: the pipeline every model
 * call goes through — budget at authentication, then rate limits, then the upstream, then
 * spend and tokens.
 */

function spendOf(ctx: Ctx, caller: Caller): number {
  return caller.kind === 'key' ? caller.key.spend : ctx.state.masterSpend;
}

function charge(ctx: Ctx, caller: Caller, model: string, cost: number): void {
  if (caller.kind !== 'key') {
    ctx.state.masterSpend += cost;
    return;
  }
  caller.key.spend += cost;
  caller.key.modelSpend[model] = (caller.key.modelSpend[model] ?? 0) + cost;
}

interface Admitted {
  caller: Caller;
  call: CallRequest;
  limits: Limits;
  ticket: Ticket;
  reserved: number;
  spendBefore: number;
  ended: () => void;
}

function priceOf(ctx: Ctx, model: string): ModelPrice {
  return ctx.options.prices[model] ?? { prompt: 0, completion: 0 };
}

async function answer(ctx: Ctx, a: Admitted): Promise<AnsweredReply> {
  const started = ctx.now();
  const upstream = upstreamAnswer(a.call, ctx.options);
  await ctx.lifetime.sleep(upstream.delayMs);

  const price = priceOf(ctx, a.call.model);
  const cost = upstream.promptTokens * price.prompt + upstream.completionTokens * price.completion;
  const facts: CallFacts = {
    callId: randomId(),
    model: a.call.model,
    cost,
    limits: a.limits,
    spendBefore: a.spendBefore,
    statuses: a.ticket.statuses,
    answer: upstream,
  };
  const settle = () => {
    charge(ctx, a.caller, a.call.model, cost);
    ctx.admitter.settle(a.ticket, settlementTokens(ctx, upstream, a.reserved));
    ctx.admitter.release(a.ticket);
    a.ended();
  };
  const created = Math.floor(started / 1000);
  const id = `chatcmpl-${facts.callId}`;

  if (a.call.stream) {
    const frames = chatFrames(a.call, upstream, id, created);
    const chunks = settlingStream(frames, settle, ctx.lifetime.signal);
    return { kind: 'stream', status: 200, headers: streamHeaders(facts), chunks };
  }
  settle();
  const body =
    a.call.kind === 'chat'
      ? chatCompletion(a.call, upstream, id, created)
      : embeddingList(a.call, upstream);
  const headers = answeredHeaders(facts, ctx.now() - started, JSON.stringify(body).length);
  return { kind: 'json', status: 200, headers, body };
}

export function modelCall(kind: CallRequest['kind']): Handler {
  return async (req, ctx, caller) => {
    const { stats, admitter } = ctx;
    const request = parseCall(req.body, kind);
    if (request.kind === 'json') {
      stats.refuse(caller.token, 'invalid');
      return request;
    }
    const denied = notAllowed(caller, request, ctx);
    if (denied) {
      stats.refuse(caller.token, denied.status === 401 ? 'auth' : 'invalid');
      return denied;
    }

    const now = ctx.now();
    const limits = limitsFor(ctx, caller, request.model, now);
    const budget = overBudget(ctx, caller, limits, request.model);
    if (budget) {
      stats.refuse(caller.token, budget.reason);
      return budget.reply;
    }

    const descriptors = descriptorsFor(caller.token, request.model, limits);
    const reserved = admissionTokens(ctx, request, limits);
    const refusal = admitter.check(descriptors, reserved, now);
    if (refusal) {
      stats.refuse(caller.token, reasonOf(refusal));
      return rateLimited(refusal, limits, spendOf(ctx, caller), now, ctx.options.windowMs);
    }
    const ticket = admitter.commit(descriptors, reserved, now);
    const ended = stats.admit(caller.token, now);
    const spendBefore = spendOf(ctx, caller);
    return answer(ctx, { caller, call: request, limits, ticket, reserved, spendBefore, ended });
  };
}
