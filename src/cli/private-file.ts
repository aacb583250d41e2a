import { constants } from 'node:fs';
import { open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { UsageError } from './errors';

const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/**
 * Opens a file that will hold secrets for appending, creating it with mode 0600. Refuses a
 * file that others may read or write, and a symbolic link (which could point anywhere).
 */
export async function openPrivate(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, APPEND, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') {
      throw new UsageError(`refusing to write keys through a symbolic link: ${path}`);
    }
    throw new UsageError(`cannot open ${path} for writing: ${(error as Error).message}`);
  }
  const stats = await handle.stat();
  const mode = stats.mode & 0o777;
  if (!stats.isFile() || (mode & 0o077) !== 0) {
    await handle.close();
    const what = stats.isFile() ? `its mode is ${mode.toString(8)}` : 'it is not a regular file';
    throw new UsageError(
      `refusing to write keys to ${path}: ${what}, so others could read them; ` +
        `run \`chmod 600 ${path}\` or choose another file`,
    );
  }
  return handle;
}

/** The lines of a file, or none when it does not exist. */
export async function readLines(path: string): Promise<{ text: string; lines: string[] }> {
  try {
    const text = await readFile(path, 'utf8');
    return { text, lines: text.split('\n') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', lines: [] };
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/**
 * Takes `<path>.lock` so that two runs never write one key file at once. A lock left by a
 * process that no longer exists is taken over. Resolves to the function that releases it.
 */
export async function lockFile(path: string): Promise<() => Promise<void>> {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(lock, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => unlink(lock).catch(() => {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new UsageError(`cannot create ${lock}: ${(error as Error).message}`);
      }
      const holder = Number.parseInt((await readLines(lock)).text, 10);
      if (isAlive(holder)) {
        throw new UsageError(
          `${path} is being written by another run (pid ${holder}); ` +
            `if no such run exists, delete ${lock}`,
        );
      }
      await unlink(lock).catch(() => {});
    }
  }
  throw new UsageError(`cannot take ${lock}: another run keeps creating it`);
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
