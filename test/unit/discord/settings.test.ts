import { describe, expect, it } from 'vitest';
import { gatewayIntents } from '../../../adapters/discord/gateway-client.ts';
import { discordChannelId } from '../../../adapters/discord/rest-client.ts';
import { loadConfig } from '../../../src/config.ts';
import { thrown } from '../../helpers/errors.ts';

describe('Discord settings', () => {
  it('defaults: gateway on, Message Content off, Discord’s REST defaults, a full page of history', () => {
    expect(loadConfig({}).discord).toEqual({
      token: undefined,
      applicationId: undefined,
      apiUrl: undefined,
      publicKey: undefined,
      gateway: true,
      messageContent: false,
      restTimeoutMs: 15_000,
      restRetries: 3,
      historyLimit: 100,
    });
  });

  it('a public key that is not 64 hex characters is refused at start-up, naming the variable', () => {
    const err = thrown(() => loadConfig({ DISCORD_PUBLIC_KEY: 'not-a-key' }));
    expect(err).toMatchObject({ code: 'config/invalid' });
    expect(String((err as Error).message)).toContain('DISCORD_PUBLIC_KEY');
    expect(loadConfig({ DISCORD_PUBLIC_KEY: 'ab'.repeat(32) }).discord.publicKey).toBe('ab'.repeat(32));
  });

  it('intents: Guilds and GuildMessages, plus Message Content only when the app has it', () => {
    const d = loadConfig({}).discord;
    expect(gatewayIntents(d)).toEqual([1, 512]);
    expect(gatewayIntents({ ...d, messageContent: true })).toEqual([1, 512, 32768]);
  });

  it('a channel id is a snowflake after discord:', () => {
    expect(discordChannelId('discord:123456789012345678')).toBe('123456789012345678');
    expect(thrown(() => discordChannelId('discord:general'))).toMatchObject({
      code: 'platform/unknown-channel',
    });
    expect(thrown(() => discordChannelId('slack:C0123'))).toMatchObject({ code: 'platform/unknown-channel' });
  });
});
