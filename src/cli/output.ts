import { maskDeep } from '../client/secrets';
import { describeError, exitCodeFor } from './errors';
import type { ExitCode } from './exit-codes';
import type { CliIo } from './io';

/**
 * Writes a command's result: one JSON document on stdout with `--json`, readable lines
 * otherwise. Notes and errors go to stderr, so stdout stays machine-readable.
 */
export class Output {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {}

  /** A line for people; silent with `--json`. */
  say(line = ''): void {
    if (!this.json) this.io.stdout.write(`${line}\n`);
  }

  /** A remark that is not the result (progress, warnings), always on stderr. */
  note(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  /** The result document with `--json`. Keys are masked unless `revealKeys` says not to. */
  result(value: unknown, revealKeys = false): void {
    if (!this.json) return;
    const shown = revealKeys ? value : maskDeep(value);
    this.io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  }

  /** Reports the failure that ended a command and returns its exit code. */
  fail(error: unknown): ExitCode {
    const code = exitCodeFor(error);
    const message = describeError(error);
    if (this.json) this.result({ ok: false, exitCode: code, error: message });
    this.io.stderr.write(`error: ${message}\n`);
    return code;
  }
}
