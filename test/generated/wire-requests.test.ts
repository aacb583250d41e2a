import { describe, expect, it } from 'vitest';
import { validate } from './json-schema-subset';
import { loadSpec, loadWire, requestSchemaFor, resolverFor } from './spec-fixtures';

const spec = loadSpec();
const resolve = resolverFor(spec);
const withBody = loadWire().filter((exchange) => exchange.requestBody !== null);

// Recorded requests our types refuse on purpose, and why.
const REFUSED: Record<string, string> = {
  'budget-new-bad-type.422.json': 'rpm_limit "abc" — the proxy answers 422',
  'budget-delete-wrong-field.422.json': 'budget_id instead of id — the proxy answers 422',
  'budget-info-empty.400.json': 'an empty budgets list — the proxy answers 400',
  'budget-update-no-id.400.json': 'no budget_id — the proxy answers 400',
  'budget-new-numeric-strings.ok.json':
    'rpm_limit "7": the proxy coerces it, but our type asks for a number so none is sent',
};

describe('recorded request bodies against our request schemas', () => {
  it('has a request schema for every recorded body', () => {
    const missing = withBody.filter((exchange) => requestSchemaFor(spec, exchange) === undefined);
    expect(missing.map((exchange) => exchange.file)).toEqual([]);
  });

  it.each(withBody.filter((e) => !(e.file in REFUSED)).map((e) => [e.file, e] as const))(
    'accepts %s',
    (_file, exchange) => {
      const declared = requestSchemaFor(spec, exchange) ?? false;
      expect(validate(exchange.requestBody, declared, resolve)).toEqual([]);
    },
  );

  it.each(Object.entries(REFUSED))('refuses %s (%s)', (file) => {
    const exchange = withBody.find((e) => e.file === file);
    expect(exchange, `${file} is recorded`).toBeDefined();
    const declared = exchange === undefined ? false : requestSchemaFor(spec, exchange) ?? false;
    expect(validate(exchange?.requestBody, declared, resolve)).not.toEqual([]);
  });
});
