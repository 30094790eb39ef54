import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A feed publisher on loopback speaking plain HTTP/1.1: serves feeds and article pages, honours
 * If-None-Match / If-Modified-Since with 304, redirects, and can misbehave (slow drip, endless body,
 * errors). Every request is recorded so tests and benchmarks can count what a poll cost.
 */
export interface FakeRoute {
  status?: number;
  body?: string | Buffer;
  type?: string;
  /** Content-Encoding header for a body already encoded that way. */
  encoding?: string;
  etag?: string;
  lastModified?: string;
  /** Redirect target (absolute, or a path on this server). */
  location?: string;
  /** Sends the body one byte every `dripMs` (a slow server). */
  dripMs?: number;
  /** Streams this many bytes of filler (a huge response), without a Content-Length. */
  hugeBytes?: number;
}

export interface SeenRequest {
  path: string;
  status: number;
  conditional: boolean;
  headers: IncomingHttpHeaders;
}

export class FakeFeedServer {
  readonly requests: SeenRequest[] = [];
  private readonly routes = new Map<string, FakeRoute>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeFeedServer> {
    let self: FakeFeedServer | undefined;
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const route = self!.routes.get(path) ?? { status: 404, body: 'not found' };
      const conditional =
        req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined;
      const notModified =
        (route.etag !== undefined && req.headers['if-none-match'] === route.etag) ||
        (route.etag === undefined &&
          route.lastModified !== undefined &&
          req.headers['if-modified-since'] === route.lastModified);
      const status = notModified ? 304 : (route.status ?? (route.location ? 302 : 200));
      self!.requests.push({ path, status, conditional, headers: req.headers });
      const headers: Record<string, string> = { 'content-type': route.type ?? 'application/rss+xml' };
      if (route.etag) headers.etag = route.etag;
      if (route.lastModified) headers['last-modified'] = route.lastModified;
      if (route.location) headers.location = route.location;
      if (route.encoding) headers['content-encoding'] = route.encoding;
      if (notModified) {
        res.writeHead(304, headers).end();
        return;
      }
      if (route.hugeBytes !== undefined) {
        res.writeHead(status, headers);
        let sent = 0;
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (sent < route.hugeBytes! && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      const body = Buffer.from(route.body ?? '');
      if (route.dripMs !== undefined) {
        res.writeHead(status, headers);
        let i = 0;
        const timer = setInterval(() => {
          if (res.destroyed || i >= body.length) {
            clearInterval(timer);
            res.end();
            return;
          }
          res.write(body.subarray(i, ++i));
        }, route.dripMs);
        res.once('close', () => clearInterval(timer));
        return;
      }
      res.writeHead(status, { ...headers, 'content-length': String(body.length) }).end(body);
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new FakeFeedServer(server, (server.address() as AddressInfo).port);
    return self;
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  set(path: string, route: FakeRoute): void {
    this.routes.set(path, route);
  }

  count(path?: string): number {
    return path === undefined ? this.requests.length : this.requests.filter((r) => r.path === path).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** An RSS 2.0 document with the given items (text is HTML, escaped into <description>). */
export function rss(
  title: string,
  items: Array<{ guid?: string; link?: string; title: string; date?: string; html: string; full?: string }>,
): string {
  const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const parts = items.map(
    (i) =>
      `<item><title>${esc(i.title)}</title>${i.link ? `<link>${esc(i.link)}</link>` : ''}${
        i.guid ? `<guid isPermaLink="false">${esc(i.guid)}</guid>` : ''
      }${i.date ? `<pubDate>${i.date}</pubDate>` : ''}<description>${esc(i.html)}</description>${
        i.full ? `<content:encoded><![CDATA[${i.full}]]></content:encoded>` : ''
      }</item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>${esc(title)}</title><link>http://example.test/</link><description>d</description>${parts.join('')}</channel></rss>`;
}
