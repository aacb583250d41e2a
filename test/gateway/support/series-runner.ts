import { performance } from 'node:perf_hooks';
import type { SeriesScenario } from './sequences';
import type { Answer } from './shape';
import { withGateway, type Toolkit } from './toolkit';
import type { Recording, SequenceEntry } from './wire';

/**
 * Replays a recorded series in scaled time: a 60 s window becomes `60 s × scale`, and every
 * call is sent at its recorded offset from the window it fell in, also scaled.
 *
 * The proxy keeps window starts in whole seconds, so a call recorded a few ms after a
 * boundary may still have been in the old window. Calls recorded within 8 % of a window
 * length around a boundary are therefore moved 8 % to the side the proxy put them on (a
 * refused one before it, an admitted one after it); sequential calls keep their order.
 *
 * `missed` counts calls whose round trip straddled a window boundary (a busy machine can
 * delay a call meant for just before a boundary past it); such a run proves nothing about
 * the gateway, and the suite runs it again.
 */

export interface SeriesCall {
  entry: SequenceEntry;
  answer: Answer;
  /** When the call was sent, in ms after the first call (for failure reports). */
  sentMs: number;
}

export interface SeriesRun {
  calls: SeriesCall[];
  t: Toolkit;
  /** Calls whose round trip overlapped a window boundary, so either answer was possible. */
  missed: number;
}

const isPhase = (e: SequenceEntry) =>
  e.i === undefined && e.who === undefined && e.phase !== undefined;

/**
 * Which of several concurrent calls wins a slot depends on arrival order, which nobody
 * controls; concurrent calls are therefore matched to the recording by outcome.
 */
function pairByOutcome(calls: SeriesCall[]): SeriesCall[] {
  const answers = [...calls].sort((a, b) => a.answer.status - b.answer.status);
  const entries = calls.map((c) => c.entry).sort((a, b) => a.status - b.status);
  const paired = answers.map((call, i) => ({ ...call, entry: entries[i] ?? call.entry }));
  return calls.map((c) => paired.find((p) => p.entry === c.entry) ?? c);
}

function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));
}

interface Timing {
  sent: number;
  received: number;
}

/**
 * Whether the server may have seen a call on either side of a boundary: the window opened
 * somewhere in the round trip of its first call, and the call was decided somewhere in its
 * own round trip. Only calls whose round trip overlaps that uncertainty are ambiguous.
 */
function ambiguous(call: Timing, opener: Timing, windowMs: number): boolean {
  const earliest = opener.sent + windowMs - 2;
  const latest = opener.received + windowMs + 2;
  return call.sent <= latest && call.received >= earliest;
}

export async function runSeries(
  recording: Recording,
  scenario: SeriesScenario,
  windowSeconds: number,
  scale: number,
): Promise<SeriesRun> {
  const windowMs = windowSeconds * 1000;
  const tolerance = 0.08 * windowMs;
  const t = await withGateway({ windowMs: windowMs * scale, tierCacheMs: 60_000 * scale });
  const { keys } = await scenario.setup(t);
  const entries = recording.sequence ?? [];
  const calls: Promise<SeriesCall>[] = [];
  const checks: { timing: Timing; opener: Timing }[] = [];
  let previous: Promise<unknown> = Promise.resolve();
  let recordedAnchor = entries[0]?.t_rel_ms ?? 0;
  let opener: Timing | undefined;
  let index = 0;
  let firstSent: number | undefined;

  for (const entry of entries) {
    let offset = entry.t_rel_ms - recordedAnchor;
    if (Math.abs(offset - windowMs) < tolerance) {
      offset = entry.status === 200 ? windowMs + tolerance : windowMs - tolerance;
    }
    if (!scenario.concurrent) await previous;
    await sleepUntil((opener?.sent ?? performance.now()) + offset * scale);
    const timing: Timing = { sent: performance.now(), received: Number.POSITIVE_INFINITY };
    firstSent ??= timing.sent;
    opener ??= timing;
    checks.push({ timing, opener });
    if (entry.status === 200 && offset >= windowMs && !isPhase(entry)) {
      recordedAnchor = entry.t_rel_ms;
      opener = timing;
    }
    const done = (value: unknown) => {
      timing.received = performance.now();
      return value;
    };
    if (isPhase(entry)) {
      previous = (scenario.phase?.(t, keys) ?? Promise.resolve()).then(done);
      continue;
    }
    const key = keys[entry.who ?? 'main'] ?? '';
    const sentMs = Math.round(timing.sent - firstSent);
    const call = t.chat(key, scenario.content(entry, index++)).then((answer) => {
      done(answer);
      return { entry, answer, sentMs };
    });
    calls.push(call);
    previous = call;
  }
  const answered = await Promise.all(calls);
  await previous;
  const missed = checks.filter(
    (c) => c.timing !== c.opener && ambiguous(c.timing, c.opener, windowMs * scale),
  ).length;
  return { calls: scenario.concurrent ? pairByOutcome(answered) : answered, t, missed };
}
