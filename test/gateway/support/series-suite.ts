import { afterAll, describe, expect, it } from 'vitest';
import { KNOWN_DIFFERENCES } from './known-differences';
import { SERIES } from './sequences';
import { runSeries, type SeriesCall, type SeriesRun } from './series-runner';
import { answerDiffs } from './shape';
import { loadRecordings, recordedWindowSeconds, type Recording } from './wire';

/**
 * The replay of recorded enforcement series, shared by the 60 s and the 10 s test files:
 * the same pattern of statuses, the same rate-limit header names on every call, and the
 * series' top-level exchange identical in status, header names and body shape.
 */

/** Headers about limits must be the same set; the rest of what was recorded must be there. */
const LIMIT_FAMILY = /^(x-ratelimit-|retry-after$|rate_limit_type$|reset_at$)/;

function callDiffs(call: SeriesCall, at: number): string[] {
  const recorded = call.entry.headers ?? {};
  const diffs: string[] = [];
  if (call.entry.status !== call.answer.status) {
    diffs.push(`call ${at}: status recorded ${call.entry.status}, got ${call.answer.status}`);
  }
  for (const name of Object.keys(recorded)) {
    if (!(name in call.answer.headers)) diffs.push(`call ${at}: header ${name} missing`);
  }
  const family = (h: Record<string, string>) =>
    Object.keys(h)
      .filter((n) => LIMIT_FAMILY.test(n))
      .sort();
  const want = family(recorded).join();
  const got = family(call.answer.headers).join();
  if (want !== got) diffs.push(`call ${at}: limit headers [${got}], recorded [${want}]`);
  return diffs;
}

function topDiffs(recording: Recording, calls: SeriesCall[]): string[] {
  const top = SERIES[recording.name]?.top ?? 'last';
  const topCall = calls[top === 'last' ? calls.length - 1 : top];
  const diffs = topCall ? answerDiffs(recording.response, topCall.answer) : ['no top-level call'];
  if (recording.first_success && calls[0]) {
    diffs.push(
      ...answerDiffs(recording.first_success.response, calls[0].answer).map((d) => `first: ${d}`),
    );
  }
  return diffs;
}

/** `sent ms → recorded/got status` of every call, to tell a timing slip from a real miss. */
function timeline(calls: SeriesCall[]): string {
  return calls.map((c) => `${c.sentMs}ms:${c.entry.status}/${c.answer.status}`).join(' ');
}

interface Verdict {
  run: SeriesRun;
  diffs: string[];
}

function diffsOf(recording: Recording, run: SeriesRun): string[] {
  return [...run.calls.flatMap(callDiffs), ...topDiffs(recording, run.calls)];
}

/**
 * Runs a series; when it differs and some call's round trip straddled a window boundary
 * (the machine, not the gateway, decided that call), runs it again, at most three times.
 */
async function steadyRun(
  recording: Recording,
  windowSeconds: number,
  scale: number,
): Promise<Verdict> {
  const scenario = SERIES[recording.name];
  if (!scenario) throw new Error(`no scenario for ${recording.name}`);
  for (let attempt = 1; ; attempt++) {
    const run = await runSeries(recording, scenario, windowSeconds, scale);
    const diffs = diffsOf(recording, run);
    if (diffs.length === 0 || run.missed === 0 || attempt === 3) return { run, diffs };
    process.stdout.write(
      `${recording.name}: ${run.missed} call(s) straddled a boundary; run again\n`,
    );
    await run.t.gw.close();
  }
}

/** Defines the replay tests of the series recorded with this window (seconds). */
export function replaySeries(windowSeconds: number, scale: number): void {
  const series = loadRecordings().filter(
    (r) =>
      r.name.startsWith('enforce-') && r.sequence && recordedWindowSeconds(r) === windowSeconds,
  );
  const outcomes: string[] = [];
  afterAll(() => {
    const matched = outcomes.filter((o) => o.startsWith('match')).length;
    process.stdout.write(
      `\nWire replay (${windowSeconds} s series): ${matched} of ${outcomes.length} match.\n`,
    );
  });

  describe(`replaying the ${windowSeconds} s enforcement series of LiteLLM 1.80.7`, () => {
    it('has a scenario for every series', () => {
      expect(series.map((r) => r.name).filter((name) => !(name in SERIES))).toEqual([]);
    });

    for (const recording of series) {
      it(`reproduces ${recording.name}`, async () => {
        const { run, diffs } = await steadyRun(recording, windowSeconds, scale);
        try {
          outcomes.push(`${diffs.length === 0 ? 'match' : 'differ'} ${recording.name}`);
          if (recording.name in KNOWN_DIFFERENCES)
            expect(diffs, 'listed as differing').not.toEqual([]);
          else expect(diffs, `${timeline(run.calls)} (ambiguous calls: ${run.missed})`).toEqual([]);
        } finally {
          await run.t.gw.close();
        }
      });
    }
  });
}
