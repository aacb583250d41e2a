import { processIo } from './io';
import { main } from './program';

// The `litellm-tiers` bin. The first Ctrl-C lets the command settle what is in flight and
// exit 130 (a re-run finishes the job); a second one ends the process at once.
const interrupt = new AbortController();
const stop = () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

process.exitCode = await main(process.argv.slice(2), processIo(interrupt.signal));
process.off('SIGINT', stop);
process.off('SIGTERM', stop);
