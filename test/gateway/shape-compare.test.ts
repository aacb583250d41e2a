import { describe, expect, it } from 'vitest';
import { answerDiffs, headerNameDiffs, shapeDiffs } from './support/shape';

/** The comparator the wire replay relies on must itself catch differences. */

describe('the shape comparator of the wire replay', () => {
  it('reports a different JSON type, a missing field and an extra field', () => {
    expect(shapeDiffs({ a: 1, b: 'x', c: null }, { a: '1', c: null, d: true })).toEqual([
      '$.b: missing',
      '$.d: not recorded',
      '$.a: recorded number, got string',
    ]);
  });

  it('ignores values but not nested shapes', () => {
    expect(shapeDiffs({ error: { code: '429' } }, { error: { code: '400' } })).toEqual([]);
    expect(shapeDiffs({ error: { param: 'None' } }, { error: { param: null } })).toEqual([
      '$.error.param: recorded string, got null',
    ]);
  });

  it('accepts rows that match any recorded row, and notices an empty array', () => {
    expect(shapeDiffs([{ a: null }, { a: 1 }], [{ a: 2 }, { a: null }, { a: 3 }])).toEqual([]);
    expect(shapeDiffs([{ a: 1 }], [])).toEqual(['$: recorded 1 items, got 0']);
  });

  it('compares header names without transport headers', () => {
    const recorded = { date: 'x', 'retry-after': '60', vary: 'Origin' };
    expect(
      headerNameDiffs(recorded, { 'retry-after': '1', vary: 'Origin', 'keep-alive': 'timeout=5' }),
    ).toEqual([]);
    expect(headerNameDiffs(recorded, { vary: 'Origin', extra: '1' })).toEqual([
      'header retry-after: missing',
      'header extra: not recorded',
    ]);
  });

  it('compares SSE bodies frame by frame', () => {
    const headers = { 'content-type': 'text/event-stream' };
    const recorded = { status: 200, headers, body: 'data: {"a":1}\n\ndata: [DONE]\n\n' };
    expect(
      answerDiffs(recorded, { status: 200, headers, body: 'data: {"a":2}\n\ndata: [DONE]\n\n' }),
    ).toEqual([]);
    expect(answerDiffs(recorded, { status: 200, headers, body: 'data: {"a":2}\n\n' })).not.toEqual(
      [],
    );
  });
});
