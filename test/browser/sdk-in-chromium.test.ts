import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TierClient, type BudgetNewRequest, type GeneratedKey } from '../../src/index';
import { startGateway, type RunningGateway } from '../../src/gateway/index';
import type { AppWindow } from './app-api';
import { launchChromium, missingBrowser, mustRun } from './chromium';
import { startPacingRelay, type PacingRelay } from './pacing-relay';
import { bundleApp, startPageServer, type AppBundle, type PageServer } from './page-server';

/** The gateway's window, short so that a burst spans several of them in seconds. */
const WINDOW_MS = 1000;
/** How far apart the relay delivers a stream's frames. */
const FRAME_GAP_MS = 250;

const missing = missingBrowser();
if (missing && !mustRun) console.warn(`Skipping the Chromium test: ${missing}.`);

const skip = missing !== undefined && !mustRun;

describe.skipIf(skip)('the SDK bundled into a page in Chromium', () => {
  let browser: Browser;
  let gateway: RunningGateway;
  let relay: PacingRelay;
  let site: PageServer;
  let bundle: AppBundle;
  let admin: TierClient;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (missing) throw new Error(`CI=true but ${missing}; .ci/run installs it`);
    bundle = await bundleApp();
    // The gateway answers CORS as the proxy does: no header is exposed to page scripts.
    gateway = await startGateway({ windowMs: WINDOW_MS, exposeHeaders: false });
    [browser, relay, site] = await Promise.all([
      launchChromium(),
      startPacingRelay(gateway.url, FRAME_GAP_MS),
      startPageServer(bundle),
    ]);
    admin = new TierClient({ baseUrl: gateway.url, apiKey: gateway.masterKey });
  }, 60_000);

  afterAll(async () => {
    await admin?.close();
    await browser?.close();
    await Promise.all([site?.close(), relay?.close(), gateway?.close()]);
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  /** A fresh page of the app, with the log of every request it sends. */
  async function openApp(): Promise<{ page: Page; sent: string[] }> {
    const page = await browser.newPage();
    const sent: string[] = [];
    page.on('request', (r) => sent.push(`${r.method()} ${new URL(r.url()).pathname}`));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(site.url);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    return { page, sent };
  }

  async function keyOnTier(budgetId: string, tier: Omit<BudgetNewRequest, 'budget_id'>) {
    await admin.createBudget({ budget_id: budgetId, ...tier });
    const key: GeneratedKey = await admin.generateKey({ budget_id: budgetId });
    if (!key.token) throw new Error(`the gateway gave no token for the key on ${budgetId}`);
    return { apiKey: key.key, token: key.token };
  }

  it("loads the package's browser build, with Bottleneck's light build", () => {
    expect(bundle.inputs).toContain('dist/browser/index.js');
    expect(bundle.inputs.filter((f) => /^dist\/(index|testing)/.test(f))).toEqual([]);
    expect(bundle.inputs.filter((f) => /node_modules\/bottleneck\//.test(f)))
      .toEqual([expect.stringMatching(/node_modules\/bottleneck\/light\.js$/)]);
  });

  it("hides the gateway's headers from page scripts, as the proxy does", async () => {
    const { page } = await openApp();
    const seen = await page.evaluate(
      (args) => (window as unknown as AppWindow).app.readableHeaders(args),
      { baseUrl: gateway.url, apiKey: gateway.masterKey },
    );
    expect(seen.status).toBe(200);
    expect(seen.names).toContain('content-type');
    expect(seen.names.filter((name) => /^(x-|retry-after|llm_provider)/.test(name))).toEqual([]);
    await page.close();
  });

  it('meets no gateway 429 in a burst over the tier of a key loaded with forKey', async () => {
    const tier = { rpm_limit: 4, max_parallel_requests: 2 };
    const { apiKey, token } = await keyOnTier('browser-burst', tier);
    const { page } = await openApp();
    const calls = 10;
    const result = await page.evaluate(
      (args) => (window as unknown as AppWindow).app.burst(args),
      { baseUrl: gateway.url, apiKey, calls, windowMs: WINDOW_MS, delaySeconds: 0.1 },
    );
    expect(result.answers.filter((a) => !a.ok)).toEqual([]);
    expect(result.queued).toBeGreaterThan(0);
    const stats = gateway.stats().keys[token]!;
    expect(Object.values(stats.refused).reduce((sum, n) => sum + n, 0)).toBe(0);
    expect(stats).toMatchObject({ arrived: calls, admitted: calls });
    expect(stats.maxAdmittedInAnyWindow).toBeLessThanOrEqual(tier.rpm_limit);
    expect(stats.maxInFlight).toBeLessThanOrEqual(tier.max_parallel_requests);
    await page.close();
  });

  it('renders a streamed answer in the page as its frames arrive', async () => {
    const { apiKey } = await keyOnTier('browser-stream', { rpm_limit: 100 });
    const { page } = await openApp();
    const prompt = 'tell me a story';
    const done = page.evaluate(
      (args) => (window as unknown as AppWindow).app.stream(args),
      { baseUrl: relay.url, apiKey, prompt },
    );
    const firstText = page.waitForFunction(
      () => document.getElementById('answer')?.textContent !== '', undefined, { timeout: 10_000 });
    // A failed stream fails the test at once instead of leaving the wait to time out.
    await Promise.race([firstText, done.then(() => Promise.reject(new Error('ended unseen')))]);
    const midway = await page.evaluate(() => ({
      text: document.getElementById('answer')?.textContent ?? '',
      status: document.getElementById('status')?.textContent,
    }));
    const result = await done;

    const full = `fake reply to: ${prompt}`;
    expect(midway.status).toBe('streaming');
    expect(full.startsWith(midway.text) && midway.text.length < full.length).toBe(true);
    expect(result.text).toBe(full);
    expect(result.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 5 });
    const texts = result.seen.map((s) => s.text);
    expect(texts.length).toBeGreaterThanOrEqual(2);
    expect(texts.every((text, i) => i === 0 || text.length > texts[i - 1]!.length)).toBe(true);
    expect(texts.at(-1)).toBe(full);
    // The relay holds each frame back; the page showed the first before the last had come.
    expect(result.seen.at(-1)!.at - result.seen[0]!.at).toBeGreaterThanOrEqual(FRAME_GAP_MS / 2);
    await page.close();
  });

  it('refuses a call at once on rpm_limit: 0, in both modes, sending nothing', async () => {
    const { apiKey, token } = await keyOnTier('browser-zero', { rpm_limit: 0 });
    const { page, sent } = await openApp();
    for (const onLimit of ['queue', 'reject'] as const) {
      const outcome = await page.evaluate(
        (args) => (window as unknown as AppWindow).app.callOnce(args),
        { baseUrl: gateway.url, apiKey, onLimit },
      );
      expect(outcome).toMatchObject({
        ok: false,
        error: { name: 'RateLimitError', family: true, source: 'client', limit: 'requests' },
      });
    }
    expect(sent.filter((line) => line.includes('/chat/completions'))).toEqual([]);
    expect(gateway.stats().keys[token]?.arrived ?? 0).toBe(0);
    await page.close();
  });

  it('refuses tier and key management in a page unless dangerouslyAllowBrowser', async () => {
    const { page, sent } = await openApp();
    const run = (allow: boolean, budgetId: string) =>
      page.evaluate((args) => (window as unknown as AppWindow).app.manage(args), {
        baseUrl: gateway.url, apiKey: gateway.masterKey, allow, budgetId,
      });

    const refused = await run(false, 'browser-refused');
    for (const outcome of [refused.budget, refused.key, refused.list]) {
      expect(outcome).toMatchObject({
        ok: false,
        error: { name: 'TierClientError', message: expect.stringMatching(/browser/) },
      });
    }
    expect(sent.filter((line) => /\/(budget|key)\//.test(line))).toEqual([]);

    const allowed = await run(true, 'browser-allowed');
    expect(allowed.budget).toEqual({ ok: true, value: 'browser-allowed' });
    expect(allowed.key).toMatchObject({ ok: true, value: expect.any(String) });
    expect(allowed.list).toMatchObject({ ok: true });
    expect(sent).toEqual(expect.arrayContaining(['POST /budget/new', 'POST /key/generate']));

    const tiers = (await admin.listBudgets()).map((row) => row.budget_id);
    expect(tiers).toContain('browser-allowed');
    expect(tiers).not.toContain('browser-refused');
    await page.close();
  });
});
