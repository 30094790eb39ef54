import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../fakes/slack.ts';
import { commandFields } from '../../helpers/slack-requests.ts';
import { SAMPLE } from '../../integration/digest/helpers.ts';
import { APP_TOKEN } from './slack-setup.ts';
import { type Stack, sample, startStack } from './stack.ts';

/** The whole service over Socket Mode: no public URL, commands and answers through the WebSocket. */
describe('Slack end to end over Socket Mode', () => {
  let fake: FakeSlack;
  let stack: Stack;
  beforeAll(async () => {
    fake = await new FakeSlack().start();
    stack = await startStack(fake, { SLACK_APP_TOKEN: APP_TOKEN });
    await stack.ingest([SAMPLE.mexicoSteel, SAMPLE.chips].map(sample));
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await fake?.stop();
  });

  it('/trade ask over the socket: acked, then the answer with citations is posted in the channel', async () => {
    const responseUrl = fake.responseUrl();
    const ack = await fake.socket.send(
      'slash_commands',
      commandFields({
        text: 'ask What tariff did Mexico put on steel imports?',
        channel: 'CSOCK',
        responseUrl,
      }),
    );
    expect(ack.afterMs).toBeLessThan(3_000);
    const answer = await fake.waitFor(() => fake.posted('CSOCK')[0]);
    expect(JSON.stringify(answer.blocks)).toMatch(/\[1\] <https?:\/\//);
    const id = responseUrl.split('/').pop();
    expect(fake.responses.filter((r) => r.id === id).map((r) => r.body.response_type)).toEqual(['ephemeral']);
  });
});
