/**
 * Builds a channel's scheduled digest and delivers it to its console channel, in its own process:
 *   node --import tsx deliver-digest.ts <dataDir> <channel> <atIso> [--crash-after-post]
 * Prints one JSON line with the outcome. With --crash-after-post the process SIGKILLs itself right after
 * the console post succeeds, before the delivery is recorded: a worker dying between posting and acking.
 */
import { openApp } from '../../../src/cli/app.ts';
import { deliver } from '../../../src/delivery/deliver.ts';
import { buildScheduledDigest } from '../../../src/digest/scheduled-digest.ts';
import { TradewireError } from '../../../src/errors.ts';
import type { DeliveryTarget } from '../../../src/platform/port.ts';

const [dataDir, channel, at, flag] = process.argv.slice(2);
if (!dataDir || !channel || !at)
  throw new Error('usage: deliver-digest.ts <dataDir> <channel> <atIso> [flag]');

const app = openApp({ dataDir, echo: null, env: { TRADEWIRE_LOG_LEVEL: 'silent' } });
const say = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};

const built = await buildScheduledDigest(app.store, channel, new Date(at), {
  trigger: 'schedule',
  defaults: app.pipelineDeps().digestDefaults,
});
if (built.status !== 'post') {
  say({ built: built.status });
} else {
  const target: DeliveryTarget = {
    async post(ch, message, opts) {
      const posted = await app.console.post(ch, message, opts);
      if (flag === '--crash-after-post') process.kill(process.pid, 'SIGKILL');
      return posted;
    },
    findPosted: (ch, key) => app.console.findPosted(ch, key),
  };
  try {
    const leaseArg = process.argv.indexOf('--lease-ms');
    const leaseMs = leaseArg > 0 ? Number(process.argv[leaseArg + 1]) : undefined;
    const out = await deliver(app.store, target, built.request, leaseMs === undefined ? {} : { leaseMs });
    say({ built: 'post', delivered: out.status, recovered: out.status === 'delivered' && out.recovered });
  } catch (err) {
    say({ built: 'post', error: err instanceof TradewireError ? err.code : String(err) });
  }
}
await app.close();
