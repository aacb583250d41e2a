/**
 * The proxy's own token estimate for a request (newer LiteLLM reserves it before the call):
 * floor(prompt characters / 4) plus `max_tokens` (or `max_completion_tokens`); with neither,
 * max(floor(prompt characters / 4), f) where f = min(1024, floor(smallest tpm / 4)); times `n`.
 */
export function estimateTokens(body: unknown, smallestTpm: number | null): number {
  const row = isRow(body) ? body : {};
  const prompt = Math.floor(promptChars(row) / 4);
  const cap = count(row['max_tokens']) ?? count(row['max_completion_tokens']);
  const floor = Math.min(1024, smallestTpm === null ? 1024 : Math.floor(smallestTpm / 4));
  const perChoice = cap === null ? Math.max(prompt, floor) : prompt + cap;
  return perChoice * Math.max(1, count(row['n']) ?? 1);
}

function isRow(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : null;
}

/** Characters of everything the model reads: chat messages, a completion prompt, embeddings. */
function promptChars(body: Record<string, unknown>): number {
  let chars = textChars(body['prompt']) + textChars(body['input']);
  const messages = body['messages'];
  if (Array.isArray(messages)) {
    for (const message of messages) {
      if (isRow(message)) chars += textChars(message['content']);
    }
  }
  return chars;
}

/** A string, an array of strings, or an array of content parts (`{type: 'text', text}`). */
function textChars(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (!Array.isArray(value)) return 0;
  let chars = 0;
  for (const part of value) {
    if (typeof part === 'string') chars += part.length;
    else if (isRow(part) && typeof part['text'] === 'string') chars += part['text'].length;
  }
  return chars;
}
