import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/cli/app.ts';
import { type DeliveryOutcome, deliver } from '../../../src/delivery/deliver.ts';
import { buildScheduledDigest, type ScheduledDigest } from '../../../src/digest/scheduled-digest.ts';
import { TradewireError } from '../../../src/errors.ts';
import {
  DEFAULTS,
  ingestSamples,
  openTestApp,
  removeDir,
  runScript,
  SAMPLE,
  schedule,
  tempDataDir,
  until,
} from './helpers.ts';

/**
 * A worker process SIGKILLed right after the console post succeeded and before the ledger recorded it.
 * The retry must find the post (findPosted) instead of posting again. deliver() keeps the crashed
 * worker's lease until it expires; the test passes a 3 s lease (production: DELIVERY_LEASE_MS, 60 s).
 */
const CH = 'console:crash';
let dataDir: string;
let app: App;

beforeAll(async () => {
  dataDir = tempDataDir();
  app = openTestApp(dataDir);
  await app.store.setSchedule(schedule(CH));
  await ingestSamples(app.store, [
    SAMPLE.steelWire,
    SAMPLE.steelDaily,
    SAMPLE.mexicoSteel,
    SAMPLE.ukSanctions,
  ]);
});
afterAll(async () => {
  await app.close();
  removeDir(dataDir);
});

/** A short lease (production: DELIVERY_LEASE_MS) so the test waits seconds, not a minute. */
const LEASE_MS = 3_000;

const build = (at: Date): Promise<ScheduledDigest> =>
  buildScheduledDigest(app.store, CH, at, { trigger: 'schedule', defaults: DEFAULTS });

describe('a worker killed after posting and before recording the delivery', () => {
  it('does not post again when the delivery is retried', async () => {
    const at = new Date();
    const crashed = runScript('deliver-digest.ts', [
      dataDir,
      CH,
      at.toISOString(),
      '--crash-after-post',
      '--lease-ms',
      String(LEASE_MS),
    ]);
    const exit = await crashed.exited;
    expect(exit.signal, exit.stderr).toBe('SIGKILL');

    // The post made it out; the ledger still says pending and the cursor has not moved.
    const posted = app.console.read(CH);
    expect(posted).toHaveLength(1);
    const deliveryId = posted[0]?.deliveryId ?? '';
    expect(await app.store.getDelivery(deliveryId)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await app.store.getDigestCursor(CH)).toBeNull();

    // The retry rebuilds the same digest (same ledger id: channel + local day).
    const again = await build(at);
    if (again.status !== 'post') throw new Error(`expected the digest to be due again, got ${again.status}`);
    expect(again.request.deliveryId).toBe(deliveryId);

    // While the dead worker's lease lasts, a retry is refused as busy (retryable) and posts nothing.
    const early = await deliver(app.store, app.console, again.request, { leaseMs: LEASE_MS }).catch(
      (e: unknown) => e,
    );
    expect(early).toBeInstanceOf(TradewireError);
    expect(early).toMatchObject({ code: 'delivery/in-progress', retryable: true });
    expect(app.console.read(CH)).toHaveLength(1);

    // Retry as the queue would, until the lease has expired: it finds the earlier post and records it.
    const outcome = await until<DeliveryOutcome>(
      'the crashed worker\u2019s lease to expire',
      async () => {
        try {
          return await deliver(app.store, app.console, again.request, { leaseMs: LEASE_MS });
        } catch (err) {
          if (err instanceof TradewireError && err.code === 'delivery/in-progress') return undefined;
          throw err;
        }
      },
      LEASE_MS + 30_000,
      1_000,
    );
    expect(outcome).toEqual({
      status: 'delivered',
      recovered: true,
      posted: { ref: `${CH}#${deliveryId}`, refs: [`${CH}#${deliveryId}`], threadRef: `${CH}#${deliveryId}` },
    });
    expect(app.console.read(CH)).toHaveLength(1);
    expect(await app.store.getDelivery(deliveryId)).toMatchObject({
      status: 'delivered',
      attempts: 2,
      messageRef: `${CH}#${deliveryId}`,
      messageRefs: [`${CH}#${deliveryId}`],
    });
    expect(await app.store.getDigestCursor(CH)).toMatchObject({ lastSeq: again.request.digestCursor?.seq });

    // Later retries and the same period's schedule firing again are no-ops.
    expect(await deliver(app.store, app.console, again.request, { leaseMs: LEASE_MS })).toEqual({
      status: 'already-delivered',
    });
    expect((await build(at)).status).toBe('already-delivered');
    expect(app.console.read(CH)).toHaveLength(1);
  });
});
