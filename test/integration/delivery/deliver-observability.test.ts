import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type DeliveryRequest, deliver } from '../../../src/delivery/deliver.ts';
import { TradewireError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/log.ts';
import { deliveries } from '../../../src/metrics.ts';
import type { DeliveryTarget, PostedMessage } from '../../../src/platform/port.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';

/**
 * deliver() on a real SQLite ledger: every outcome bumps tradewire_deliveries_total with the channel's
 * platform and the status the ledger recorded, and its log lines carry the delivery and channel ids.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function count(platform: string, status: string): Promise<number> {
  const { values } = await deliveries.get();
  return values.find((v) => v.labels.platform === platform && v.labels.status === status)?.value ?? 0;
}

describe('deliver() metrics and logs', () => {
  it('counts rate-limited, failed, delivered and already-delivered by platform', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-deliver-obs-'));
    dirs.push(dir);
    const store = new SqliteStore(join(dir, 'tradewire.db'));
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger('info', {
      format: 'json',
      out: new Writable({
        write(chunk, _enc, done) {
          for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
          done();
        },
      }),
    });
    const outcomes: Array<() => PostedMessage> = [
      () => {
        throw new TradewireError('platform/rate-limited', 'slow down', { retryable: true, retryAfterMs: 1 });
      },
      () => {
        throw new TradewireError('platform/rejected', 'channel_not_found');
      },
      () => ({ ref: 'm1', refs: ['m1'], threadRef: 'm1' }),
    ];
    const target: DeliveryTarget = {
      post: async () => outcomes.shift()!(),
      findPosted: async () => null,
    };
    const req: DeliveryRequest = {
      deliveryId: 'answer:test:1',
      channel: 'slack:C0123',
      message: { kind: 'answer', question: 'q?', answer: 'a.', grounded: false, citations: [] },
    };
    const expected = { 'rate-limited': 1, failed: 1, delivered: 1, 'already-delivered': 1 };
    const before = Object.fromEntries(
      await Promise.all(Object.keys(expected).map(async (s) => [s, await count('slack', s)] as const)),
    );

    await expect(deliver(store, target, req, { log })).rejects.toMatchObject({
      code: 'platform/rate-limited',
    });
    await expect(deliver(store, target, req, { log })).rejects.toMatchObject({ code: 'platform/rejected' });
    expect(await deliver(store, target, req, { log })).toMatchObject({ status: 'delivered' });
    expect(await deliver(store, target, req, { log })).toEqual({ status: 'already-delivered' });

    for (const [status, n] of Object.entries(expected)) {
      expect(await count('slack', status), status).toBe((before[status] ?? 0) + n);
    }
    expect(await count('console', 'delivered')).toBe(0);

    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'delivery rate-limited'],
      ['warn', 'delivery failed'],
      ['info', 'delivered'],
    ]);
    for (const l of lines) expect(l).toMatchObject({ delivery: 'answer:test:1', channel: 'slack:C0123' });
    expect(lines[1]?.err).toEqual({ message: 'channel_not_found', code: 'platform/rejected' });
    await store.close();
  });
});
