import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_USER_ID, type FakeMessage, FakeSlack } from '../../fakes/slack.ts';
import { slackPings } from '../../fakes/slack-pings.ts';
import { buttonRequest, commandRequest, eventRequest } from '../../helpers/slack-requests.ts';
import { SAMPLE } from '../../integration/digest/helpers.ts';
import { type Stack, sample, startStack } from './stack.ts';

const blocksText = (m: FakeMessage): string => JSON.stringify(m.blocks);
const isAnswer = (m: FakeMessage): boolean => blocksText(m).includes('*Sources*');

/** What a user does in Slack, end to end: the real Bolt app, use cases, queues and workers. */
describe('Slack end to end (in-process tradewire run)', () => {
  let fake: FakeSlack;
  let stack: Stack;
  beforeAll(async () => {
    fake = await new FakeSlack().start();
    stack = await startStack(fake);
    await stack.ingest(
      [SAMPLE.mexicoSteel, SAMPLE.chips, SAMPLE.canadaSteel, SAMPLE.ukSanctions].map(sample),
    );
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await fake?.stop();
  });

  it('/trade ask is acked, then answered in the channel with numbered citation links; a thread reply follows up', async () => {
    const reply = await stack.command('CASK', 'ask What tariff did Mexico put on steel imports?');
    expect(reply).toMatch(/Looking into/);
    const answer = await fake.waitFor(() => fake.posted('CASK').find(isAnswer));
    expect(blocksText(answer)).toMatch(/\[1\] <https?:\/\/[^|]+\|[^>]+>/);
    expect(answer.text).toMatch(/Mexico|steel/i);
    expect(answer.metadata?.event_type).toBe('tradewire_delivery');

    const followUp = {
      type: 'message',
      user: 'UBOB',
      text: 'and what did Canada do?',
      ts: `${Date.now() / 1000}`,
      thread_ts: answer.ts,
      channel: 'CASK',
    };
    expect(await stack.send(eventRequest(followUp))).toBe(200);
    const inThread = await fake.waitFor(() =>
      fake.posted('CASK').find((m) => m.thread_ts === answer.ts && isAnswer(m)),
    );
    expect(inThread.text.length).toBeGreaterThan(0);
  });

  it('an @mention is answered in its thread', async () => {
    const mention = fake.addUserMessage(
      'CMEN',
      'UBOB',
      `<@${BOT_USER_ID}> which chips face export controls?`,
    );
    const ev = { type: 'app_mention', user: 'UBOB', text: mention.text, ts: mention.ts, channel: 'CMEN' };
    expect(await stack.send(eventRequest(ev))).toBe(200);
    const answer = await fake.waitFor(() =>
      fake.posted('CMEN').find((m) => m.thread_ts === mention.ts && isAnswer(m)),
    );
    expect(answer.user).toBe(BOT_USER_ID);
    expect(fake.ephemerals.filter((e) => e.channel === 'CMEN')).toHaveLength(0);
  });

  it('/trade digest now posts the digest to that channel', async () => {
    expect(await stack.command('CDIG', 'digest now')).toMatch(/Building the digest/);
    const digest = await fake.waitFor(() => fake.posted('CDIG')[0]);
    expect(digest.blocks[0]).toMatchObject({ type: 'header' });
    expect(digest.text).toMatch(/^Trade digest — /);
  });

  it('/trade watch, a matching article → one alert; its button stops the watch; hostile text is inert', async () => {
    const added = await stack.command('CWAT', 'watch tariff AND lumber');
    const [watch] = await stack.app.store.listWatches('slack:CWAT');
    expect(added).toContain(watch!.id);
    // The pipeline's watch matcher reloads watches at most every 2 s (src/watch/match-watches.ts).
    await new Promise((r) => setTimeout(r, 2_100));
    const hostile = '<!channel> <!here> <!everyone> <@U0BOSS> <https://evil.example|your bank> @everyone';
    const report = await stack.ingest([
      {
        url: 'https://wire.example.com/lumber-tariff',
        source: `Timber Times ${hostile}`,
        title: `US doubles lumber tariff ${hostile}`,
        published: new Date().toISOString(),
        body: `Washington doubled its tariff on softwood lumber from Canada to 29 percent on Tuesday. ${hostile}\n\nCanadian officials said the lumber duties were unjustified and promised a challenge. ${hostile}`,
      },
    ]);
    expect(report.new).toBe(1);
    const alert = await fake.waitFor(() => fake.posted('CWAT')[0]);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.posted('CWAT')).toHaveLength(1);
    expect(blocksText(alert)).toContain(`"value":"${watch!.id}"`);
    expect(slackPings(alert.sent)).toEqual([]);
    expect(blocksText(alert)).toContain('&lt;!channel&gt;');

    const responseUrl = fake.responseUrl();
    const press = buttonRequest({
      channel: 'CWAT',
      actionId: 'unwatch',
      value: watch!.id,
      responseUrl,
      messageTs: alert.ts,
    });
    expect(await stack.send(press)).toBe(200);
    const id = responseUrl.split('/').pop();
    const r = await fake.waitFor(() => fake.responses.find((x) => x.id === id));
    expect(String(r.body.text)).toContain(watch!.id);
    expect(await stack.app.store.listWatches('slack:CWAT')).toEqual([]);
  });

  it('a 429 delays that channel by Retry-After while another channel posts at once', async () => {
    fake.rateLimit('chat.postMessage', 2, { channel: 'CSLOW' });
    const t0 = Date.now();
    await stack.command('CSLOW', 'digest now');
    await stack.command('CFAST', 'digest now');
    const fast = await fake.waitFor(() => fake.posted('CFAST')[0]);
    const limited = fake.calls.find(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'CSLOW' && c.status === 429,
    );
    expect(limited).toBeDefined();
    const slow = await fake.waitFor(() => fake.posted('CSLOW')[0], 20_000);
    const retried = fake.calls.find(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'CSLOW' && c.status === 200,
    )!;
    expect(retried.at - limited!.at).toBeGreaterThanOrEqual(1_900);
    // The fast channel did not wait behind the limited one.
    const fastPost = fake.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === 'CFAST');
    expect(fastPost!.at).toBeLessThan(retried.at);
    expect(fake.posted('CSLOW')).toHaveLength(1);
    expect(slow.ts).not.toBe(fast.ts);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('in a channel the bot was not invited to: digests and watches say so at once, an answer still arrives', async () => {
    fake.notMember.add('CNOT');
    expect(await stack.command('CNOT', 'watch steel')).toMatch(/invite me with `\/invite @Tradewire`/i);
    expect(await stack.app.store.listWatches('slack:CNOT')).toEqual([]);
    const responseUrl = fake.responseUrl();
    expect(
      await stack.send(
        commandRequest({
          text: 'ask What tariff did Mexico put on steel imports?',
          channel: 'CNOT',
          responseUrl,
        }),
      ),
    ).toBe(200);
    const id = responseUrl.split('/').pop();
    const answer = await fake.waitFor(() =>
      fake.responses.find((r) => r.id === id && r.body.response_type === 'in_channel'),
    );
    expect(JSON.stringify(answer.body.blocks)).toContain('*Sources*');
    expect(fake.posted('CNOT')).toEqual([]);
  });
});
