import { fileURLToPath } from 'node:url';

/** Runs a benchmark module when it is started directly (`npx tsx bench/x.ts`). */
export function runIfMain(moduleUrl: string, run: () => Promise<string>): void {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  run().then(
    (markdown) => console.log(markdown),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
