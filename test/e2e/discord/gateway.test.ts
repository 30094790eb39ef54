import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleInput } from '../../../src/domain.ts';
import type { FakeMessage } from '../../fakes/discord-objects.ts';
import { SAMPLE, sample, until } from '../../integration/digest/helpers.ts';
import { type DiscordRun, startDiscordRun } from './app-harness.ts';
import { commandSpec, discordPings, messageText } from './harness.ts';

/**
 * The real discord.js client on the fake gateway, driven as users drive it: `/trade ask`, `/trade
 * watch`, `/trade digest now`, replies in the bot's threads. Message Content is enabled here.
 */
let run: DiscordRun;
beforeAll(async () => {
  run = await startDiscordRun({ DISCORD_MESSAGE_CONTENT: 'true' });
});
afterAll(async () => run?.close());

const botMessages = (channelId: string): FakeMessage[] =>
  run.fake.visibleMessages(channelId).filter((m) => m.author.id === run.fake.bot.id);

describe('Discord gateway', () => {
  it('identifies with Guilds, GuildMessages and (as configured) MessageContent only', () => {
    expect(run.fake.gateway.identified).toEqual([{ intents: 1 | 512 | 32768, token: 'fake-bot-token' }]);
  });

  it('/trade ask defers within 3 s, then the answer with citations edits the original reply', async () => {
    await run.submit([sample(SAMPLE.mexicoSteel), sample(SAMPLE.chips)]);
    const ch = run.fake.addChannel('ask');
    const i = run.fake.sendInteraction(
      commandSpec('ask What tariff did Mexico put on steel imports?', ch.id),
    );
    await until('the deferral', async () => i.callback ?? undefined);
    expect(i.callback!.type).toBe(5);
    expect(i.callback!.at - i.sentAt).toBeLessThan(3_000);
    const answer = await until('the answer edit', async () =>
      i.edits.find((e) => Array.isArray(e.embeds) && (e.embeds as unknown[]).length > 0),
    );
    expect(i.edits[0]!.content).toMatch(/Looking into/);
    const text = messageText({ content: '', embeds: answer.embeds as FakeMessage['embeds'] });
    expect(text).toMatch(/\[1\]/);
    expect(text).toMatch(/Mexico|steel/i);
    expect(answer.allowed_mentions).toEqual({ parse: [] });
    // In place: the channel holds the one deferred reply, now the answer; nothing else was posted.
    expect(botMessages(ch.id).map((m) => m.id)).toEqual([i.originalId]);
  });

  it('/trade watch adds a watch; a matching article alerts the watching channel once, pinging no one', async () => {
    const ch = run.fake.addChannel('alerts');
    const i = run.fake.sendInteraction(commandSpec('watch tariff canola', ch.id));
    const reply = await until('the watch reply', async () => i.edits[0]);
    const [watch] = await run.app.store.listWatches(`discord:${ch.id}`);
    expect(watch?.query).toBe('tariff canola');
    expect(reply.content).toContain(watch!.id);
    const hostile: ArticleInput = {
      url: 'https://wire.example.com/canola-tariff-everyone',
      source: 'Wire Service',
      title: '@everyone China puts 100% tariff on Canadian canola oil @here',
      published: '2026-11-26T09:00:00Z',
      body: `@everyone <@123456789012345678> [free money](https://evil.example) China will impose a 100% tariff on canola oil and meal imported from Canada from next month, the commerce ministry said, in retaliation for Canadian duties on Chinese electric vehicles. ${'Exporters said the tariff would halt most canola shipments. '.repeat(3)}`,
    };
    // The pipeline's watch matcher reloads watches every 2 s (src/watch/match-watches.ts).
    await new Promise((r) => setTimeout(r, 2_100));
    await run.submit([hostile]);
    const [alert] = await until('the alert', async () =>
      botMessages(ch.id).length > 1 ? botMessages(ch.id).slice(1) : undefined,
    );
    expect(messageText(alert!)).toContain(watch!.id);
    expect(discordPings(alert!.sent)).toEqual([]);
    expect(JSON.stringify(alert!.sent)).not.toMatch(/@everyone|@here/);
    // Re-submitting the same article, and waiting, adds nothing: one alert per watch and story.
    await run.submit([hostile]);
    await new Promise((r) => setTimeout(r, 500));
    expect(botMessages(ch.id)).toHaveLength(2);
  });

  it('/trade digest now posts the digest as embeds and opens its thread; replies there are follow-ups', async () => {
    const ch = run.fake.addChannel('digest');
    const i = run.fake.sendInteraction(commandSpec('digest now', ch.id));
    expect((await until('the digest reply', async () => i.edits[0])).content).toMatch(/on its way/);
    const digest = await until('the digest', async () =>
      botMessages(ch.id).find((m) => m.content.includes('Trade digest')),
    );
    expect(digest.embeds.length).toBeGreaterThan(0);
    const thread = await until('the thread', async () => run.fake.channels.get(digest.id));
    expect(thread).toMatchObject({ type: 11, parent_id: ch.id });
    // Once the delivery is recorded, the thread is a conversation the bot started.
    await until(
      'the thread state',
      async () => (await run.app.store.getThread(`discord:${ch.id}:${thread.id}`)) ?? undefined,
    );

    // Another bot and the bot itself are never answered.
    run.fake.gateway.dispatchMessage(thread.id, 'What did Mexico do?', {
      id: '600000000000000001',
      username: 'otherbot',
      bot: true,
    });
    run.fake.gateway.dispatchMessage(thread.id, 'What did Mexico do?', run.fake.bot);
    // A person's plain reply in the thread is a follow-up, answered in the thread.
    run.fake.gateway.dispatchMessage(thread.id, 'What tariff did Mexico put on steel?', {
      id: '400000000000000002',
      username: 'trader',
    });
    const answer = await until('the follow-up answer', async () => botMessages(thread.id)[0]);
    expect(messageText(answer)).toMatch(/\[1\]/);
    await new Promise((r) => setTimeout(r, 800));
    expect(botMessages(thread.id)).toHaveLength(1);

    // `/trade ask` inside that thread is a follow-up too: its answer edits the reply in the thread.
    const q = run.fake.sendInteraction(commandSpec('ask And which countries are exempt?', thread.id));
    await until('the in-thread answer', async () =>
      q.edits.find((e) => Array.isArray(e.embeds) && (e.embeds as unknown[]).length > 0),
    );
    expect(run.fake.channelMessages(thread.id).map((m) => m.id)).toContain(q.originalId);
  });

  it('/trade unwatch offers the channel’s watches as autocomplete choices', async () => {
    const ch = run.fake.addChannel('autocomplete');
    const add = run.fake.sendInteraction(commandSpec('watch export controls', ch.id));
    await until('the watch reply', async () => add.edits[0]);
    const ac = run.fake.sendInteraction(
      { path: ['unwatch'], options: { id: 'exp' }, focused: 'id', channelId: ch.id },
      4,
    );
    const cb = await until('the choices', async () => ac.callback ?? undefined);
    expect(cb.type).toBe(8);
    const [watch] = await run.app.store.listWatches(`discord:${ch.id}`);
    expect(cb.data.choices).toEqual([{ name: `${watch!.id} — export controls`, value: watch!.id }]);
  });

  it('a 429 on a delivery delays that job by Discord’s retry_after, then posts once', async () => {
    const ch = run.fake.addChannel('limited');
    run.fake.rateLimit('POST', new RegExp(`^/channels/${ch.id}/messages$`), 1.2);
    const i = run.fake.sendInteraction(commandSpec('digest now', ch.id));
    await until('the reply', async () => i.edits[0]);
    const digest = await until('the digest', async () =>
      botMessages(ch.id).find((m) => m.content.includes('Trade digest')),
    );
    const posts = run.fake.requests.filter(
      (r) => r.method === 'POST' && r.path === `/channels/${ch.id}/messages`,
    );
    expect(posts.map((p) => p.status)).toEqual([429, 200]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1_200);
    expect(botMessages(ch.id).filter((m) => m.content.includes('Trade digest'))).toEqual([digest]);
  });
});
