import type { HttpRoute, InboundConnection } from '../../platform/port.ts';
import { syncDigestSchedulers } from '../../queue/digest-schedulers.ts';
import { ASK_QUEUE, DIGEST_QUEUE, deliverQueue, INGEST_QUEUE, SUMMARISE_QUEUE } from '../../queue/names.ts';
import { enqueueDeliveries } from '../../queue/workers.ts';
import { startHttpServer } from '../../server/http.ts';
import { INGEST_PATH, ingestRoute } from '../../server/ingest-route.ts';
import { renderMetrics } from '../../server/metrics.ts';
import { chatHandler } from '../../usecases/chat.ts';
import { FEEDS_QUEUE, startFeedPolling } from '../../usecases/feed-service.ts';
import type { App } from '../app.ts';

/**
 * `tradewire run`: pipeline workers, delivery workers for every platform whose credentials are set,
 * digest schedulers, the HTTP server with every platform's inbound routes, and their long-lived
 * connections (Socket Mode, the Discord gateway). Resolves when a signal asks it to stop.
 */
export async function runService(app: App, opts: { port?: number; signal: AbortSignal }): Promise<void> {
  const rt = await app.queues();
  await app.startWorkers();
  await syncDigestSchedulers(rt, await app.store.listSchedules());
  const names = app.platforms.names();
  const queues = [
    INGEST_QUEUE,
    SUMMARISE_QUEUE,
    DIGEST_QUEUE,
    ASK_QUEUE,
    FEEDS_QUEUE,
    ...names.map(deliverQueue),
  ];
  const feeds = await startFeedPolling(rt, app.deps, (req) =>
    enqueueDeliveries(rt, app.pipelineDeps(), [req]),
  );

  const handler = chatHandler(app.deps);
  const inbound: Array<{ name: string; conn: InboundConnection }> = [];
  const routes = new Map<string, HttpRoute>();
  if (app.config.ingestApiToken) routes.set(INGEST_PATH, ingestRoute(app.deps));
  for (const p of app.platforms.all()) {
    if (!p.connect) continue;
    const conn = p.connect(handler, app.log);
    for (const [path, route] of conn.routes) routes.set(path, route);
    inbound.push({ name: p.name, conn });
  }
  const { server, port } = await startHttpServer(opts.port ?? app.config.port, {
    log: app.log,
    routes,
    health: async () => {
      const redis = await rt.ping();
      const store = await app.store
        .storyCount()
        .then(() => true)
        .catch(() => false);
      return { redis, store };
    },
    metrics: () => renderMetrics(rt, app.store, queues),
  });
  for (const { conn } of inbound) await conn.start();
  app.log.info('tradewire running', {
    port,
    redis: rt.redisUrl,
    platforms: names.join(','),
    inbound: inbound.map((i) => i.name).join(',') || 'none',
    llm: app.llm ? app.llm.model : 'offline',
  });
  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await Promise.allSettled(inbound.map(({ conn }) => conn.stop()));
  await feeds.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
