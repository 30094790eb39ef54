import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackPlatform } from '../../../adapters/slack/slack-platform.ts';
import { silentLogger } from '../../../src/log.ts';
import type { ChatReply, ChatRequest, InboundConnection } from '../../../src/platform/port.ts';
import { startHttpServer } from '../../../src/server/http.ts';
import { BOT_ID, BOT_USER_ID, FakeSlack } from '../../fakes/slack.ts';
import { buttonRequest, commandRequest, eventRequest, postSigned } from '../../helpers/slack-requests.ts';
import { platformFor } from './slack-setup.ts';

/**
 * The real Bolt app in HTTP mode on the shared server, with a recording ChatHandler: what reaches
 * the core, what is refused, how fast Slack gets its ack, and what the asker is told.
 */
describe('Slack inbound over HTTP (Bolt HTTPReceiver on the shared server)', () => {
  let fake: FakeSlack;
  let slack: SlackPlatform;
  let conn: InboundConnection;
  let server: Server;
  let url: string;
  const seen: ChatRequest[] = [];
  let reply: (req: ChatRequest) => Promise<ChatReply> = async () => ({ kind: 'ignored', reason: 'test' });

  beforeAll(async () => {
    fake = await new FakeSlack().start();
    slack = platformFor(fake);
    conn = slack.connect(async (req) => {
      seen.push(req);
      return reply(req);
    }, silentLogger);
    const started = await startHttpServer(0, {
      log: silentLogger,
      health: async () => ({}),
      metrics: async () => '',
      routes: conn.routes,
    });
    server = started.server;
    url = `http://127.0.0.1:${started.port}/slack/events`;
    await conn.start();
  });
  afterAll(async () => {
    await slack.close();
    await new Promise((r) => server.close(r));
    await fake.stop();
  });

  it('forged and replayed requests get 401 and reach nothing', async () => {
    const before = seen.length;
    const cmd = commandRequest({ text: 'help', channel: 'C1', responseUrl: fake.responseUrl() });
    expect((await postSigned(url, cmd, { secret: 'not-the-secret' })).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await postSigned(url, cmd, { timestamp: sixMinutesAgo })).status).toBe(401);
    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': cmd.contentType },
      body: cmd.body,
    });
    expect(unsigned.status).toBe(401);
    expect(seen.length).toBe(before);
    expect(fake.responses).toHaveLength(0);
  });

  it('a slash command is acked at once while slow work finishes later, then answered ephemerally', async () => {
    reply = async (req) => {
      await new Promise((r) => setTimeout(r, 3_500));
      return { kind: 'answer-queued', question: req.text.replace(/^ask /, ''), threadId: 't1' };
    };
    const responseUrl = fake.responseUrl();
    const res = await postSigned(
      url,
      commandRequest({ text: 'ask what did Canada do?', channel: 'C1', responseUrl }),
    );
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3_000);
    expect(seen.at(-1)).toMatchObject({
      kind: 'command',
      channel: 'slack:C1',
      user: 'UALICE',
      text: 'ask what did Canada do?',
      replyRef: responseUrl,
    });
    const id = responseUrl.split('/').pop();
    const r = await fake.waitFor(() => fake.responses.find((x) => x.id === id));
    expect(r.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(r.body.text)).toContain('what did Canada do?');
  });

  it('a failing handler still tells the asker, never silence', async () => {
    reply = async () => {
      throw new Error('database on fire');
    };
    const responseUrl = fake.responseUrl();
    expect(
      (await postSigned(url, commandRequest({ text: 'watches', channel: 'C1', responseUrl }))).status,
    ).toBe(200);
    const id = responseUrl.split('/').pop();
    const r = await fake.waitFor(() => fake.responses.find((x) => x.id === id));
    expect(String(r.body.text)).toMatch(/^:warning: Something went wrong/);
    expect(String(r.body.text)).not.toContain('database on fire');
  });

  it('a mention is a question answered in its thread; a bot reply in a thread is never handled', async () => {
    reply = async () => ({ kind: 'answer-queued', question: 'q', threadId: 't' });
    const before = seen.length;
    const ts = '1700000000.000100';
    const ev = {
      type: 'app_mention',
      user: 'UBOB',
      text: `<@${BOT_USER_ID}> what about chips?`,
      ts,
      channel: 'C2',
    };
    expect((await postSigned(url, eventRequest(ev))).status).toBe(200);
    await fake.waitFor(() => seen.length > before);
    expect(seen.at(-1)).toMatchObject({
      kind: 'mention',
      channel: 'slack:C2',
      user: 'UBOB',
      text: 'what about chips?',
      threadRef: ts,
    });
    // Our own message and another bot's message in a thread: ignored before the core sees them.
    const own = {
      type: 'message',
      user: BOT_USER_ID,
      bot_id: BOT_ID,
      text: 'an answer',
      ts: '1700000000.000200',
      thread_ts: ts,
      channel: 'C2',
    };
    const other = {
      type: 'message',
      subtype: 'bot_message',
      bot_id: 'BOTHER',
      text: 'hi',
      ts: '1700000000.000300',
      thread_ts: ts,
      channel: 'C2',
    };
    const otherWithUser = { ...other, subtype: undefined, user: 'UOTHERBOT' };
    for (const e of [own, other, otherWithUser])
      expect((await postSigned(url, eventRequest(e))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.length).toBe(before + 1);
  });

  it('a direct message is a question; an ordinary channel message is not for the bot', async () => {
    reply = async () => ({ kind: 'answer-queued', question: 'q', threadId: 't' });
    const before = seen.length;
    const chatter = {
      type: 'message',
      channel_type: 'channel',
      user: 'UBOB',
      text: 'lunch?',
      ts: '1700000003.000100',
      channel: 'C2',
    };
    const dm = {
      type: 'message',
      channel_type: 'im',
      user: 'UBOB',
      text: 'any news on soybeans?',
      ts: '1700000003.000200',
      channel: 'D1',
    };
    for (const e of [chatter, dm]) expect((await postSigned(url, eventRequest(e))).status).toBe(200);
    await fake.waitFor(() => seen.length > before);
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.slice(before)).toEqual([
      { kind: 'mention', channel: 'slack:D1', user: 'UBOB', text: 'any news on soybeans?', threadRef: dm.ts },
    ]);
  });

  it("a person's reply in a thread is a follow-up; an error there is an ephemeral note in the thread", async () => {
    reply = async () => ({ kind: 'error', code: 'ask/empty', message: 'Ask a question.' });
    const before = seen.length;
    const ev = {
      type: 'message',
      user: 'UBOB',
      text: 'and Mexico?',
      ts: '1700000001.000100',
      thread_ts: '1700000000.000100',
      channel: 'C2',
    };
    expect((await postSigned(url, eventRequest(ev))).status).toBe(200);
    await fake.waitFor(() => seen.length > before);
    expect(seen.at(-1)).toMatchObject({
      kind: 'thread-reply',
      text: 'and Mexico?',
      threadRef: '1700000000.000100',
    });
    const note = await fake.waitFor(() => fake.ephemerals.find((e) => e.user === 'UBOB'));
    expect(note).toMatchObject({
      channel: 'C2',
      thread_ts: '1700000000.000100',
      text: ':warning: Ask a question.',
    });
  });

  it('the stop button is an action request and is acknowledged', async () => {
    reply = async (req) => ({ kind: 'watch-removed', watchId: req.action?.value ?? '' });
    const responseUrl = fake.responseUrl();
    const req = buttonRequest({
      channel: 'C3',
      actionId: 'unwatch',
      value: 'w1a2b3c4',
      responseUrl,
      messageTs: '1700000002.000100',
    });
    const res = await postSigned(url, req);
    expect(res.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({
      kind: 'action',
      channel: 'slack:C3',
      user: 'UALICE',
      action: { name: 'unwatch', value: 'w1a2b3c4' },
    });
    const id = responseUrl.split('/').pop();
    const r = await fake.waitFor(() => fake.responses.find((x) => x.id === id));
    expect(r.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: ':no_bell: Stopped watch `w1a2b3c4`.',
    });
  });
});
