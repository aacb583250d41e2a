/** What the demo counted, call by call. */
export interface Tally {
  calls: number;
  /** Calls that had to wait in the limiter's line. */
  queued: number;
  /** Calls that left the process. */
  sent: number;
  answered: number;
  refusedLocally: number;
  /** 429s the gateway answered (retried or not): the figure the limiter exists to keep at 0. */
  refusedByGateway: number;
  failed: number;
}

export function printSummary(
  tally: Tally,
  run: { seconds: number; fromGateway: number | undefined },
): void {
  const rows: Array<[string, number | string]> = [
    ['calls', tally.calls],
    ['queued by the limiter', tally.queued],
    ['sent to the gateway', tally.sent],
    ['answered', tally.answered],
    ['refused locally', tally.refusedLocally],
    ['refused by the gateway (seen by the client)', tally.refusedByGateway],
  ];
  if (run.fromGateway !== undefined) {
    rows.push(['refused by the gateway (its own count)', run.fromGateway]);
  }
  rows.push(['failed otherwise', tally.failed], ['seconds', run.seconds.toFixed(1)]);
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log('');
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
  const clean = tally.refusedByGateway === 0 && (run.fromGateway ?? 0) === 0;
  console.log(clean
    ? '\n✓ no call was refused by the gateway: the limiter kept the burst inside the tier.'
    : '\n✗ the gateway refused calls: the limiter let too many through.');
}
