import cliProgress from 'cli-progress';
import type { OutStream } from './io';

/** Counts finished items and shows the pace. */
export interface Progress {
  tick(): void;
  stop(): void;
}

/** How often plain progress lines may appear, at most, in milliseconds. */
const PLAIN_EVERY_MS = 5_000;

/**
 * A bar with rate and ETA when `stream` is a terminal; otherwise a plain line at each tenth
 * of the way and at most every few seconds, which reads well in CI logs.
 */
export function startProgress(stream: OutStream, label: string, total: number): Progress {
  if (total === 0) return { tick() {}, stop() {} };
  return stream.isTTY ? barProgress(stream, label, total) : plainProgress(stream, label, total);
}

function barProgress(stream: OutStream, label: string, total: number): Progress {
  const started = Date.now();
  const bar = new cliProgress.SingleBar({
    format: `${label} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}`,
    stream: stream as unknown as NodeJS.WritableStream,
    hideCursor: true,
    etaBuffer: 200,
    fps: 5,
  }, cliProgress.Presets.shades_classic);
  let done = 0;
  bar.start(total, 0, { rate: '0' });
  return {
    tick() {
      done += 1;
      bar.update(done, { rate: rate(done, started).toFixed(0) });
    },
    stop() {
      bar.stop();
    },
  };
}

function plainProgress(stream: OutStream, label: string, total: number): Progress {
  const started = Date.now();
  let done = 0;
  let shownAt = started;
  let shownTenth = 0;
  const show = () => {
    const pace = rate(done, started);
    const eta = pace > 0 ? `${Math.ceil((total - done) / pace)}s` : '?';
    stream.write(`${label}: ${done}/${total} (${pace.toFixed(0)}/s, ETA ${eta})\n`);
    shownAt = Date.now();
    shownTenth = Math.floor((done * 10) / total);
  };
  return {
    tick() {
      done += 1;
      const tenth = Math.floor((done * 10) / total);
      if (tenth > shownTenth || Date.now() - shownAt >= PLAIN_EVERY_MS) show();
    },
    stop() {
      if (done < total) show();
    },
  };
}

function rate(done: number, started: number): number {
  return done / Math.max(0.001, (Date.now() - started) / 1000);
}
