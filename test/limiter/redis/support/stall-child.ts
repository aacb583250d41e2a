/**
 * A clustered Bottleneck in a process the parent freezes (SIGSTOP) for longer than its
 * `clientTimeout`: argv[2] is the Redis port, argv[3] 'stock' or 'fixed' (the connection
 * with `fixClusterErrors`). After 'go' on stdin it runs three jobs and prints what each did.
 */
import Bottleneck from 'bottleneck';
import Redis from 'ioredis';
import { fixClusterErrors } from '../../../../src/limiter/redis/bottleneck-cluster';

const [port, mode] = [Number(process.argv[2]), process.argv[3]];
const connection = new Bottleneck.IORedisConnection({ client: new Redis({ port }) as never });
if (mode === 'fixed') fixClusterErrors(connection);
const limiter = new Bottleneck({
  id: 'stall', connection, maxConcurrent: 2, clientTimeout: 300, heartbeatInterval: 100,
});
limiter.on('error', () => undefined);
await limiter.schedule(async () => 'ok');
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
const outcomes: string[] = [];
for (let i = 0; i < 3; i += 1) {
  outcomes.push(await limiter.schedule(async () => 'ran').catch((e: Error) => e.message));
}
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
await connection.disconnect(false);
process.exit(0);
