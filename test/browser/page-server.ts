import { build } from 'esbuild';
import { createServer } from 'node:http';
import { listenOnLoopback } from './listen';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP = fileURLToPath(new URL('./app/main.js', import.meta.url));

const PAGE = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>litellm-tier-client in a page</title></head>
  <body>
    <p id="status">loading</p>
    <pre id="answer"></pre>
    <script type="module" src="/app.js"></script>
  </body>
</html>`;

export interface AppBundle {
  code: string;
  /** The files the bundle was made of, relative to the repository root. */
  inputs: string[];
}

/**
 * Bundles the test app as a user's bundler would for a page: the bare import of
 * `litellm-tier-client` resolves through the package's `exports`, browser condition first.
 */
export async function bundleApp(): Promise<AppBundle> {
  const result = await build({
    entryPoints: [APP],
    absWorkingDir: ROOT,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

export interface PageServer {
  /** The page's origin, e.g. `http://127.0.0.1:41234`: another origin than the gateway's. */
  url: string;
  close(): Promise<void>;
}

/** Serves the page and its bundle on loopback. */
export async function startPageServer(bundle: AppBundle): Promise<PageServer> {
  const server = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(bundle.code);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
    } else {
      res.writeHead(404).end();
    }
  });
  return listenOnLoopback(server);
}
