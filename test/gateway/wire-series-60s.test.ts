import { describe, expect, it } from 'vitest';
import { replaySeries } from './support/series-suite';
import { answerDiffs } from './support/shape';
import { withGateway } from './support/toolkit';
import { loadRecordings } from './support/wire';

/** The series recorded with the proxy's default 60 s window, replayed with a 1.5 s one. */
replaySeries(60, 1 / 40);

describe('replaying enforce-key-max-parallel-1.after', () => {
  it('frees the parallel slot once the concurrent calls have ended', async () => {
    const recording = loadRecordings().find((r) => r.name === 'enforce-key-max-parallel-1.after');
    if (!recording) throw new Error('recording enforce-key-max-parallel-1.after is missing');
    const t = await withGateway();
    try {
      const key = await t.key({ max_parallel_requests: 1 });
      await Promise.all([0, 1, 2].map((i) => t.chat(key, `par key ${i} [delay=0.3]`)));
      const answer = await t.chat(key, 'par key after [delay=0]');
      expect(answerDiffs(recording.response, answer)).toEqual([]);
    } finally {
      await t.gw.close();
    }
  });
});
