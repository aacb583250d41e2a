import { parseArgs } from 'node:util';
import { startGateway } from './server';

/**
 * `npm run gateway`: the local gateway for development. Prints its URL and master key and
 * runs until Ctrl-C. (The CLI's `litellm-tiers gateway` will call `startGateway` the same way.)
 */

const USAGE = `Usage: npm run gateway -- [--port <n>] [--window-ms <ms>] [--master-key <sk-…>]

  --port        TCP port on 127.0.0.1 (default: any free port)
  --window-ms   rate-limit window in milliseconds (default: 60000, like the proxy)
  --master-key  master key to accept (default: a random sk-master-… key)
`;

function integerFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new TypeError(`--${name} must be a whole number >= 0, got ${JSON.stringify(text)}`);
  }
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'window-ms': { type: 'string' },
      'master-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = integerFlag('port', values.port);
  const windowMs = integerFlag('window-ms', values['window-ms']);
  const gateway = await startGateway({
    ...(port !== undefined && { port }),
    ...(windowMs !== undefined && { windowMs }),
    ...(values['master-key'] !== undefined && { masterKey: values['master-key'] }),
  });
  // The master key is printed whole on purpose: it is this local gateway's only credential.
  process.stdout.write(`LiteLLM-compatible gateway listening on ${gateway.url}\n`);
  process.stdout.write(`master key: ${gateway.masterKey}\n`);
  process.stdout.write('Ctrl-C to stop.\n');

  const stop = () => {
    void gateway.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(1);
});
