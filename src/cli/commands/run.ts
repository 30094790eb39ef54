import type { Server } from 'node:http';
import type { HttpRoute, InboundConnection } from '../../platform/port.ts';
import { syncDigestSchedulers } from '../../queue/digest-schedulers.ts';
import { ASK_QUEUE, DIGEST_QUEUE, deliverQueue, INGEST_QUEUE, SUMMARISE_QUEUE } from '../../queue/names.ts';
import type { QueueRuntime } from '../../queue/runtime.ts';
import { pipelineStatus } from '../../queue/status.ts';
import { enqueueDeliveries } from '../../queue/workers.ts';
import { startHttpServer } from '../../server/http.ts';
import { INGEST_PATH, ingestRoute } from '../../server/ingest-route.ts';
import { renderMetrics } from '../../server/metrics.ts';
import { chatHandler } from '../../usecases/chat.ts';
import { FEEDS_QUEUE, startFeedPolling } from '../../usecases/feed-service.ts';
import type { App } from '../app.ts';

/**
 * Process roles, so a deployment runs N workers, one scheduler and one adapter process per platform:
 * - `worker`: the pipeline workers (ingest, summarise, digest, ask, feeds) and delivery workers for every
 *   platform whose credentials are set;
 * - `scheduler`: syncs the digest and feed job schedulers (they live in Redis; any worker runs the
 *   jobs);
 * - `adapters`: the platforms' inbound connections (Socket Mode, the Discord gateway) and the HTTP
 *   server (their routes, /health, /metrics);
 * - `all` (default): everything, in one process.
 * Roles share nothing in memory: every lock, lease, dedupe and cursor is in Redis or the store, and
 * the caches a process keeps (watches for 2 s, SQLite's band index) are rebuilt from the store. With
 * `--port`, a worker or scheduler also serves its own /healthz and /metrics.
 */
export const ROLES = ['all', 'worker', 'scheduler', 'adapters'] as const;
export type Role = (typeof ROLES)[number];

/**
 * `tradewire run`: the parts of the service `role` names (see ROLES). Resolves when a signal asks it
 * to stop.
 */
export async function runService(
  app: App,
  opts: { port?: number; signal: AbortSignal; role?: Role },
): Promise<void> {
  const role = opts.role ?? 'all';
  const has = (r: Role) => role === 'all' || role === r;
  const rt = await app.queues();
  if (has('worker')) await app.startWorkers();
  if (has('scheduler')) await syncDigestSchedulers(rt, await app.store.listSchedules());
  const names = app.platforms.names();
  const queues = [
    INGEST_QUEUE,
    SUMMARISE_QUEUE,
    DIGEST_QUEUE,
    ASK_QUEUE,
    FEEDS_QUEUE,
    ...names.map(deliverQueue),
  ];
  // Where workers run, the store's unfinished work is reconciled with the queue (see startReconciler).
  const reconciler = has('worker')
    ? startReconciler(app, rt, [INGEST_QUEUE, SUMMARISE_QUEUE, ...names.map(deliverQueue)])
    : { stop: () => {} };
  const feeds = await startFeedPolling(
    rt,
    app.deps,
    (req) => enqueueDeliveries(rt, app.pipelineDeps(), [req]),
    {
      schedulers: has('scheduler'),
      worker: has('worker'),
    },
  );

  const inbound: Array<{ name: string; conn: InboundConnection }> = [];
  let server: Server | null = null;
  let port: number | null = null;
  // The adapters role always serves HTTP (its routes, /healthz, /metrics); a worker or scheduler only
  // when given --port, for its own /healthz and /metrics (counters live in each process).
  if (has('adapters') || opts.port !== undefined) {
    const routes = new Map<string, HttpRoute>();
    if (has('adapters')) {
      const handler = chatHandler(app.deps);
      if (app.config.ingestApiToken) routes.set(INGEST_PATH, ingestRoute(app.deps));
      for (const p of app.platforms.all()) {
        if (!p.connect) continue;
        const conn = p.connect(handler, app.log);
        for (const [path, route] of conn.routes) routes.set(path, route);
        inbound.push({ name: p.name, conn });
      }
    }
    ({ server, port } = await startHttpServer(opts.port ?? app.config.port, {
      log: app.log,
      routes,
      health: async () => (await pipelineStatus(rt, app.store, queues)).checks,
      // Spread into a plain object: the report is JSON as it is.
      healthReport: async () => ({ ...(await pipelineStatus(rt, app.store, queues)) }),
      metrics: () => renderMetrics(rt, app.store, queues),
    }));
    for (const { conn } of inbound) await conn.start();
  }
  app.log.info('tradewire running', {
    role,
    port,
    redis: rt.redisUrl,
    store: app.config.databaseUrl ? 'postgres' : 'sqlite',
    platforms: names.join(','),
    inbound: inbound.map((i) => i.name).join(',') || 'none',
    llm: app.llm ? app.llm.model : 'offline',
  });
  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  reconciler.stop();
  await Promise.allSettled(inbound.map(({ conn }) => conn.stop()));
  await feeds.close();
  const srv = server;
  if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
}

/**
 * Reconciles the store's unfinished work with the queue now, and again every interval while the
 * pipeline queues are idle (then anything the store still names is work the queue lost).
 */
function startReconciler(app: App, rt: QueueRuntime, queues: string[]): { stop(): void } {
  let busy = false;
  const once = async (whenIdle: boolean) => {
    if (busy) return;
    busy = true;
    try {
      if (whenIdle) {
        for (const q of queues) {
          const c = await rt.queue(q).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
          if (Object.values(c).some((n) => n > 0)) return;
        }
      }
      await app.deps.reconcile?.();
    } catch (err) {
      app.log.warn('reconciliation failed; will try again', {
        err: err instanceof Error ? err.message : err,
      });
    } finally {
      busy = false;
    }
  };
  void once(false);
  const timer = setInterval(() => void once(true), app.config.reconcile.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
