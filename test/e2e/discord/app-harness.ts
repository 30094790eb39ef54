import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { inject } from 'vitest';
import { type App, openApp } from '../../../src/cli/app.ts';
import type { ArticleInput } from '../../../src/domain.ts';
import type { InboundConnection } from '../../../src/platform/port.ts';
import { startHttpServer } from '../../../src/server/http.ts';
import { chatHandler } from '../../../src/usecases/chat.ts';
import { submitArticles } from '../../../src/usecases/submit.ts';
import { FakeDiscord } from '../../fakes/discord.ts';
import { tempDataDir } from '../../integration/digest/helpers.ts';

/**
 * The app as `tradewire run` wires it (composition root, workers on the shared test Redis, the
 * Discord platform's inbound side mounted and started), aimed at a fake Discord.
 */
export interface DiscordRun {
  fake: FakeDiscord;
  app: App;
  baseUrl: string;
  submit(articles: ArticleInput[]): Promise<void>;
  close(): Promise<void>;
}

export async function startDiscordRun(env: Record<string, string> = {}): Promise<DiscordRun> {
  const fake = await FakeDiscord.start();
  const app = openApp({
    dataDir: tempDataDir(),
    echo: null,
    env: {
      TRADEWIRE_LOG_LEVEL: 'silent',
      REDIS_URL: inject('redisUrl'),
      TRADEWIRE_QUEUE_PREFIX: `twdc-${randomUUID().slice(0, 8)}`,
      DISCORD_TOKEN: 'fake-bot-token',
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_REST_TIMEOUT_MS: '3000',
      DISCORD_REST_RETRIES: '0',
      ...env,
    },
  });
  await app.startWorkers();
  const platform = app.platforms.get('discord');
  if (!platform?.connect) throw new Error('the composition root did not configure Discord');
  const conn: InboundConnection = platform.connect(chatHandler(app.deps), app.log);
  const started = await startHttpServer(0, {
    log: app.log,
    routes: conn.routes,
    health: async () => ({}),
    metrics: async () => '',
  });
  const server: Server = started.server;
  await conn.start();
  return {
    fake,
    app,
    baseUrl: `http://127.0.0.1:${started.port}`,
    async submit(articles) {
      await submitArticles(
        app.deps,
        articles.map((record, i) => ({ input: `test:${i}`, record })),
        { wait: true },
      );
    },
    async close() {
      await conn.stop();
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
      await fake.close();
    },
  };
}
