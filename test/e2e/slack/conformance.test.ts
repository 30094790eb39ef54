import { describePlatformConformance, type SentMessage } from '../../conformance/platform.ts';
import { type FakeMessage, FakeSlack } from '../../fakes/slack.ts';
import { slackPings } from '../../fakes/slack-pings.ts';
import { commandRequest, postSigned, SIGNING_SECRET } from '../../helpers/slack-requests.ts';

/** Every text field of a posted message: the fallback and each text object in its blocks. */
function allText(m: FakeMessage): string {
  const out = [m.text];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') out.push(x);
        else visit(x);
      }
    }
  };
  visit(m.blocks);
  return out.join('\n');
}

describePlatformConformance('slack', async () => {
  const fake = await new FakeSlack().start();
  const channel = 'slack:C0CONF01';
  return {
    env: {
      SLACK_BOT_TOKEN: 'xoxb-conformance',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      SLACK_MAX_RETRIES: '0',
      SLACK_CHANNEL_INTERVAL_MS: '20',
    },
    channel,
    async sent(ch) {
      return fake
        .posted(ch.slice('slack:'.length))
        .map((m): SentMessage => ({ text: allText(m), raw: m.sent }));
    },
    pings: slackPings,
    async command({ baseUrl }, ch, text) {
      const responseUrl = fake.responseUrl();
      const req = commandRequest({ text, channel: ch.slice('slack:'.length), responseUrl });
      const res = await postSigned(`${baseUrl}/slack/events`, req);
      if (res.status !== 200) throw new Error(`Slack command got HTTP ${res.status}`);
      const id = responseUrl.split('/').pop();
      const reply = await fake.waitFor(() => fake.responses.find((r) => r.id === id));
      return String(reply.body.text ?? '');
    },
    close: () => fake.stop(),
  };
});
