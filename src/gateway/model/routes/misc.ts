import { json, type Handler } from '../context';

/** Small routes clients probe: liveness and the model list. */

export const liveliness: Handler = async () => json("I'm alive!");

export const models: Handler = async (_req, ctx) => {
  const data = Object.keys(ctx.options.prices).map((id) => ({
    id,
    object: 'model',
    created: 1677610602,
    owned_by: 'openai',
  }));
  return json({ data, object: 'list' });
};
