/** True in a page or a web worker, where anyone holding the page can read the key. */
export function isBrowser(): boolean {
  const g = globalThis as { document?: unknown; importScripts?: unknown; process?: unknown };
  const inPage = typeof g.document !== 'undefined';
  const inWorker = typeof g.importScripts === 'function';
  return (inPage || inWorker) && typeof (g.process as { versions?: { node?: string } })
    ?.versions?.node !== 'string';
}
