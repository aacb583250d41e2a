import Bottleneck from 'bottleneck';
import { keepRefreshOnUpdate } from './bottleneck-refresh';
import { makeFast } from './fast-bottleneck';

/**
 * The one place a Bottleneck is built. Every engine of a limiter comes from here, so
 * clustering (`datastore: 'ioredis'`, `id`, `connection`) plugs in through `options`.
 */
export function createBottleneck(options: Bottleneck.ConstructorOptions): Bottleneck {
  const limiter = new Bottleneck(options);
  makeFast(limiter);
  keepRefreshOnUpdate(limiter);
  return limiter;
}
