import { describe, expect, it } from 'vitest';
import { useTwoTiers } from './two-tiers-fixture';

const { gw, statusDoc, keysOn } = useTwoTiers();

describe('keys move', () => {
  it('counts the keys and changes nothing with --dry-run', async () => {
    const r = await gw.run(['keys', 'move', '--from', 'basic', '--to', 'pro', '--dry-run']);

    expect(r.code).toBe(0);
    expect(r.stdout).toContain('5 keys on basic would move to pro (dry run).');
    expect(keysOn(await statusDoc(), 'basic')).toBe(5);
  });

  it('re-tiers every key of one tier to another', async () => {
    const r = await gw.run(['keys', 'move', '--from', 'basic', '--to', 'pro', '--json']);
    const doc = await statusDoc();

    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, found: 5, moved: 5, failed: [] });
    expect(keysOn(doc, 'basic')).toBe(0);
    expect(keysOn(doc, 'pro')).toBe(7);
  });

  it('refuses a target tier that does not exist, and the same tier twice', async () => {
    const missing = await gw.run(['keys', 'move', '--from', 'pro', '--to', 'nowhere']);
    const same = await gw.run(['keys', 'move', '--from', 'pro', '--to', 'pro']);

    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no tier "nowhere" on the gateway to move keys to');
    expect(same.code).toBe(2);
    expect(keysOn(await statusDoc(), 'pro')).toBe(7);
  });
});
