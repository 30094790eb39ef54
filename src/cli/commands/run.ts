import { syncDigestSchedulers } from '../../digest/schedulers.ts';
import { DIGEST_QUEUE, deliverQueue, INGEST_QUEUE, SUMMARISE_QUEUE } from '../../queue/names.ts';
import { startHttpServer } from '../../server/http.ts';
import { renderMetrics } from '../../server/metrics.ts';
import type { App } from '../app.ts';

/**
 * `tradewire run`: pipeline workers, delivery workers for every platform whose credentials are set,
 * digest schedulers, and the HTTP server. Resolves when a signal asks it to stop.
 */
export async function runService(app: App, opts: { port?: number; signal: AbortSignal }): Promise<void> {
  const rt = await app.queues();
  await app.startWorkers();
  await syncDigestSchedulers(rt, await app.store.listSchedules());
  const queues = [
    INGEST_QUEUE,
    SUMMARISE_QUEUE,
    DIGEST_QUEUE,
    ...[...app.platforms.keys()].map(deliverQueue),
  ];
  const { server, port } = await startHttpServer(opts.port ?? app.config.port, {
    log: app.log,
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
  app.log.info('tradewire running', {
    port,
    redis: rt.redisUrl,
    platforms: [...app.platforms.keys()].join(','),
    llm: app.llm ? app.llm.model : 'offline',
  });
  await new Promise<void>((resolve) =>
    opts.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
