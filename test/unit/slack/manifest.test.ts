import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLACK_EVENTS_PATH } from '../../../adapters/slack/slack-inbound.ts';
import { SLASH_COMMAND } from '../../../adapters/slack/slack-listeners.ts';
import { REPO } from '../../helpers/cli.ts';

type Manifest = {
  features: { slash_commands: Array<{ command: string; url?: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url?: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
  };
};
const read = (f: string): Manifest =>
  JSON.parse(readFileSync(join(REPO, 'adapters/slack', f), 'utf8')) as Manifest;

describe('Slack app manifests', () => {
  const http = read('manifest.json');
  const socket = read('manifest.socket-mode.json');

  it('declare the command, events, interactivity and scopes the adapter relies on', () => {
    for (const m of [http, socket]) {
      expect(m.features.slash_commands.map((c) => c.command)).toEqual([SLASH_COMMAND]);
      expect(m.settings.event_subscriptions.bot_events).toEqual(
        expect.arrayContaining(['app_mention', 'message.channels']),
      );
      expect(m.settings.interactivity.is_enabled).toBe(true);
      expect(m.oauth_config.scopes.bot).toEqual(
        expect.arrayContaining([
          'commands',
          'chat:write',
          'app_mentions:read',
          'channels:history',
          'groups:history',
        ]),
      );
    }
  });

  it('HTTP mode points every request URL at the events route; Socket Mode needs none', () => {
    const urls = [
      http.features.slash_commands[0]!.url,
      http.settings.event_subscriptions.request_url,
      http.settings.interactivity.request_url,
    ];
    for (const u of urls) expect(new URL(u!).pathname).toBe(SLACK_EVENTS_PATH);
    expect(http.settings.socket_mode_enabled).toBe(false);
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(socket)).not.toContain('request_url');
    expect(socket.oauth_config).toEqual(http.oauth_config);
  });
});
