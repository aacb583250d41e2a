import { Command, CommanderError } from 'commander';
import { version } from '../../package.json';
import { apply } from './apply';
import { commaList, jsonObject, wholeNumber } from './args';
import type { GlobalArgs } from './connection';
import { EXIT, EXIT_CODES_HELP } from './exit-codes';
import { gateway } from './gateway';
import type { CliIo } from './io';
import { keysCreate } from './keys-create';
import { keysMove } from './keys-move';
import { status } from './status';

type Run = (code: Promise<number>) => void;

/**
 * Runs `litellm-tiers` with these arguments (without `node` and the script) and resolves
 * to its exit code. Nothing here exits the process, so tests can run it in-process.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let result: Promise<number> = Promise.resolve(EXIT.ok);
  const program = buildProgram(io, (code) => {
    result = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  return result;
}

function buildProgram(io: CliIo, run: Run): Command {
  const program = new Command('litellm-tiers')
    .description('Provision LiteLLM budget tiers and the keys bound to them.')
    .version(version)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage)')
    .option('--base-url <url>', 'the gateway (default: $LITELLM_BASE_URL)')
    .option('--master-key <key>', 'its master key (default: $LITELLM_MASTER_KEY)')
    .option('--json', 'print one JSON document on stdout instead of lines for people')
    .option('--timeout-ms <ms>', 'how long one request may take (default: 30000)',
      wholeNumber(1))
    .option('--max-retries <n>', 'retries of a failed request (default: 3)', wholeNumber(0, 20))
    .addHelpText('after', EXIT_CODES_HELP);

  addApply(program, io, run);
  const keys = program.command('keys').description('create or re-tier keys');
  addKeysCreate(keys, io, run);
  addKeysMove(keys, io, run);
  program.command('status')
    .description("every tier's limits and how many keys it holds")
    .action((_opts, cmd: Command) => run(status(globals(cmd), io)));
  program.command('gateway')
    .description('run the local LiteLLM-compatible gateway for development')
    .option('--port <n>', 'port on 127.0.0.1 (default: any free port)', wholeNumber(0, 65535))
    .option('--window-ms <ms>', 'rate-limit window (default: 60000)', wholeNumber(1))
    .action((opts: { port?: number; windowMs?: number }, cmd: Command) =>
      run(gateway({ ...globals(cmd), ...opts }, io)));
  return program;
}

function addApply(program: Command, io: CliIo, run: Run): void {
  program.command('apply <file>')
    .description('make the tiers a YAML or JSON file names match it (the file is the truth)')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--prune', 'also delete tiers the file does not name')
    .option('--force', 'with --prune, delete tiers that keys still use (they lose their tier)')
    .action((file: string, opts: { dryRun?: boolean; prune?: boolean; force?: boolean },
      cmd: Command) => run(apply({ ...globals(cmd), ...opts, file }, io)));
}

function addKeysCreate(keys: Command, io: CliIo, run: Run): void {
  keys.command('create')
    .description('create the missing keys of a tier, exactly once, into a 0600 JSON-lines file')
    .requiredOption('--tier <budget_id>', 'the tier every key is bound to')
    .requiredOption('--count <n>', 'how many keys the tier should have in total',
      wholeNumber(1, 1_000_000))
    .requiredOption('--out <file>', 'JSON-lines file the keys are appended to (mode 0600)')
    .option('--alias-prefix <prefix>', 'aliases are <prefix>-<tier>-<00001> (default: key)')
    .option('--models <a,b>', 'models the keys may call (default: all)', commaList)
    .option('--metadata <json>', 'metadata stored on every key, a JSON object', jsonObject)
    .option('--concurrency <k>', 'keys requested at once (default: 8)', wholeNumber(1, 256))
    .option('--show-keys', 'also print the secrets on stdout (they are always in the file)')
    .action((opts: Omit<Parameters<typeof keysCreate>[0], keyof GlobalArgs>, cmd: Command) =>
      run(keysCreate({ ...globals(cmd), ...opts }, io)));
}

function addKeysMove(keys: Command, io: CliIo, run: Run): void {
  keys.command('move')
    .description("move every key of one tier to another (from each key's next call)")
    .requiredOption('--from <budget_id>', 'the tier the keys are on')
    .requiredOption('--to <budget_id>', 'the tier to move them to')
    .option('--concurrency <k>', 'keys changed at once (default: 8)', wholeNumber(1, 256))
    .option('--dry-run', 'count the keys and change nothing')
    .action((opts: Omit<Parameters<typeof keysMove>[0], keyof GlobalArgs>, cmd: Command) =>
      run(keysMove({ ...globals(cmd), ...opts }, io)));
}

/** The program-wide options, wherever on the line they were given. */
function globals(cmd: Command): GlobalArgs {
  const all = cmd.optsWithGlobals<GlobalArgs>();
  return {
    baseUrl: all.baseUrl,
    masterKey: all.masterKey,
    json: all.json,
    timeoutMs: all.timeoutMs,
    maxRetries: all.maxRetries,
  };
}
