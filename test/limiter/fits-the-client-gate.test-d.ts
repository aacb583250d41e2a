import { expectTypeOf, test } from 'vitest';
import type { Gate } from '../../src/client/gate';
import type { Outcome } from '../../src/limiter/ticket';
import { TierLimiter } from '../../src/limiter/tier-limiter';

test('a TierLimiter is the Gate the client calls', () => {
  expectTypeOf<TierLimiter>().toMatchTypeOf<Gate>();
});

test('an outcome must say whether the call was sent', () => {
  expectTypeOf<{ status: number }>().not.toMatchTypeOf<Outcome>();
  expectTypeOf<{ sent: false }>().toMatchTypeOf<Outcome>();
});
