import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordPlatform } from '../../../adapters/discord/discord-platform.ts';
import { type DeliveryRequest, deliver } from '../../../src/delivery/deliver.ts';
import { isTradewireError } from '../../../src/errors.ts';
import type { AlertMessage } from '../../../src/messages.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { FakeDiscord } from '../../fakes/discord.ts';
import { REPO, tempDir } from '../../helpers/cli.ts';
import { discordSettings } from './settings.ts';

let fake: FakeDiscord;
let store: SqliteStore;
let db: string;
beforeAll(async () => {
  fake = await FakeDiscord.start();
  db = join(tempDir('tw-discord-'), 'tradewire.db');
  store = new SqliteStore(db);
});
afterAll(async () => {
  await store?.close();
  await fake?.close();
});

const MASS_MENTION = '@everyone @here <@123456789012345678> tariffs on steel';

function alert(watchId: string, storyId: string): AlertMessage {
  return {
    kind: 'alert',
    watchId,
    query: 'steel',
    matchedTerms: ['steel'],
    story: {
      storyId,
      headline: `${MASS_MENTION} rise to 25%`,
      summary: `${MASS_MENTION}. The ministry said the measure starts in January.`,
      keyPoints: ['@everyone look'],
      sources: [
        {
          articleId: 'a1',
          source: 'Wire',
          url: 'https://wire.example/steel',
          title: 't',
          published: '2026-11-30T08:00:00Z',
        },
      ],
      published: '2026-11-30T08:00:00Z',
      summarisedBy: 'offline',
    },
  };
}

const request = (channelId: string, watchId: string, storyId: string): DeliveryRequest => ({
  deliveryId: `alert:${watchId}:${storyId}`,
  channel: `discord:${channelId}`,
  message: alert(watchId, storyId),
});

describe('Discord deliveries', () => {
  it('an alert reaches the channel once, with a hashed nonce, enforce_nonce and no pings', async () => {
    const ch = fake.addChannel('alerts');
    const platform = new DiscordPlatform(discordSettings(fake.apiUrl));
    const req = request(ch.id, 'w1', 's1');
    const first = await deliver(store, platform, req);
    const second = await deliver(store, platform, req);
    expect(first.status).toBe('delivered');
    expect(second.status).toBe('already-delivered');
    const msgs = fake.channelMessages(ch.id);
    expect(msgs).toHaveLength(1);
    const sent = msgs[0]!.sent;
    expect(sent.nonce).toMatch(/^[0-9a-f]{25}$/);
    expect(sent.enforce_nonce).toBe(true);
    expect(sent.allowed_mentions).toEqual({ parse: [] });
    // The mass-mention article pings no one: neither the payload rules nor the text itself.
    expect(JSON.stringify(sent)).not.toMatch(/@everyone|@here|(?<!\\)<@\d/);
    expect(await store.getDelivery(req.deliveryId)).toMatchObject({
      status: 'delivered',
      messageRef: msgs[0]!.id,
    });
  });

  it('a 429 rejects the delivery with Discord’s retry_after, and the retry after that wait posts once', async () => {
    const ch = fake.addChannel('limited');
    const platform = new DiscordPlatform(discordSettings(fake.apiUrl));
    const req = request(ch.id, 'w2', 's2');
    fake.rateLimit('POST', new RegExp(`^/channels/${ch.id}/messages$`), 0.6);
    const err = await deliver(store, platform, req).catch((e: unknown) => e);
    expect(isTradewireError(err, 'platform/rate-limited')).toBe(true);
    expect(err).toMatchObject({ retryable: true });
    expect((err as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(600);
    expect(await store.getDelivery(req.deliveryId)).toMatchObject({ status: 'rate-limited' });
    // What the queue does with it: wait retryAfterMs, then run the job again.
    await new Promise((r) => setTimeout(r, (err as { retryAfterMs: number }).retryAfterMs));
    const out = await deliver(store, platform, req);
    expect(out.status).toBe('delivered');
    const posts = fake.requests.filter(
      (r) => r.method === 'POST' && r.path === `/channels/${ch.id}/messages`,
    );
    expect(posts.map((p) => p.status)).toEqual([429, 200]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(600);
    expect(fake.channelMessages(ch.id)).toHaveLength(1);
  });

  it('a worker killed after posting and before recording does not post twice', async () => {
    const ch = fake.addChannel('crash');
    const req = request(ch.id, 'w3', 's3');
    const LEASE_MS = 1_500;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'deliver-once.ts'),
        db,
        fake.apiUrl,
        JSON.stringify(req),
        String(LEASE_MS),
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // The message exists on Discord; the worker dies before it hears back.
    fake.onMessageCreated = () => child.kill('SIGKILL');
    const signal = await new Promise((r) => child.once('exit', (_c, s) => r(s)));
    fake.onMessageCreated = null;
    expect(signal, stderr).toBe('SIGKILL');
    expect(fake.channelMessages(ch.id)).toHaveLength(1);
    expect(await store.getDelivery(req.deliveryId)).toMatchObject({ status: 'pending', attempts: 1 });

    await new Promise((r) => setTimeout(r, LEASE_MS + 100));
    const platform = new DiscordPlatform(discordSettings(fake.apiUrl));
    const out = await deliver(store, platform, req, { leaseMs: LEASE_MS });
    expect(out).toMatchObject({ status: 'delivered', recovered: true });
    expect(fake.channelMessages(ch.id)).toHaveLength(1);
    expect(await store.getDelivery(req.deliveryId)).toMatchObject({
      status: 'delivered',
      messageRef: fake.channelMessages(ch.id)[0]!.id,
    });
  });

  it('a long digest is split, opens a thread, and a 429 half-way resumes without repeating a part', async () => {
    const ch = fake.addChannel('digest');
    const platform = new DiscordPlatform(discordSettings(fake.apiUrl));
    const story = (i: number) => ({
      ...alert('w', `d${i}`).story,
      headline: `Story ${i} on export controls`,
      summary: 'Export controls widened. '.repeat(50),
    });
    const req: DeliveryRequest = {
      deliveryId: `digest:discord:${ch.id}:2026-11-30`,
      channel: `discord:${ch.id}`,
      message: {
        kind: 'digest',
        channel: `discord:${ch.id}`,
        periodLabel: 'Mon 30 Nov 2026',
        timezone: 'UTC',
        intro: null,
        stories: Array.from({ length: 10 }, (_, i) => story(i)),
        more: 0,
      },
    };
    const parts = platform.render(req.message).length;
    expect(parts).toBeGreaterThan(1);
    // The first part goes out, the second is refused: the job goes back to the queue.
    let posted = 0;
    fake.onMessageCreated = () => {
      if (++posted === 1) fake.rateLimit('POST', new RegExp(`^/channels/${ch.id}/messages$`), 0.2);
    };
    const err = await deliver(store, platform, req, { leaseMs: 100 }).catch((e: unknown) => e);
    fake.onMessageCreated = null;
    expect(isTradewireError(err, 'platform/rate-limited')).toBe(true);
    expect(fake.channelMessages(ch.id)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    const out = await deliver(store, platform, req, { leaseMs: 100 });
    if (out.status !== 'delivered') throw new Error(out.status);
    const msgs = fake.channelMessages(ch.id);
    expect(msgs).toHaveLength(parts);
    expect(out.posted.refs).toEqual(msgs.map((m) => m.id));
    // The discussion thread hangs off the first message and shares its id.
    expect(out.posted.threadRef).toBe(msgs[0]!.id);
    expect(fake.channels.get(msgs[0]!.id)).toMatchObject({ type: 11, parent_id: ch.id });
  });

  it('a crash before the digest’s thread opened: the retry opens it and posts nothing again', async () => {
    const ch = fake.addChannel('thread-crash');
    const platform = new DiscordPlatform(discordSettings(fake.apiUrl));
    const req: DeliveryRequest = {
      deliveryId: `digest:discord:${ch.id}:2026-12-01`,
      channel: `discord:${ch.id}`,
      message: {
        kind: 'digest',
        channel: `discord:${ch.id}`,
        periodLabel: 'Tue 1 Dec 2026',
        timezone: 'UTC',
        intro: null,
        stories: [alert('w', 'd1').story],
        more: 0,
      },
    };
    fake.rateLimit('POST', /\/threads$/, 0.2);
    const err = await deliver(store, platform, req, { leaseMs: 100 }).catch((e: unknown) => e);
    expect(isTradewireError(err, 'platform/rate-limited')).toBe(true);
    const [msg] = fake.channelMessages(ch.id);
    expect(fake.channels.has(msg!.id)).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    const out = await deliver(store, platform, req, { leaseMs: 100 });
    expect(out).toMatchObject({ status: 'delivered', posted: { refs: [msg!.id], threadRef: msg!.id } });
    expect(fake.channelMessages(ch.id)).toHaveLength(1);
    expect(fake.channels.get(msg!.id)).toMatchObject({ type: 11, parent_id: ch.id });
  });
});
