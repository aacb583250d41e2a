/**
 * The local gateway in a child process that answers `stats` over IPC, so a benchmark can read
 * what the gateway counted while the gateway keeps a core of its own. Started by
 * `startStatsGateway` (gateway-process.ts) with its options as JSON in argv[2]; it lives as
 * long as the IPC channel: when the parent goes away, the gateway closes and the process ends.
 */
import { startGateway, type StartGatewayOptions } from '../../src/gateway/index';

type Message = { type: 'stats'; id: number };

const options = JSON.parse(process.argv[2] ?? '{}') as StartGatewayOptions;
const gateway = await startGateway(options);
const reply = (message: unknown) => process.send?.(message);

process.on('message', (message: Message) => {
  if (message.type === 'stats') reply({ type: 'stats', id: message.id, stats: gateway.stats() });
});
process.once('disconnect', () => void gateway.close());
reply({ type: 'ready', url: gateway.url, masterKey: gateway.masterKey });
