import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useGateway, useTempDir } from './harness';

const gw = useGateway();
const tempDir = useTempDir();

/** Writes a tier file and applies it; every request the gateway sees is counted. */
async function applyText(name: string, text: string) {
  const file = join(await tempDir(), name);
  await writeFile(file, text);
  const probe = gw.gateway.inject({ fault: { kind: 'status', status: 500 }, times: 1_000 });
  try {
    const result = await gw.run(['apply', file]);
    return { ...result, file, requests: probe.hits };
  } finally {
    probe.remove();
  }
}

describe('apply refuses a bad tier file before any request', () => {
  it('names the file, line and field of a negative limit, and exits 2', async () => {
    const r = await applyText('tiers.yaml', [
      'tiers:',
      '  - budget_id: gold',
      '    rpm_limit: -5',
    ].join('\n'));

    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${r.file}:3:16: tiers[0].rpm_limit: must be a whole number ≥ 0`);
    expect(r.requests).toBe(0);
  });

  it('refuses a non-numeric limit, even one the gateway would coerce', async () => {
    const r = await applyText('tiers.yaml', [
      'tiers:',
      '  - budget_id: gold',
      '    tpm_limit: "7"',
      '    max_budget: lots',
    ].join('\n'));

    expect(r.code).toBe(2);
    expect(r.stderr).toContain(':3:16: tiers[0].tpm_limit: must be a whole number ≥ 0, got "7"');
    expect(r.stderr).toContain(':4:17: tiers[0].max_budget: must be a number of USD ≥ 0');
    expect(r.requests).toBe(0);
  });

  it('refuses a field that BudgetNewRequest does not have', async () => {
    const r = await applyText('tiers.yaml', [
      'tiers:',
      '  - budget_id: gold',
      '    rpm: 10',
      '    model_max_budget:',
      '      fake-gpt: { rpm_limit: 1, tokens: 2 }',
    ].join('\n'));

    expect(r.code).toBe(2);
    expect(r.stderr).toContain(':3:5: tiers[0].rpm: unknown field');
    expect(r.stderr).toContain(':5:33: tiers[0].model_max_budget.fake-gpt.tokens: unknown field');
    expect(r.requests).toBe(0);
  });

  it('refuses a duplicate budget_id, pointing at both declarations', async () => {
    const r = await applyText('tiers.json', [
      '{"tiers": [',
      '  {"budget_id": "gold", "rpm_limit": 1},',
      '  {"budget_id": "gold", "rpm_limit": 2}',
      ']}',
    ].join('\n'));

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tiers\.json:3:\d+: tiers\[1\]\.budget_id: duplicate tier "gold"/);
    expect(r.stderr).toContain('(first declared on line 2)');
    expect(r.requests).toBe(0);
  });

  it('requires a budget_id on every tier and a bad duration names its value', async () => {
    const r = await applyText('tiers.yaml', [
      'tiers:',
      '  - rpm_limit: 3',
      '  - budget_id: silver',
      '    budget_duration: monthly',
    ].join('\n'));

    expect(r.code).toBe(2);
    expect(r.stderr).toContain(':2:5: tiers[0].budget_id: is required');
    expect(r.stderr).toContain(':4:22: tiers[1].budget_duration: must be a duration');
    expect(r.stderr).toContain('"monthly"');
    expect(r.requests).toBe(0);
  });

  it('reports a YAML syntax error with its line', async () => {
    const r = await applyText('tiers.yaml', 'tiers:\n  - budget_id: a\n    budget_id: b\n');

    expect(r.code).toBe(2);
    expect(r.stderr).toContain(':3:5: (syntax): Map keys must be unique');
    expect(r.requests).toBe(0);
  });

  it('exits 2 when the file does not exist', async () => {
    const r = await gw.run(['apply', join(await tempDir(), 'missing.yaml')]);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*missing\.yaml/);
  });
});
