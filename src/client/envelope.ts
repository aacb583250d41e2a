/** The parts of any error body the gateway sends, in one shape. */
export interface ErrorParts {
  message: string;
  type: string | undefined;
  code: string | undefined;
  param: string | undefined;
}

/**
 * Reads the proxy's error bodies: `{"error":{message,type,param,code}}`,
 * `{"detail":{"error":"…"}}` from budget routes, `{"detail":[…]}` from validation, a bare
 * text (the text/plain 500), or nothing at all.
 */
export function readErrorBody(body: unknown, status: number | undefined): ErrorParts {
  if (typeof body === 'string') return plain(body.trim() || fallback(status));
  if (!body || typeof body !== 'object') return plain(fallback(status));

  const record = body as Record<string, unknown>;
  if (record.error && typeof record.error === 'object') return fromOpenAIStyle(record.error);
  if (typeof record.error === 'string') return plain(record.error);
  if (Array.isArray(record.detail)) return fromValidation(record.detail);
  if (record.detail && typeof record.detail === 'object') {
    const inner = (record.detail as Record<string, unknown>).error;
    return plain(typeof inner === 'string' ? inner : JSON.stringify(record.detail));
  }
  if (typeof record.detail === 'string') return plain(record.detail);
  return plain(fallback(status));
}

function fromOpenAIStyle(error: object): ErrorParts {
  const e = error as Record<string, unknown>;
  return {
    message: typeof e.message === 'string' ? e.message : JSON.stringify(error),
    type: meaningful(e.type),
    code: meaningful(e.code),
    param: meaningful(e.param),
  };
}

function fromValidation(detail: unknown[]): ErrorParts {
  const parts = detail.map((item) => {
    const d = (item ?? {}) as { loc?: unknown; msg?: unknown; input?: unknown };
    const where = Array.isArray(d.loc) ? d.loc.join('.') : 'body';
    const input = d.input === undefined ? '' : ` (got ${JSON.stringify(d.input)})`;
    return `${where}: ${String(d.msg ?? 'invalid')}${input}`;
  });
  const first = detail[0] as { loc?: unknown } | undefined;
  const loc = Array.isArray(first?.loc) ? first.loc : [];
  return {
    message: parts.join('; ') || 'Validation failed',
    type: 'validation_error',
    code: undefined,
    param: loc.length ? String(loc[loc.length - 1]) : undefined,
  };
}

/** The proxy writes Python's `None` as a string in some versions; treat it as absent. */
function meaningful(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value);
  return text === 'None' || text === '' ? undefined : text;
}

function plain(message: string): ErrorParts {
  return { message, type: undefined, code: undefined, param: undefined };
}

function fallback(status: number | undefined): string {
  return status === undefined ? 'Request failed' : `Request failed with status ${status}`;
}
