/** Throughput of `call` at a given concurrency for `ms` milliseconds, and its latencies. */
export interface Throughput {
  callsPerSecond: number;
  medianMs: number;
  errors: number;
}

export async function throughput(
  call: () => Promise<unknown>,
  concurrency: number,
  ms: number,
): Promise<Throughput> {
  const until = performance.now() + ms;
  const latencies: number[] = [];
  let errors = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const start = performance.now();
      try {
        await call();
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - start);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { callsPerSecond: latencies.length / seconds, medianMs: median(latencies), errors };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) +
    (sorted[mid] as number)) / 2;
}

/** Median and spread (min–max) of repeated figures. */
export function spread(values: number[]): { median: number; min: number; max: number } {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

export function ratio(value: number, baseline: number): string {
  return `${(value / baseline).toFixed(2)}×`;
}
