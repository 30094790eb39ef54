import { describePlatformConformance } from '../../conformance/platform.ts';
import { FakeDiscord } from '../../fakes/discord.ts';
import { until } from '../../integration/digest/helpers.ts';
import { commandSpec, discordPings, messageText } from './harness.ts';

/** The Discord adapter through the composition root, the real discord.js gateway client and REST, against the fake. */
describePlatformConformance('discord', async () => {
  const fake = await FakeDiscord.start();
  const ch = fake.addChannel('conformance');
  return {
    env: {
      DISCORD_TOKEN: 'fake-bot-token',
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_REST_TIMEOUT_MS: '3000',
      DISCORD_REST_RETRIES: '0',
    },
    channel: `discord:${ch.id}`,
    async sent(channel) {
      return fake
        .visibleMessages(channel.slice('discord:'.length))
        .filter((m) => m.author.id === fake.bot.id)
        .map((m) => ({ text: messageText(m), raw: m.sent }));
    },
    pings: discordPings,
    async command(_ctx, channel, text) {
      const i = fake.sendInteraction(commandSpec(text, channel.slice('discord:'.length)));
      const edit = await until(`the reply to /trade ${text}`, async () => i.edits[0]);
      return String(edit.content ?? '');
    },
    close: () => fake.close(),
  };
});
