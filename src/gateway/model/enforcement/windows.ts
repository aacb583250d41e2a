/**
 * Fixed rate-limit windows, one per descriptor (`api_key:<hash>`, `model_per_key:<hash>:<m>`).
 * A window opens when the first call after the previous one expired is admitted — not on a
 * calendar minute, not sliding — and a refused call neither opens nor extends one.
 */

export interface Window {
  /** Distinguishes successive windows of one descriptor (for late token updates). */
  id: number;
  start: number;
  requests: number;
  tokens: number;
}

export class WindowLedger {
  private readonly windows = new Map<string, Window>();
  private nextId = 1;

  constructor(private readonly windowMs: number) {}

  /** The counts a call arriving now would see (zero when no window is open). */
  peek(descriptor: string, now: number): Window {
    const current = this.windows.get(descriptor);
    if (current && now - current.start < this.windowMs) return current;
    return { id: 0, start: now, requests: 0, tokens: 0 };
  }

  /** The open window, or a new one anchored now. */
  open(descriptor: string, now: number): Window {
    const current = this.windows.get(descriptor);
    if (current && now - current.start < this.windowMs) return current;
    const fresh = { id: this.nextId++, start: now, requests: 0, tokens: 0 };
    this.windows.set(descriptor, fresh);
    return fresh;
  }

  /**
   * Adds tokens counted after a call to the window that admitted it. If that window has
   * expired meanwhile the tokens are dropped: they cannot weigh on a later window.
   */
  addTokens(descriptor: string, windowId: number, tokens: number): void {
    const current = this.windows.get(descriptor);
    if (current && current.id === windowId) current.tokens = Math.max(0, current.tokens + tokens);
  }
}
