/**
 * The ways of calling a tiered key that the accuracy benchmark puts side by side: this
 * client's limiter, what users do without it (a fetch loop that waits out each 429's
 * `retry-after`), a stock Bottleneck whose reservoir refreshes every window, and openai-node
 * handed this client's limited `fetch`.
 */
import Bottleneck from 'bottleneck';
import OpenAI from 'openai';
import type { GeneratedKey, TierClient } from '../../src/index';

export interface Setting {
  url: string;
  /** A client authenticated with the master key, to derive per-key clients from. */
  admin: TierClient;
  generated: GeneratedKey;
  rpm: number;
  windowMs: number;
}

export interface Running {
  /** One chat call, retried as the contender retries; rejects if it finally fails. */
  call(): Promise<void>;
  close(): Promise<void>;
}

export interface Contender {
  name: string;
  start(setting: Setting): Promise<Running>;
}

const BODY = { model: 'fake-gpt', messages: [{ role: 'user' as const, content: 'hello' }] };

/** A retry loop gives up after this many 429s on one call, so every call settles. */
const MAX_ATTEMPTS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function send(setting: Setting): Promise<Response> {
  return fetch(`${setting.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${setting.generated.key}`,
      'Content-Type': 'application/json' },
    body: JSON.stringify(BODY),
  });
}

/** Sends until admitted, waiting exactly the `retry-after` of each 429 (no jitter). */
async function retryOn429(attempt: () => Promise<Response>): Promise<void> {
  for (let n = 1; n <= MAX_ATTEMPTS; n += 1) {
    const response = await attempt();
    await response.arrayBuffer();
    if (response.ok) return;
    if (response.status !== 429) throw new Error(`gateway answered ${response.status}`);
    await sleep(Number(response.headers.get('retry-after') ?? '1') * 1000);
  }
  throw new Error(`still refused after ${MAX_ATTEMPTS} attempts`);
}

const tierClient: Contender = {
  name: 'TierClient (this limiter)',
  async start(setting) {
    const client = await setting.admin.withKey(setting.generated, { windowMs: setting.windowMs });
    return {
      call: async () => void (await client.chatCompletions(BODY)),
      close: () => client.close(),
    };
  },
};

const retryLoop: Contender = {
  name: 'no limiter, retry on 429',
  async start(setting) {
    return { call: () => retryOn429(() => send(setting)), close: async () => undefined };
  },
};

const refreshingBottleneck: Contender = {
  name: 'Bottleneck reservoirRefreshInterval, retry on 429',
  async start(setting) {
    const limiter = new Bottleneck({
      reservoir: setting.rpm,
      reservoirRefreshAmount: setting.rpm,
      reservoirRefreshInterval: setting.windowMs,
    });
    return {
      // Each retry goes back through the limiter and takes a reservoir slot again.
      call: () => retryOn429(() => limiter.schedule(() => send(setting))),
      close: () => limiter.stop({ dropWaitingJobs: true }),
    };
  },
};

const openaiOverFetch: Contender = {
  name: 'openai-node over client.fetch',
  async start(setting) {
    const client = await setting.admin.withKey(setting.generated, { windowMs: setting.windowMs });
    const openai = new OpenAI({
      baseURL: `${setting.url}/v1`,
      apiKey: setting.generated.key,
      fetch: client.fetch,
    });
    return {
      call: async () => void (await openai.chat.completions.create(BODY)),
      close: () => client.close(),
    };
  },
};

export const CONTENDERS: readonly Contender[] = [
  tierClient,
  retryLoop,
  refreshingBottleneck,
  openaiOverFetch,
];
