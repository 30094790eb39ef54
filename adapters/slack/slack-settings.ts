import type { Config } from '../../src/config.ts';

/** What the Slack adapter needs, taken from the one config (see .env.example). */
export interface SlackSettings {
  botToken: string;
  signingSecret: string;
  /** Set: Socket Mode (no public URL needed); unset: HTTP mode at POST /slack/events. */
  appToken: string | undefined;
  /** Web API base, e.g. `http://127.0.0.1:PORT/api/` for a proxy or a test fake. */
  apiUrl: string | undefined;
  maxRetries: number;
  channelIntervalMs: number;
  historyPages: number;
}

/** The Slack settings when the bot token and signing secret are both set, else null. */
export function slackSettings(config: Config): SlackSettings | null {
  const s = config.slack;
  if (!s.botToken || !s.signingSecret) return null;
  return {
    botToken: s.botToken,
    signingSecret: s.signingSecret,
    appToken: s.appToken,
    apiUrl: s.apiUrl && !s.apiUrl.endsWith('/') ? `${s.apiUrl}/` : s.apiUrl,
    maxRetries: s.maxRetries,
    channelIntervalMs: s.channelIntervalMs,
    historyPages: s.historyPages,
  };
}
