// Every error body the gateway sends becomes the right error class with its parts parsed.
//
// Recordings replayed (../shared/litellm/wire):
//   {"error":{...}}        auth-missing-key.401, auth-invalid-key.401,
//                          auth-invalid-key-management.401, budget-new-virtual-key.denied (401),
//                          budget-list-virtual-key.denied (401), key-generate-virtual-key.401,
//                          chat-blocked-key.401, chat-deleted-key.401,
//                          key-info-unknown-key.404, key-delete-again.404,
//                          key-generate-duplicate-alias.400, key-update-unknown-budget.400,
//                          key-generate-unknown-budget.500
//   {"detail":{"error"}}   budget-update-no-id.400, budget-info-empty.400
//   {"detail":[...]}       budget-new-bad-type.422, budget-settings-missing-query.422,
//                          budget-delete-wrong-field.422
//   text/plain 500         budget-new-duplicate.500, budget-new-bad-duration.500
// Not recorded (no 1.80.7 exchange answers them), so built here in the {"error"} shape:
// 403, 408, 409, 502, 503, 504, and a 500 with an empty body.
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  TierClientError,
  UnprocessableEntityError,
  type TierClient,
} from '../../src/index';
import { newClient, rejectionOf, useGateway } from './harness';
import { answering, loadRecording, recorded, recordedBody } from './wire';

const server = useGateway();

/** Sends the call a recording was made with, so the recording's route answers it. */
const callFor: Record<string, (client: TierClient) => PromiseLike<unknown>> = {
  'GET /key/info': (c) => c.getKeyInfo('sk-not-a-real-key-000'),
  'GET /budget/list': (c) => c.listBudgets(),
  'GET /budget/settings': (c) => c.getBudgetSettings('wire-tier-full'),
  'POST /budget/new': (c) => c.createBudget({ budget_id: 'wire-tier-x', rpm_limit: 1 }),
  'POST /budget/update': (c) => c.updateBudget({ budget_id: 'wire-tier-x', rpm_limit: 40 }),
  'POST /budget/info': (c) => c.getBudgets(['wire-tier-x']),
  'POST /budget/delete': (c) => c.deleteBudget('wire-tier-x'),
  'POST /key/generate': (c) => c.generateKey({ key_alias: 'wire-alias-once' }),
  'POST /key/update': (c) => c.updateKey({ key: 'sk-REDACTED-1', budget_id: 'nope' }),
  'POST /key/delete': (c) => c.deleteKey({ keys: ['sk-REDACTED-1'] }),
  'POST /v1/chat/completions': (c) =>
    c.chatCompletions({ model: 'fake-gpt', messages: [{ role: 'user', content: 'hi' }] }),
};

async function errorFor(file: string): Promise<APIError> {
  const route = recorded(file);
  server.use(route.handler);
  const call = callFor[requestOf(file)];
  if (!call) throw new Error(`no call for ${requestOf(file)}`);
  const error = await rejectionOf(call(newClient()));
  expect(route.count).toBe(1);
  expect(error).toBeInstanceOf(APIError);
  return error as APIError;
}

function requestOf(file: string): string {
  const { method, path } = loadRecording(file).request;
  return `${method} ${path.split('?')[0] ?? path}`;
}

describe('the {"error": {...}} envelope', () => {
  it('reads message, type and the string code, and drops a param of "None"', async () => {
    const error = await errorFor('auth-missing-key.401.json');
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, type: 'auth_error', code: '401', param: undefined });
    expect(error.message).toBe(
      '401 Authentication Error, No api key passed in. (GET /key/info)',
    );
    expect(error.body).toEqual(recordedBody('auth-missing-key.401.json'));
  });

  it('keeps a real param such as "key"', async () => {
    const error = await errorFor('key-info-unknown-key.404.json');
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, type: 'not_found_error', param: 'key' });
  });

  it.each([
    ['auth-invalid-key.401.json', 'token_not_found_in_db'],
    ['auth-invalid-key-management.401.json', 'token_not_found_in_db'],
    ['chat-deleted-key.401.json', 'token_not_found_in_db'],
    ['chat-blocked-key.401.json', 'auth_error'],
    ['budget-new-virtual-key.denied.json', 'auth_error'],
    ['budget-list-virtual-key.denied.json', 'auth_error'],
    ['key-generate-virtual-key.401.json', 'auth_error'],
  ])('makes %s an AuthenticationError of type %s', async (file, type) => {
    const error = await errorFor(file);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, type, code: '401' });
  });

  it('follows the status when the type disagrees (404 of type internal_server_error)', async () => {
    const error = await errorFor('key-delete-again.404.json');
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ type: 'internal_server_error', code: '404' });
    expect(error.message).toContain('No keys found');
  });

  it('makes a duplicate key_alias a BadRequestError with param key_alias', async () => {
    const error = await errorFor('key-generate-duplicate-alias.400.json');
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, type: 'bad_request_error', param: 'key_alias' });
  });

  it('makes a 400 of type auth_error a BadRequestError, not an AuthenticationError', async () => {
    const error = await errorFor('key-update-unknown-budget.400.json');
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).not.toBeInstanceOf(AuthenticationError);
    expect(error.type).toBe('auth_error');
  });

  it('makes a JSON 500 an InternalServerError', async () => {
    const error = await errorFor('key-generate-unknown-budget.500.json');
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 500, type: 'internal_server_error', code: '500' });
  });
});

describe('the {"detail": {"error": "..."}} envelope of the budget routes', () => {
  it.each([
    ['budget-update-no-id.400.json', 'budget_id is required'],
    ['budget-info-empty.400.json', "Specify list of budget id's to query. Passed in=[]"],
  ])('makes %s a BadRequestError saying "%s"', async (file, said) => {
    const error = await errorFor(file);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toContain(said);
    expect(error).toMatchObject({ status: 400, type: undefined, code: undefined });
  });
});

describe('the {"detail": [...]} validation envelope', () => {
  it.each([
    ['budget-new-bad-type.422.json', 'rpm_limit', 'body.rpm_limit: Input should be a valid'],
    ['budget-settings-missing-query.422.json', 'budget_id', 'query.budget_id: Field required'],
    ['budget-delete-wrong-field.422.json', 'id', 'body.id: Field required'],
  ])('makes %s an UnprocessableEntityError with param %s', async (file, param, said) => {
    const error = await errorFor(file);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error).toMatchObject({ status: 422, param, type: 'validation_error' });
    expect(error.message).toContain(said);
  });

  it('echoes the rejected input in the message', async () => {
    const error = await errorFor('budget-new-bad-type.422.json');
    expect(error.message).toContain('(got "abc")');
  });
});

describe('the text/plain 500', () => {
  it.each(['budget-new-duplicate.500.json', 'budget-new-bad-duration.500.json'])(
    'makes %s an InternalServerError whose body is the text',
    async (file) => {
      const error = await errorFor(file);
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error.body).toBe('Internal Server Error');
      expect(error.message).toBe('500 Internal Server Error (POST /budget/new)');
    },
  );
});

describe('statuses the recordings do not cover', () => {
  const envelope = (status: number) => ({
    error: { message: `refused with ${status}`, type: 'None', param: null, code: String(status) },
  });

  it.each([
    [403, PermissionDeniedError],
    [409, ConflictError],
    [502, InternalServerError],
    [503, InternalServerError],
    [504, InternalServerError],
  ] as const)('maps %i to %o', async (status, errorClass) => {
    const answer = () => HttpResponse.json(envelope(status), { status });
    server.use(answering('get', '/budget/list', answer).handler);
    const error = await rejectionOf(newClient().listBudgets());
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ status, code: String(status), type: undefined });
    expect((error as Error).message).toBe(`${status} refused with ${status} (GET /budget/list)`);
  });

  it('maps a status without a class of its own (408) to APIError', async () => {
    const answer = () => HttpResponse.json(envelope(408), { status: 408 });
    server.use(answering('get', '/budget/list', answer).handler);
    const error = await rejectionOf(newClient().listBudgets());
    expect(error).toBeInstanceOf(APIError);
    expect((error as Error).constructor).toBe(APIError);
    expect(error).toMatchObject({ status: 408 });
  });

  it('says which status failed when the body is empty', async () => {
    server.use(answering('get', '/budget/list', () => new HttpResponse(null, { status: 500 }))
      .handler);
    const error = await rejectionOf(newClient().listBudgets());
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as Error).message).toBe(
      '500 Request failed with status 500 (GET /budget/list)',
    );
  });

  it('keeps every error in the one family', async () => {
    server.use(recorded('auth-missing-key.401.json').handler);
    const error = await rejectionOf(newClient().getKeyInfo('sk-not-a-real-key-000'));
    expect(error).toBeInstanceOf(TierClientError);
    expect(error).toBeInstanceOf(Error);
  });
});
