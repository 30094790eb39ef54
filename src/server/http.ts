import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';
import type { HttpRoute } from '../platform/port.ts';
import { METRICS_CONTENT_TYPE } from './metrics.ts';

/**
 * The HTTP surface of `tradewire run`: /healthz and /metrics now; Slack events and the ingest API
 * mount extra routes through `routes`.
 */
export type Route = HttpRoute;

/** A /healthz document: `checks` decides the status; the other fields are reported as they are. */
export interface HealthReport {
  checks: Record<string, boolean>;
  [field: string]: unknown;
}

export interface HttpDeps {
  health: () => Promise<Record<string, boolean>>;
  /**
   * When given, /healthz answers with this document instead (`checks` decides 200 or 503; the rest,
   * such as counts of unfinished work and queue depths, is reported beside it).
   */
  healthReport?: () => Promise<HealthReport>;
  metrics: () => Promise<string>;
  routes?: Map<string, Route>;
  log: Logger;
}

export async function startHttpServer(
  port: number,
  deps: HttpDeps,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    void handle(req, res, deps).catch((err: unknown) => {
      deps.log.error('http handler failed', { path: req.url, err });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"internal"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : port };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method === 'GET' && path === '/healthz') {
    const report = deps.healthReport ? await deps.healthReport() : { checks: await deps.health() };
    const ok = Object.values(report.checks).every(Boolean);
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...report, ok }));
    return;
  }
  if (req.method === 'GET' && path === '/metrics') {
    const body = await deps.metrics();
    res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE });
    res.end(body);
    return;
  }
  const route = deps.routes?.get(path);
  if (route) {
    await route(req, res);
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":"not found"}');
}
