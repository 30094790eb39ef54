import { SlackPlatform } from '../../../adapters/slack/slack-platform.ts';
import type { SlackSettings } from '../../../adapters/slack/slack-settings.ts';
import { silentLogger } from '../../../src/log.ts';
import type { FakeSlack } from '../../fakes/slack.ts';
import { SIGNING_SECRET } from '../../helpers/slack-requests.ts';

export const BOT_TOKEN = 'xoxb-test-bot-token';
export const APP_TOKEN = 'xapp-test-app-token';

export function settingsFor(fake: FakeSlack, o: Partial<SlackSettings> = {}): SlackSettings {
  return {
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    appToken: undefined,
    apiUrl: fake.apiUrl,
    maxRetries: 0,
    channelIntervalMs: 0,
    historyPages: 3,
    ...o,
  };
}

export function platformFor(fake: FakeSlack, o: Partial<SlackSettings> = {}): SlackPlatform {
  return new SlackPlatform(settingsFor(fake, o), silentLogger);
}
