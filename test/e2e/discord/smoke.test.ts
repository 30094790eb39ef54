import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectDiscord } from '../../../adapters/discord/connect.ts';
import type { ChatRequest } from '../../../adapters/platform.ts';
import { createLogger } from '../../../src/log.ts';
import { FakeDiscord } from '../../fakes/discord.ts';

let fake: FakeDiscord;
beforeAll(async () => {
  fake = await FakeDiscord.start();
});
afterAll(async () => fake?.close());

it('smoke', async () => {
  const ch = fake.addChannel('trade-news');
  const seen: ChatRequest[] = [];
  const conn = connectDiscord(
    {
      token: 'Bot.token',
      applicationId: undefined,
      apiUrl: fake.apiUrl,
      publicKey: undefined,
      gateway: true,
      messageContent: false,
      restTimeoutMs: 2000,
      restRetries: 0,
      historyLimit: 50,
    },
    async (req) => {
      seen.push(req);
      return { kind: 'digest-queued', channel: req.channel };
    },
    createLogger('debug'),
  );
  await conn.start();
  const i = fake.sendInteraction({ path: ['digest', 'now'], channelId: ch.id });
  await new Promise((r) => setTimeout(r, 1500));
  console.log(JSON.stringify(fake.requests, null, 1), seen, i.callback);
  await conn.stop();
  expect(seen).toHaveLength(1);
});
