import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackPlatform } from '../../../adapters/slack/slack-platform.ts';
import { silentLogger } from '../../../src/log.ts';
import type { ChatRequest, InboundConnection } from '../../../src/platform/port.ts';
import { BOT_USER_ID, FakeSlack } from '../../fakes/slack.ts';
import { buttonPayload, commandFields, eventPayload } from '../../helpers/slack-requests.ts';
import { APP_TOKEN, platformFor } from './slack-setup.ts';

describe('Slack inbound over Socket Mode (SLACK_APP_TOKEN set)', () => {
  let fake: FakeSlack;
  let slack: SlackPlatform;
  let conn: InboundConnection;
  const seen: ChatRequest[] = [];

  beforeAll(async () => {
    fake = await new FakeSlack().start();
    slack = platformFor(fake, { appToken: APP_TOKEN });
    conn = slack.connect(async (req) => {
      seen.push(req);
      if (req.kind === 'action') return { kind: 'watch-removed', watchId: req.action?.value ?? '' };
      await new Promise((r) => setTimeout(r, 2_500));
      return { kind: 'digest-queued', channel: req.channel };
    }, silentLogger);
    await conn.start();
    await fake.socket.connected();
  });
  afterAll(async () => {
    await slack.close();
    await fake.stop();
  });

  it('connects with the app-level token and mounts no HTTP route', () => {
    expect(conn.routes.size).toBe(0);
    const open = fake.calls.find((c) => c.method === 'apps.connections.open');
    expect(open?.token).toBe(APP_TOKEN);
  });

  it('a slash command envelope is acked before the work finishes; the reply goes to response_url', async () => {
    const responseUrl = fake.responseUrl();
    const ack = await fake.socket.send(
      'slash_commands',
      commandFields({ text: 'digest now', channel: 'C9', responseUrl }),
    );
    // Acked long before the 2.5 s of work is done.
    expect(ack.afterMs).toBeLessThan(2_000);
    await fake.waitFor(() => seen.some((r) => r.kind === 'command'));
    expect(seen.at(-1)).toMatchObject({ kind: 'command', channel: 'slack:C9', text: 'digest now' });
    const id = responseUrl.split('/').pop();
    const r = await fake.waitFor(() => fake.responses.find((x) => x.id === id));
    expect(String(r.body.text)).toContain('Building the digest');
  });

  it('mentions and button presses arrive as events and interactions', async () => {
    const before = seen.length;
    await fake.socket.send(
      'events_api',
      eventPayload({
        type: 'app_mention',
        user: 'UBOB',
        text: `<@${BOT_USER_ID}> tariffs on steel?`,
        ts: '1700000005.000100',
        channel: 'C9',
      }),
    );
    await fake.waitFor(() => seen.length > before);
    expect(seen.at(-1)).toMatchObject({
      kind: 'mention',
      text: 'tariffs on steel?',
      threadRef: '1700000005.000100',
    });
    const responseUrl = fake.responseUrl();
    await fake.socket.send(
      'interactive',
      buttonPayload({
        channel: 'C9',
        actionId: 'unwatch',
        value: 'w9',
        responseUrl,
        messageTs: '1700000006.000100',
      }),
    );
    await fake.waitFor(() => seen.some((s) => s.kind === 'action'));
    expect(seen.at(-1)).toMatchObject({ kind: 'action', action: { name: 'unwatch', value: 'w9' } });
  });
});
