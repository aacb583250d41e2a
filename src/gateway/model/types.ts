/**
 * The transport-agnostic request and reply of the local gateway. Both adapters (node:http
 * and msw) translate to and from these shapes, so every behaviour lives in one model.
 */

/** One HTTP request as the model sees it. */
export interface GatewayRequest {
  method: string;
  /** The path without its query string, e.g. `/key/info`. */
  path: string;
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The raw body text; `''` or absent when there is none. */
  body?: string | undefined;
  /** Aborts when the client goes away (used to stop streams early). */
  signal?: AbortSignal | undefined;
}

interface ReplyHead {
  status: number;
  headers: Record<string, string>;
  /**
   * Set on errors that escape the proxy's middleware (its plain-text 500s): such answers
   * carry no CORS headers.
   */
  bare?: boolean;
}

/** A JSON answer; the adapter serialises `body` and sets `content-type`. */
export interface JsonReply extends ReplyHead {
  kind: 'json';
  body: unknown;
}

/** A text answer; `headers` carry its `content-type`. */
export interface TextReply extends ReplyHead {
  kind: 'text';
  body: string;
}

/** Raw text written as-is, or the order to cut the connection without finishing the body. */
export type StreamChunk = { text: string } | { cut: true };

/** An answer written piece by piece (server-sent events, or a body cut short by a fault). */
export interface StreamReply extends ReplyHead {
  kind: 'stream';
  chunks: AsyncIterable<StreamChunk>;
}

/** No answer at all: the adapter drops the connection. */
export interface DropReply {
  kind: 'drop';
}

export type GatewayReply = JsonReply | TextReply | StreamReply | DropReply;

/** A reply that has a status line (everything except a dropped connection). */
export type AnsweredReply = JsonReply | TextReply | StreamReply;
