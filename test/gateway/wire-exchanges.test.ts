import { afterAll, describe, expect, it } from 'vitest';
import { EXCHANGES, replay } from './support/exchanges';
import { KNOWN_DIFFERENCES } from './support/known-differences';
import { answerDiffs } from './support/shape';
import { withGateway } from './support/toolkit';
import { loadRecordings } from './support/wire';

/**
 * Every single recorded exchange, replayed on a fresh gateway set up like the recording:
 * same status, same header names, same body shape. Timed series live in
 * wire-sequences.test.ts.
 */

const singles = loadRecordings().filter((r) => !r.name.startsWith('enforce-'));
const outcomes: string[] = [];

afterAll(() => {
  const listed = Object.entries(KNOWN_DIFFERENCES).map(([name, why]) => `  ${name}: ${why}`);
  process.stdout.write(
    `\nWire replay (single exchanges): ${outcomes.filter((o) => o.startsWith('match')).length}` +
      ` of ${singles.length} match.\nKnown differences:\n${listed.join('\n') || '  (none)'}\n`,
  );
});

describe('replaying the recorded exchanges of LiteLLM 1.80.7', () => {
  it('has a setup for every recorded single exchange', () => {
    const missing = singles.map((r) => r.name).filter((name) => !(name in EXCHANGES));
    expect(missing).toEqual([]);
  });

  for (const recording of singles) {
    it(`answers ${recording.name} like the proxy`, async () => {
      const t = await withGateway();
      try {
        const setup = EXCHANGES[recording.name];
        const key = (await setup?.(t)) ?? 'sk-no-virtual-key-in-this-exchange';
        const answer = await replay(t, recording.request, key);
        const diffs = answerDiffs(recording.response, answer);
        outcomes.push(`${diffs.length === 0 ? 'match' : 'differ'} ${recording.name}`);
        if (recording.name in KNOWN_DIFFERENCES)
          expect(diffs, 'listed as differing').not.toEqual([]);
        else expect(diffs).toEqual([]);
      } finally {
        await t.gw.close();
      }
    });
  }
});
