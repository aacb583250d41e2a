import type { Toolkit } from './toolkit';
import type { SequenceEntry } from './wire';

/**
 * How each recorded enforcement series is rebuilt: its tier and keys, the message of each
 * call (the fake upstream's `[delay=S]` and `[ctoks=N]` markers included), the admin calls
 * made between the chat calls, and which call the recording's top-level exchange is.
 */

export interface SeriesSetup {
  /** Named keys; entries without `who` use `main`. */
  keys: Record<string, string>;
}

export interface SeriesScenario {
  setup(t: Toolkit): Promise<SeriesSetup>;
  content(entry: SequenceEntry, index: number): string;
  /** An admin step recorded as a `phase` entry without a status of its own. */
  phase?(t: Toolkit, keys: Record<string, string>): Promise<unknown>;
  /** Calls recorded at the same instant were sent concurrently. */
  concurrent?: boolean;
  /** Which call the top-level request/response is (a sequence index, or the last call). */
  top: number | 'last';
}

// Upstream delays are shortened too; concurrency, not the duration, is what they show.
const SLOW = '[delay=0.3]';

async function tierAndKey(
  t: Toolkit,
  tier: Record<string, unknown>,
  own: Record<string, unknown> = {},
) {
  await t.tier({ budget_id: 'series-tier', ...tier });
  return { keys: { main: await t.key({ budget_id: 'series-tier', ...own }) } };
}

async function tierAndKeys(t: Toolkit, tier: Record<string, unknown>, names: string[]) {
  await t.tier({ budget_id: 'series-tier', ...tier });
  const keys: Record<string, string> = {};
  for (const name of names) keys[name] = await t.key({ budget_id: 'series-tier' });
  return { keys };
}

const numbered = (prefix: string) => (_: SequenceEntry, index: number) => `${prefix} ${index}`;

export const SERIES: Record<string, SeriesScenario> = {
  'enforce-key-max-parallel-1.429': {
    setup: async (t) => ({ keys: { main: await t.key({ max_parallel_requests: 1 }) } }),
    content: (_, i) => `par key ${i} ${SLOW}`,
    concurrent: true,
    top: 1,
  },
  'enforce-key-rpm3.429': {
    setup: async (t) => ({ keys: { main: await t.key({ rpm_limit: 3 }) } }),
    content: numbered('key rpm'),
    top: 3,
  },
  'enforce-key-update-budget-switch.immediate': {
    setup: async (t) => {
      await t.tier({ budget_id: 'series-zero', rpm_limit: 0 });
      return tierAndKey(t, { rpm_limit: 100 });
    },
    content: numbered('prop2'),
    phase: (t, keys) =>
      t.admin('POST', '/key/update', { key: keys.main, budget_id: 'series-zero' }),
    top: 'last',
  },
  'enforce-key-vs-tier-precedence-2.tier-wins': {
    setup: (t) => tierAndKey(t, { rpm_limit: 2 }, { rpm_limit: 40 }),
    content: numbered('prec2'),
    top: 3,
  },
  'enforce-key-vs-tier-precedence.tier-wins': {
    setup: (t) => tierAndKey(t, { rpm_limit: 40 }, { rpm_limit: 3 }),
    content: numbered('prec'),
    top: 4,
  },
  'enforce-tier-budget-per-key-not-shared.budget-exceeded': {
    setup: (t) => tierAndKeys(t, { max_budget: 0.01 }, ['C', 'D']),
    content: (entry) => `budget ${entry.who ?? ''}`,
    top: 'last',
  },
  'enforce-tier-max-budget.budget-exceeded': {
    setup: (t) => tierAndKey(t, { max_budget: 0.01 }),
    content: numbered('budget call'),
    top: 1,
  },
  'enforce-tier-max-parallel-1.not-enforced': {
    setup: (t) => tierAndKey(t, { max_parallel_requests: 1 }),
    content: (_, i) => `par tier ${i} ${SLOW}`,
    concurrent: true,
    top: 0,
  },
  'enforce-tier-model-max-budget.budget-exceeded': {
    setup: (t) =>
      tierAndKey(t, {
        model_max_budget: {
          'fake-gpt': { max_budget: 0.001, budget_duration: '1d', rpm_limit: 1 },
        },
      }),
    content: numbered('mmb'),
    top: 2,
  },
  'enforce-tier-rpm-per-key-not-shared.429': {
    setup: (t) => tierAndKeys(t, { rpm_limit: 2 }, ['A', 'B']),
    content: (entry) => `shared ${entry.who ?? ''}`,
    top: 'last',
  },
  'enforce-tier-rpm0.429-win10': {
    setup: (t) => tierAndKey(t, { rpm_limit: 0 }),
    content: numbered('rpm0 call'),
    top: 0,
  },
  'enforce-tier-rpm0.429': {
    setup: (t) => tierAndKey(t, { rpm_limit: 0 }),
    content: numbered('rpm0 call'),
    top: 0,
  },
  'enforce-tier-rpm3.burst-then-poll-win10': {
    setup: (t) => tierAndKey(t, { rpm_limit: 3 }),
    content: numbered('rpm3 burst'),
    top: 3,
  },
  'enforce-tier-rpm3.burst-then-poll': {
    setup: (t) => tierAndKey(t, { rpm_limit: 3 }),
    content: numbered('rpm3 burst'),
    top: 3,
  },
  'enforce-tier-rpm3.spread-win10': {
    setup: (t) => tierAndKey(t, { rpm_limit: 3 }),
    content: numbered('spread poll'),
    top: 'last',
  },
  'enforce-tier-rpm3.spread': {
    setup: (t) => tierAndKey(t, { rpm_limit: 3 }),
    content: numbered('spread poll'),
    top: 'last',
  },
  'enforce-tier-tpm50.429': {
    setup: (t) => tierAndKey(t, { tpm_limit: 50 }),
    content: (_, i) => `tpm call ${i} [ctoks=20]`,
    top: 3,
  },
  'enforce-tier-tpm50.overshoot': {
    setup: (t) => tierAndKey(t, { tpm_limit: 50 }),
    // About 400 tokens of prompt and a 500-token answer, then ordinary calls.
    content: (_, i) => (i === 0 ? `${'word '.repeat(320)}[ctoks=500]` : 'after big [ctoks=5]'),
    top: 'last',
  },
  'enforce-tier-update-propagation.60s': {
    setup: (t) => tierAndKey(t, { rpm_limit: 0 }),
    content: numbered('prop'),
    phase: (t) => t.admin('POST', '/budget/update', { budget_id: 'series-tier', rpm_limit: 100 }),
    top: 'last',
  },
};
