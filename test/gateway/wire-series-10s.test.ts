import { replaySeries } from './support/series-suite';

/** The series recorded with `LITELLM_RATE_LIMIT_WINDOW_SIZE=10`, replayed with a 1 s window. */
replaySeries(10, 1 / 10);
