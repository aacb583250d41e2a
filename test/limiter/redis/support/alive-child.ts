/**
 * Whether a process exits by itself once its work is done. argv[2]: Redis URL; argv[3]:
 * 'stock' (a clustered Bottleneck that ran a job and was never disconnected) or 'client' (a
 * TierClient sharing its tier through that Redis, after a call to a local gateway, closed).
 */
import Bottleneck from 'bottleneck';
import Redis from 'ioredis';
import { startGateway } from '../../../../src/gateway/index';
import { TierClient } from '../../../../src/index';

const [url, mode] = [process.argv[2] as string, process.argv[3]];
if (mode === 'stock') {
  const limiter = new Bottleneck({
    id: 'alive', datastore: 'ioredis', clientOptions: { port: Number(new URL(url).port) },
    maxConcurrent: 1, Redis: Redis as never,
  });
  await limiter.schedule(async () => 'ran');
} else {
  const gateway = await startGateway({ windowMs: 1000 });
  const admin = new TierClient({ baseUrl: gateway.url, apiKey: gateway.masterKey });
  await admin.createBudget({ budget_id: 'alive', rpm_limit: 5, max_parallel_requests: 2 });
  const key = await admin.generateKey({ budget_id: 'alive' });
  const client = await admin.withKey(key, { redis: url, windowMs: 1000 });
  await client.chatCompletions({ model: 'fake-gpt', messages: [{ role: 'user', content: 'hi' }] });
  await client.close();
  await admin.close();
  await gateway.close();
}
process.stdout.write('done\n');
