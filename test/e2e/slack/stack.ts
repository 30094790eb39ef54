import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { type App, openApp } from '../../../src/cli/app.ts';
import { runService } from '../../../src/cli/commands/run.ts';
import type { ArticleInput } from '../../../src/domain.ts';
import { type IngestReport, submitArticles } from '../../../src/usecases/submit.ts';
import type { FakeSlack } from '../../fakes/slack.ts';
import { freePort } from '../../helpers/redis-server.ts';
import { commandRequest, postSigned, SIGNING_SECRET, type Signed } from '../../helpers/slack-requests.ts';
import { sample, tempDataDir } from '../../integration/digest/helpers.ts';

/**
 * The whole service in this process, as `tradewire run` wires it (composition root, workers, the
 * shared HTTP server with Slack's route, the Bolt app), with Slack's Web API aimed at the fake.
 */
export interface Stack {
  app: App;
  eventsUrl: string;
  /** `/trade <text>` in `channel`; resolves with the ephemeral reply the user saw. */
  command(channel: string, text: string): Promise<string>;
  send(req: Signed): Promise<number>;
  ingest(records: ArticleInput[]): Promise<IngestReport>;
  stop(): Promise<void>;
}

export async function startStack(fake: FakeSlack, env: Record<string, string> = {}): Promise<Stack> {
  const app = openApp({
    dataDir: tempDataDir(),
    echo: null,
    env: {
      TRADEWIRE_LOG_LEVEL: 'silent',
      REDIS_URL: inject('redisUrl'),
      TRADEWIRE_QUEUE_PREFIX: `tws-${randomUUID().slice(0, 8)}`,
      SLACK_BOT_TOKEN: 'xoxb-stack',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      SLACK_MAX_RETRIES: '0',
      SLACK_CHANNEL_INTERVAL_MS: '50',
      ...env,
    },
  });
  const port = await freePort();
  const stopping = new AbortController();
  const running = runService(app, { port, signal: stopping.signal });
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  // Ready once Bolt has verified the token (auth.test) and the route answers (or the socket is open).
  await fake.waitFor(() => fake.calls.some((c) => c.method === 'auth.test' && c.token === 'xoxb-stack'));
  if (env.SLACK_APP_TOKEN) await fake.socket.connected();
  else await fake.waitFor(async () => (await fetch(eventsUrl).catch(() => null))?.status === 405);
  const send = async (req: Signed) => (await postSigned(eventsUrl, req)).status;
  return {
    app,
    eventsUrl,
    send,
    async command(channel, text) {
      const responseUrl = fake.responseUrl();
      const status = await send(commandRequest({ text, channel, responseUrl }));
      if (status !== 200) throw new Error(`/trade ${text}: HTTP ${status}`);
      const id = responseUrl.split('/').pop();
      const reply = await fake.waitFor(() => fake.responses.find((r) => r.id === id));
      return String(reply.body.text ?? '');
    },
    async ingest(records) {
      const items = records.map((record, i) => ({ input: `test:${i}`, record }));
      return submitArticles(app.deps, items, { wait: true, timeoutMs: 20_000 });
    },
    async stop() {
      stopping.abort();
      await running;
      await app.close();
    },
  };
}

export { sample };
