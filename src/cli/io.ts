/** Where a command writes: a terminal stream, or a buffer in tests. */
export interface OutStream {
  write(chunk: string): unknown;
  /** Set on a terminal: the progress bar is drawn only there. */
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/** Everything a command touches outside its arguments, so tests can run it in-process. */
export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  /** Read for `LITELLM_BASE_URL` and `LITELLM_MASTER_KEY`. */
  env: Readonly<Record<string, string | undefined>>;
  /** Fires on Ctrl-C: commands stop starting work, settle what is in flight and exit 130. */
  signal?: AbortSignal | undefined;
}

/** The real process's streams and environment. */
export function processIo(signal?: AbortSignal): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, signal };
}
