import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';

/** The machine a run measured on, for the head of RESULTS.md. */
export function machineLines(): string[] {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  const memory = (totalmem() / 2 ** 30).toFixed(1);
  return [
    `- Machine: ${model}, ${cores.length} cores, ${memory} GiB memory; ` +
      `${osType()} ${release()} (${process.arch})`,
    `- Node ${process.version}`,
    `- Commit: ${commit()}`,
  ];
}

/** The 1-minute load average, which says how busy the shared machine was. */
export function load(): string {
  return loadavg().map((n) => n.toFixed(2)).join(' / ');
}

function commit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'bench');
    return dirty ? `${head} with uncommitted changes in src/ or bench/` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
