/** The parts of any error body the gateway sends, in one shape. */
export interface ErrorParts {
  message: string;
  type?: string | undefined;
  code?: string | undefined;
  param?: string | undefined;
}

type Row = Record<string, unknown>;

/**
 * Reads the proxy's error bodies: `{"error":{message,type,param,code}}`,
 * `{"detail":{"error":"…"}}` from budget routes, `{"detail":[…]}` from validation, a bare
 * text (the text/plain 500), or nothing at all.
 */
export function readErrorBody(body: unknown, status: number | undefined): ErrorParts {
  const fallback = status === undefined ? 'Request failed' : `Request failed with status ${status}`;
  if (typeof body === 'string') return { message: body.trim() || fallback };
  const { error, detail } = (body && typeof body === 'object' ? body : {}) as Row;
  if (error && typeof error === 'object') {
    const e = error as Row;
    const message = typeof e.message === 'string' ? e.message : JSON.stringify(error);
    const [type, code, param] = [e.type, e.code, e.param].map(meaningful);
    return { message, type, code, param };
  }
  if (typeof error === 'string') return { message: error };
  if (Array.isArray(detail)) return fromValidation(detail);
  if (detail && typeof detail === 'object') {
    const inner = (detail as Row).error;
    return { message: typeof inner === 'string' ? inner : JSON.stringify(detail) };
  }
  return { message: typeof detail === 'string' ? detail : fallback };
}

function fromValidation(detail: unknown[]): ErrorParts {
  const parts = detail.map((item) => {
    const d = (item ?? {}) as { loc?: unknown; msg?: unknown; input?: unknown };
    const where = Array.isArray(d.loc) ? d.loc.join('.') : 'body';
    const input = d.input === undefined ? '' : ` (got ${JSON.stringify(d.input)})`;
    return `${where}: ${String(d.msg ?? 'invalid')}${input}`;
  });
  const loc = (detail[0] as { loc?: unknown } | undefined)?.loc;
  return {
    message: parts.join('; ') || 'Validation failed',
    type: 'validation_error',
    param: Array.isArray(loc) && loc.length ? String(loc[loc.length - 1]) : undefined,
  };
}

/** The proxy writes Python's `None` as a string in some versions; treat it as absent. */
function meaningful(value: unknown): string | undefined {
  const text = value ?? '';
  return text === 'None' || text === '' ? undefined : String(text);
}
