import { describe, expect, it } from 'vitest';
import { startProgress } from '../../src/cli/progress';

function stream(isTTY: boolean) {
  let text = '';
  const write = (chunk: string) => ((text += chunk), true);
  return { isTTY, columns: 100, write, text: () => text };
}

describe('progress', () => {
  it('draws a bar with rate and ETA on a terminal', () => {
    const tty = stream(true);

    const progress = startProgress(tty, 'keys gold', 4);
    for (let i = 0; i < 4; i += 1) progress.tick();
    progress.stop();

    expect(tty.text()).toMatch(/keys gold \[[█░]+\] 4\/4 \| \d+\/s \| ETA \d+s/);
  });

  it('writes a plain line per tenth of the way elsewhere', () => {
    const log = stream(false);

    const progress = startProgress(log, 'keys gold', 20);
    for (let i = 0; i < 20; i += 1) progress.tick();
    progress.stop();

    const lines = log.text().trim().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^keys gold: 2\/20 \(\d+\/s, ETA \d+s\)$/);
    expect(lines[9]).toMatch(/^keys gold: 20\/20 \(\d+\/s, ETA 0s\)$/);
  });

  it('says nothing when there is nothing to do', () => {
    const log = stream(false);

    startProgress(log, 'keys gold', 0).stop();

    expect(log.text()).toBe('');
  });
});
