// One measured provisioning run in its own process, so its peak RSS is its own. Started by
// bench/cli-provision.ts; prints `BENCH {"ms":…,"maxRssKb":…}` as its last line.
import { main } from '../src/cli/program';
import { processIo } from '../src/cli/io';

const [mode = '', url = '', masterKey = '', tier = '', count = '0', out = '', concurrency = '8'] =
  process.argv.slice(2);

/** What a shell loop of curl calls does: one /key/generate per key, nothing kept on disk. */
async function rawLoop(): Promise<number> {
  let next = 1;
  const worker = async () => {
    while (next <= Number(count)) {
      const n = next++;
      const response = await fetch(`${url}/key/generate`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ budget_id: tier, key_alias: `raw-${tier}-${n}` }),
      });
      if (!response.ok) throw new Error(`/key/generate answered ${response.status}`);
      await response.json();
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
  return 0;
}

function cli(): Promise<number> {
  const args = ['keys', 'create', '--tier', tier, '--count', count, '--out', out,
    '--concurrency', concurrency, '--base-url', url];
  return main(args, { ...processIo(), env: { LITELLM_MASTER_KEY: masterKey } });
}

const started = performance.now();
const code = mode === 'raw' ? await rawLoop() : await cli();
const ms = performance.now() - started;
const maxRssKb = process.resourceUsage().maxRSS;
process.stdout.write(`\nBENCH ${JSON.stringify({ code, ms, maxRssKb })}\n`);
