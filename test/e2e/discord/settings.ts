import type { DiscordSettings } from '../../../adapters/discord/rest-client.ts';

/** Settings aimed at the fake, with short timeouts and no 5xx retries so failures show at once. */
export function discordSettings(apiUrl: string, over: Partial<DiscordSettings> = {}): DiscordSettings {
  return {
    token: 'fake-bot-token',
    applicationId: undefined,
    apiUrl,
    publicKey: undefined,
    gateway: true,
    messageContent: false,
    restTimeoutMs: 3_000,
    restRetries: 0,
    historyLimit: 100,
    ...over,
  };
}
