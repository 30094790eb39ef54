import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { FakeDiscord } from '../../fakes/discord.ts';
import { BIN, REPO, tempDir } from '../../helpers/cli.ts';
import { freePort } from '../../helpers/redis-server.ts';
import { ingestSamples, SAMPLE, until } from '../../integration/digest/helpers.ts';
import { commandSpec, messageText } from './harness.ts';

/** CLI subprocesses start slowly on a loaded machine. */
const SLOW = 120_000;

/** `tradewire run` as a deployment runs it, with DISCORD_TOKEN set and the REST base aimed at the fake. */
let fake: FakeDiscord;
beforeAll(async () => {
  fake = await FakeDiscord.start();
});
afterAll(async () => fake?.close());

describe('tradewire run with DISCORD_TOKEN', () => {
  it(
    'connects the gateway, answers /trade ask in place, and stops cleanly on SIGTERM',
    async () => {
      const dir = tempDir('tw-discord-run-');
      const store = new SqliteStore(join(dir, 'tradewire.db'));
      await ingestSamples(store, [SAMPLE.mexicoSteel, SAMPLE.canadaSteel]);
      await store.close();
      const ch = fake.addChannel('desk');
      const env: Record<string, string | undefined> = {
        ...process.env,
        TRADEWIRE_DATA_DIR: dir,
        PORT: String(await freePort()),
        REDIS_URL: inject('redisUrl'),
        TRADEWIRE_QUEUE_PREFIX: `twdr${process.pid}`,
        TRADEWIRE_LOG_LEVEL: 'info',
        DISCORD_TOKEN: 'fake-bot-token',
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_REST_RETRIES: '0',
      };
      delete env.OPENAI_API_KEY;
      delete env.OPENAI_BASE_URL;
      const child = spawn(process.execPath, [BIN, 'run'], {
        cwd: REPO,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      await until('tradewire running', async () => stderr.includes('tradewire running'), 60_000).catch(() => {
        throw new Error(stderr);
      });
      expect(stderr).toMatch(/"inbound":"[^"]*discord/);
      // Minimal intents: Guilds and GuildMessages (Message Content is off by default).
      expect(fake.gateway.identified).toEqual([{ intents: 1 | 512, token: 'fake-bot-token' }]);

      const i = fake.sendInteraction(commandSpec('ask What tariff did Mexico put on steel imports?', ch.id));
      const cb = await until('the deferral', async () => i.callback ?? undefined);
      expect(cb.type).toBe(5);
      expect(cb.at - i.sentAt).toBeLessThan(3_000);
      const answer = await until(
        'the answer',
        async () => i.edits.find((e) => Array.isArray(e.embeds) && (e.embeds as unknown[]).length > 0),
        30_000,
      );
      expect(messageText({ content: '', embeds: answer.embeds as never })).toMatch(/\[1\].*Wire|Mexico/s);

      child.kill('SIGTERM');
      expect(await exited, stderr).toBe(0);
      expect(fake.gateway.connected).toBe(0);
    },
    SLOW,
  );
});
