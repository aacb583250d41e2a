import { maskDeep, maskSecrets } from './secrets';

/** A logger the client writes to; `console` fits, and so do pino or winston. */
export interface Logger {
  debug(message: string, meta?: unknown): void;
  info(message: string, meta?: unknown): void;
  warn(message: string, meta?: unknown): void;
  error(message: string, meta?: unknown): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, off: 99 };

/** Wraps the user's logger so that levels filter and no key is ever written out whole. */
export function levelledLogger(logger: Logger | undefined, level: LogLevel): Logger {
  const emit = (at: Exclude<LogLevel, 'off'>) => (message: string, meta?: unknown) => {
    if (!logger || RANK[at] < RANK[level]) return;
    if (meta === undefined) logger[at](maskSecrets(message));
    else logger[at](maskSecrets(message), maskDeep(meta));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
