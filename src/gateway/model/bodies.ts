import type { CallRequest, UpstreamAnswer } from './upstream';

/** The answer bodies of model calls, in the fake upstream's (OpenAI's) shapes. */

function usage(answer: UpstreamAnswer) {
  return {
    completion_tokens: answer.completionTokens,
    prompt_tokens: answer.promptTokens,
    total_tokens: answer.completionTokens + answer.promptTokens,
  };
}

export function chatCompletion(
  call: CallRequest,
  answer: UpstreamAnswer,
  id: string,
  created: number,
) {
  const choices = Array.from({ length: call.shape.n }, (_, index) => ({
    finish_reason: 'stop',
    index,
    message: { content: answer.content, role: 'assistant' },
  }));
  return {
    id,
    created,
    model: call.model,
    object: 'chat.completion',
    choices,
    usage: usage(answer),
  };
}

/** The SSE frames of a streamed answer: two content deltas, a stop, usage if asked, DONE. */
export function chatFrames(call: CallRequest, answer: UpstreamAnswer, id: string, created: number) {
  const head = { id, created, model: call.model, object: 'chat.completion.chunk' };
  const split = answer.content.indexOf(' ') + 1;
  const frames: unknown[] = [
    {
      ...head,
      choices: [
        { index: 0, delta: { content: answer.content.slice(0, split), role: 'assistant' } },
      ],
    },
    { ...head, choices: [{ index: 0, delta: { content: answer.content.slice(split) } }] },
    { ...head, choices: [{ finish_reason: 'stop', index: 0, delta: {} }] },
  ];
  if (call.includeUsage) {
    const withDetails = { ...usage(answer), completion_tokens_details: { reasoning_tokens: 0 } };
    frames.push({ ...head, choices: [{ index: 0, delta: {} }], usage: withDetails });
  }
  return [...frames.map((f) => `data: ${JSON.stringify(f)}\n\n`), 'data: [DONE]\n\n'];
}

function fakeVector(seed: number): number[] {
  return Array.from({ length: 8 }, (_, i) => Math.round(Math.sin(seed + i) * 1e6) / 1e6);
}

export function embeddingList(call: CallRequest, answer: UpstreamAnswer) {
  const data = Array.from({ length: call.inputs }, (_, index) => ({
    object: 'embedding',
    index,
    embedding: fakeVector(index),
  }));
  return { model: call.model, data, object: 'list', usage: usage(answer) };
}
