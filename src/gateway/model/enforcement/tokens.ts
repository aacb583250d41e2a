/**
 * What a call weighs against `tpm_limit` before it runs. 1.80.7 counts one token at
 * admission and the completion tokens afterwards; newer proxies reserve an estimate.
 */

export interface TokenShape {
  /** Characters of every message's text. */
  promptChars: number;
  /** `max_tokens` or `max_completion_tokens`, when the request sets one. */
  maxTokens: number | null;
  /** Number of choices requested (`n`). */
  n: number;
}

/**
 * The newer proxies' reservation: `floor(chars / 4) + max_tokens`; without `max_tokens`,
 * `max(floor(chars / 4), min(1024, floor(smallest tpm / 4)))`; times `n`.
 */
export function reservedTokens(shape: TokenShape, smallestTpm: number | null): number {
  const prompt = Math.floor(shape.promptChars / 4);
  if (shape.maxTokens !== null) return (prompt + shape.maxTokens) * shape.n;
  const floor = smallestTpm === null ? 0 : Math.min(1024, Math.floor(smallestTpm / 4));
  return Math.max(prompt, floor) * shape.n;
}

/** The smaller of two optional limits. */
export function smallest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
