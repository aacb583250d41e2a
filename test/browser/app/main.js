// A small page app using the SDK the way a user's app does: a bare import that the bundler
// resolves through the package's `browser` export. The browser test drives it through
// `window.app`; every function returns plain data that survives the trip back to Node.
import { TierClient, TierClientError } from 'litellm-tier-client';

const MODEL = 'fake-gpt';

function describeError(error) {
  if (!(error instanceof Error)) return { name: typeof error, message: String(error) };
  return {
    name: error.constructor.name,
    message: error.message,
    family: error instanceof TierClientError,
    source: error.source,
    limit: error.limit,
    retryAfterMs: error.retryAfterMs,
    status: error.status,
  };
}

async function settle(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

function ask(content) {
  return { model: MODEL, messages: [{ role: 'user', content }] };
}

/** A burst of chat calls through a client loaded with `forKey`, all started at once. */
async function burst({ baseUrl, apiKey, calls, windowMs, delaySeconds }) {
  const client = await TierClient.forKey({ baseUrl, apiKey, windowMs });
  const queued = [];
  const stop = client.on('queued', () => queued.push(Date.now()));
  try {
    const answers = await Promise.all(
      Array.from({ length: calls }, (_, i) =>
        settle(client.chatCompletions(ask(`call ${i} [delay=${delaySeconds}]`)).then(
          (completion) => completion.choices[0].message.content,
        )),
      ),
    );
    return { answers, queued: queued.length };
  } finally {
    stop();
    await client.close();
  }
}

/** Streams an answer into `#answer`, one delta at a time, and notes each change of it. */
async function stream({ baseUrl, apiKey, prompt }) {
  const answer = document.getElementById('answer');
  const status = document.getElementById('status');
  const seen = [];
  const observer = new MutationObserver(() => {
    seen.push({ at: performance.now(), text: answer.textContent });
  });
  observer.observe(answer, { childList: true, characterData: true, subtree: true });
  answer.textContent = '';
  status.textContent = 'streaming';
  const client = await TierClient.forKey({ baseUrl, apiKey });
  try {
    const chunks = await client.chatCompletions({
      ...ask(prompt),
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage = null;
    for await (const chunk of chunks) {
      const delta = chunk.choices[0]?.delta?.content;
      if (delta) answer.append(delta);
      if (chunk.usage) usage = chunk.usage;
    }
    status.textContent = 'done';
    await Promise.resolve();
    return { text: answer.textContent, usage, seen: seen.filter((s) => s.text !== '') };
  } finally {
    observer.disconnect();
    await client.close();
  }
}

/** One chat call through a `forKey` client in the given mode; the outcome, never a throw. */
async function callOnce({ baseUrl, apiKey, onLimit }) {
  const client = await TierClient.forKey({ baseUrl, apiKey, onLimit });
  try {
    return await settle(client.chatCompletions(ask('is anyone there?')).then(() => 'answered'));
  } finally {
    await client.close();
  }
}

/** Tier and key management from the page, with or without `dangerouslyAllowBrowser`. */
async function manage({ baseUrl, apiKey, allow, budgetId }) {
  const client = new TierClient({
    baseUrl,
    apiKey,
    ...(allow ? { dangerouslyAllowBrowser: true } : {}),
  });
  try {
    const budget = await settle(
      client.createBudget({ budget_id: budgetId, rpm_limit: 5 }).then((row) => row.budget_id),
    );
    const key = await settle(
      client.generateKey({ budget_id: budgetId }).then((made) => made.token),
    );
    const list = await settle(client.listBudgets().then((rows) => rows.length));
    return { budget, key, list };
  } finally {
    await client.close();
  }
}

/** What page scripts can read of a gateway answer's headers. */
async function readableHeaders({ baseUrl, apiKey }) {
  const response = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(ask('which headers can you see?')),
  });
  await response.json();
  return { status: response.status, names: [...response.headers.keys()] };
}

window.app = { burst, stream, callOnce, manage, readableHeaders };
document.getElementById('status').textContent = 'ready';
