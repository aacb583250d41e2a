// A bad option is refused when the client is built, with a TypeError that names the option,
// echoes the value and its type, and never echoes a key.
import { describe, expect, it } from 'vitest';
import { TierClient, type TierClientOptions } from '../../src/index';
import { MASTER_KEY } from './harness';
import { BASE_URL } from './wire';

const valid: TierClientOptions = { baseUrl: BASE_URL, apiKey: MASTER_KEY };

function refusal(options: unknown): TypeError {
  try {
    new TierClient(options as TierClientOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return error as TypeError;
  }
  throw new Error('expected the options to be refused');
}

describe('options validation', () => {
  it.each([
    ['baseUrl', undefined, 'got undefined (undefined)'],
    ['baseUrl', 'localhost:4000', 'got "localhost:4000" (string)'],
    ['baseUrl', 'ftp://litellm.test', 'got "ftp://litellm.test" (string)'],
    ['baseUrl', 4000, 'got 4000 (number)'],
    ['apiKey', undefined, 'got undefined (undefined)'],
    ['apiKey', '', 'got "" (string)'],
    ['apiKey', '   ', 'got "   " (string)'],
    ['apiKey', 42, 'got 42 (number)'],
    ['timeoutMs', 0, 'got 0 (number)'],
    ['timeoutMs', -5, 'got -5 (number)'],
    ['timeoutMs', Number.NaN, 'got null (number)'],
    ['timeoutMs', Number.POSITIVE_INFINITY, 'got null (number)'],
    ['timeoutMs', '1000', 'got "1000" (string)'],
    ['maxRetries', -1, 'got -1 (number)'],
    ['maxRetries', 1.5, 'got 1.5 (number)'],
    ['maxRetries', '2', 'got "2" (string)'],
    ['logLevel', 'verbose', 'got "verbose" (string)'],
    ['fetch', 'fetch', 'got "fetch" (string)'],
  ])('refuses %s = %o, naming it and echoing the value', (name, value, echoed) => {
    const error = refusal({ ...valid, [name]: value });
    expect(error.message).toContain(`Option \`${name}\``);
    expect(error.message).toContain(echoed);
  });

  it('says what would fit', () => {
    expect(refusal({ ...valid, maxRetries: -1 }).message).toBe(
      'Option `maxRetries` should be a whole number ≥ 0, got -1 (number).',
    );
  });

  it('refuses missing options as a whole', () => {
    expect(refusal(undefined).message).toContain('Option `options`');
  });

  it('never echoes a key given in the wrong place', () => {
    const inBaseUrl = refusal({ ...valid, baseUrl: MASTER_KEY });
    expect(inBaseUrl.message).toContain('`baseUrl`');
    expect(inBaseUrl.message).not.toContain(MASTER_KEY);
  });

  it('never echoes a key inside a wrong value', () => {
    for (const options of [
      { ...valid, apiKey: [MASTER_KEY] },
      { ...valid, apiKey: { key: MASTER_KEY } },
      { ...valid, timeoutMs: `Bearer ${MASTER_KEY}` },
    ]) {
      const error = refusal(options);
      expect(error.message).not.toContain(MASTER_KEY);
      expect(error.message).toContain('sk-...TAIL');
    }
  });

  it('accepts the meaningful zero: maxRetries 0', () => {
    expect(() => new TierClient({ ...valid, maxRetries: 0 })).not.toThrow();
  });

  it('accepts every log level', () => {
    for (const logLevel of ['debug', 'info', 'warn', 'error', 'off'] as const) {
      expect(() => new TierClient({ ...valid, logLevel })).not.toThrow();
    }
  });
});
