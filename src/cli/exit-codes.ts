/** The exit codes every command uses; printed in `--help` and in the README. */
export const EXIT = {
  /** Everything asked for is done. */
  ok: 0,
  /** The gateway or the machine failed and this run changed nothing. */
  failure: 1,
  /** Bad arguments, a bad file, or a refused plan: nothing was sent that changes anything. */
  usage: 2,
  /** Some changes were made and others failed; re-running the same command finishes them. */
  partial: 3,
  /** Interrupted (Ctrl-C); re-running the same command finishes the job. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `
Exit codes:
  0    done
  1    gateway or runtime failure; this run changed nothing
  2    usage or validation error, or a refused plan; nothing was changed
  3    partial: some changes were made, others failed; re-run the same command
  130  interrupted (Ctrl-C); re-run the same command to finish

Environment:
  LITELLM_BASE_URL     the gateway, when --base-url is not given
  LITELLM_MASTER_KEY   the master (or a proxy-admin) key, when --master-key is not given
`;
