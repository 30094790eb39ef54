/**
 * A second, independent Tradewire worker process for the race tests:
 *   node --import tsx worker-process.ts <dataDir> <redisUrl> <queuePrefix> <pipeline|deliver-only>
 * Prints "ready" once its workers run; closes them cleanly on SIGTERM.
 */
import { openApp } from '../../../src/cli/app.ts';

const [dataDir, redisUrl, prefix, mode] = process.argv.slice(2);
if (!dataDir || !redisUrl || !prefix)
  throw new Error('usage: worker-process.ts <dataDir> <redisUrl> <prefix> [mode]');

const app = openApp({
  dataDir,
  echo: null,
  env: { REDIS_URL: redisUrl, TRADEWIRE_QUEUE_PREFIX: prefix, TRADEWIRE_LOG_LEVEL: 'silent' },
});
await app.startWorkers({ pipeline: mode !== 'deliver-only' });
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
process.stdout.write('ready\n');
