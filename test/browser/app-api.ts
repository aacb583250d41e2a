/** What `test/browser/app/main.js` puts on `window.app`, as seen from the test. */

export interface PageError {
  name: string;
  message: string;
  family?: boolean;
  source?: 'gateway' | 'client';
  limit?: string;
  retryAfterMs?: number;
  status?: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: PageError };

export interface AppApi {
  burst(args: {
    baseUrl: string;
    apiKey: string;
    calls: number;
    windowMs: number;
    delaySeconds: number;
  }): Promise<{ answers: Outcome<string>[]; queued: number }>;
  stream(args: { baseUrl: string; apiKey: string; prompt: string }): Promise<{
    text: string;
    usage: { prompt_tokens: number; completion_tokens: number } | null;
    seen: { at: number; text: string }[];
  }>;
  callOnce(args: {
    baseUrl: string;
    apiKey: string;
    onLimit: 'queue' | 'reject';
  }): Promise<Outcome<string>>;
  manage(args: { baseUrl: string; apiKey: string; allow: boolean; budgetId: string }): Promise<{
    budget: Outcome<string>;
    key: Outcome<string>;
    list: Outcome<number>;
  }>;
  readableHeaders(args: { baseUrl: string; apiKey: string }): Promise<{
    status: number;
    names: string[];
  }>;
}

export type AppWindow = typeof globalThis & { app: AppApi };
