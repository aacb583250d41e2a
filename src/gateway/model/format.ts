/** Formatting that mimics what the Python proxy puts on the wire. */

/** A float the way Python's `str()` prints it: `0.0`, `100.0`, `0.017`, `1e-05`. */
export function pyFloat(value: number): string {
  if (Number.isInteger(value)) return value.toFixed(1);
  if (Math.abs(value) < 1e-4) {
    const [mantissa, exponent = '0'] = value.toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exponent.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return String(value);
}

/** A timestamp the way the proxy's database rows carry it: microseconds and `Z`. */
export function isoZ(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The same timestamp with `+00:00`, as `/key/info` and `/key/update` print it. */
export function isoOffset(ms: number): string {
  return isoZ(ms).replace(/Z$/, '+00:00');
}

/** `2026-12-03 16:01:45 UTC`, the format of `reset_at` and of 429 messages. */
export function utcSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `sk-...abcd`: a key reduced to its scheme and last four characters. */
export function maskKey(key: string): string {
  return `${key.startsWith('sk-') ? 'sk-' : ''}...${key.slice(-4)}`;
}

/** Python's repr of a list of strings, as echoed in some proxy messages. */
export function pyList(values: readonly unknown[]): string {
  return `[${values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ')}]`;
}
