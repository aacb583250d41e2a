/** The proxy's duration strings: `30s`, `15m`, `1h` (or `1hr`), `1d`, `2w`, `1mo`. */

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  mo: 30 * 86_400_000,
};

/** Milliseconds in a duration string, or `undefined` when the proxy could not parse it. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(s|m|hr|h|d|w|mo)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = UNIT_MS[match[2] ?? ''];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}
