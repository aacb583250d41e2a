/**
 * `litellm-tier-client/testing`: a local LiteLLM-compatible gateway (budget tiers, virtual
 * keys, chat completions with the proxy's enforcement) for development and tests.
 */
export { startGateway } from './server';
export type { RunningGateway, StartGatewayOptions } from './server';
export { createGatewayModel } from './model/gateway';
export type { GatewayModel } from './model/gateway';
export type { GatewayOptions, ModelPrice, UpstreamOptions } from './options';
export type { GatewayStats, KeyStats, RefusalReason } from './model/stats';
export type { Fault, FaultHandle, FaultMatch, FaultRule } from './faults-types';
export type {
  AnsweredReply,
  DropReply,
  GatewayReply,
  GatewayRequest,
  JsonReply,
  StreamChunk,
  StreamReply,
  TextReply,
} from './model/types';
