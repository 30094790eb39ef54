import { describePlatformConformance, type SentMessage } from '../../conformance/platform.ts';
import { type FakeMessage, FakeSlack } from '../../fakes/slack.ts';
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

/**
 * What Slack would turn into a notification or a link: any `<!…>`, `<@…>`, `<#…>` token, a link to
 * anything but http(s), and `link_names` (which would make plain `@channel` ping).
 */
export function slackPings(raw: unknown): string[] {
  const sent = raw as Record<string, unknown>;
  const found: string[] = [];
  if (sent.link_names === true || sent.link_names === 'true' || sent.link_names === '1')
    found.push('link_names');
  if (sent.parse === 'full') found.push('parse=full');
  const text = JSON.stringify([sent.text, sent.blocks]);
  for (const m of text.matchAll(/<([^<>]*)>/g)) {
    const inner = m[1]!;
    if (!/^https?:\/\/[^\s|<>]+\|[^<>|]*$/.test(inner)) found.push(m[0]);
  }
  return found;
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
