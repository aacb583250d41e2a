/**
 * Knobs from the environment (rounds, seconds, counts), so `npm run bench` can be made shorter
 * or longer without editing code. A knob set to something that is not a positive number
 * stops the run and names it, rather than silently measuring with a default.
 */
export function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number, got ${JSON.stringify(text)}`);
  }
  return value;
}
