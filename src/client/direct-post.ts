import type { Sent } from './pipeline';

/**
 * A JSON POST straight through `fetch(url, init)`, for the model routes on the hot path:
 * building a `Request` object first (as openapi-fetch does) costs about a fifth of the
 * throughput against a fast gateway. Bodies are typed by the calling method instead.
 */
export async function directPost<T>(
  transport: typeof fetch,
  url: string,
  init: { headers: Record<string, string>; body: unknown; signal: AbortSignal; stream: boolean },
): Promise<Sent<T>> {
  const response = await transport(url, {
    method: 'POST',
    headers: init.headers,
    body: JSON.stringify(init.body),
    signal: init.signal,
  });
  if (!response.ok) return { error: parseLoosely(await response.text()), response };
  if (init.stream) return { data: response.body as T, response };
  const text = await response.text();
  return { data: (text ? JSON.parse(text) : undefined) as T, response };
}

function parseLoosely(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
