import type { GlobalArgs } from './connection';
import { EXIT, type ExitCode } from './exit-codes';
import type { CliIo } from './io';
import { Output } from './output';

export interface GatewayArgs extends Pick<GlobalArgs, 'json' | 'masterKey'> {
  /** Port on 127.0.0.1. @default 0 (any free port) */
  port?: number | undefined;
  /** Rate-limit window in milliseconds. @default 60000 */
  windowMs?: number | undefined;
}

/**
 * `litellm-tiers gateway`: runs the local LiteLLM-compatible gateway until interrupted,
 * printing where it listens and its master key (a development key, shown on purpose).
 */
export async function gateway(args: GatewayArgs, io: CliIo): Promise<ExitCode> {
  const out = new Output(io, args.json ?? false);
  try {
    // Loaded only here, so the other commands do not carry the gateway's code in memory.
    const { startGateway } = await import('../gateway');
    const running = await startGateway({
      ...(args.port === undefined ? {} : { port: args.port }),
      ...(args.windowMs === undefined ? {} : { windowMs: args.windowMs }),
      ...(args.masterKey === undefined ? {} : { masterKey: args.masterKey }),
    });
    out.say(`Local gateway listening on ${running.url}`);
    out.say(`export LITELLM_BASE_URL=${running.url}`);
    out.say(`export LITELLM_MASTER_KEY=${running.masterKey}`);
    out.say('Press Ctrl-C to stop.');
    out.result({ ok: true, url: running.url, masterKey: running.masterKey }, true);
    await untilAborted(io.signal);
    await running.close();
    out.note('gateway stopped');
    return EXIT.ok;
  } catch (error) {
    return out.fail(error);
  }
}

/** The gateway runs until the signal fires (Ctrl-C in the real process). */
function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return Promise.reject(new Error('gateway needs io.signal to know when to stop'));
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
