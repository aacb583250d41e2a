/**
 * A script for a child `node`: loads the built package with `load` (an `import()` or a
 * `require()` expression), calls chat completions on a local server that fails the first
 * attempt with a 503, and prints what it saw as JSON. The retry goes through p-retry, which
 * the CJS build must carry itself.
 */
export function smokeScript(load: string): string {
  return `
(async () => {
  const sdk = ${load};
  const { createServer } = await import('node:http');
  let calls = 0;
  const completion = {
    id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'fake-gpt',
    choices: [
      { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'hello' } },
    ],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  };
  const server = createServer((req, res) => {
    calls += 1;
    req.resume();
    req.on('end', () => {
      const busy = calls === 1;
      res.writeHead(busy ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(busy
        ? { error: { message: 'busy', type: 'internal_server_error', param: null, code: '503' } }
        : completion));
    });
  });
  await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
  try {
    const client = new sdk.TierClient({
      baseUrl: 'http://127.0.0.1:' + server.address().port,
      apiKey: 'sk-smoke-test-0000',
    });
    const answer = await client.chatCompletions({
      model: 'fake-gpt',
      messages: [{ role: 'user', content: 'hi' }],
    });
    console.log(JSON.stringify({
      names: Object.keys(sdk).sort(),
      content: answer.choices[0].message.content,
      calls,
      errorFamily: sdk.RateLimitError.prototype instanceof sdk.TierClientError,
    }));
  } finally {
    server.close();
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;
}

/** A script that loads one entry and prints its export names as JSON. */
export function namesScript(load: string): string {
  return `
(async () => {
  const entry = ${load};
  console.log(JSON.stringify(Object.keys(entry).sort()));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;
}
