import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { TradewireError } from '../errors.ts';
import { isBlockedAddress } from './address-policy.ts';

/**
 * The only way Tradewire fetches URLs that come from outside (feeds, article pages).
 *
 * - http(s) only; redirects followed by hand, at most `maxRedirects`, each hop checked again;
 * - unless `allowPrivate`, every connection's address is checked after DNS resolution, inside the
 *   socket's own `lookup`, so the address checked is the address connected to (no rebinding gap);
 *   IP literals (which skip DNS) are checked before connecting;
 * - one deadline for the whole fetch, redirects included; the body (after decompression) is capped
 *   while it streams; a clear User-Agent on every request.
 */
export interface FetchPolicy {
  userAgent: string;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allowPrivate: boolean;
  /** DNS resolution (dns.lookup by default); tests point a hostname at a local server with it. */
  lookup?: LookupFunction | undefined;
  /** The address rule (isBlockedAddress by default); tests narrow it to let one loopback port through. */
  isBlocked?: ((address: string) => boolean) | undefined;
}

export interface FetchResult {
  status: number;
  /** The URL of the response after redirects. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SafeFetcher {
  /** GET `url`; resolves for 2xx and 304, throws a coded `fetch/*` error otherwise. */
  get(url: string, opts?: { headers?: Record<string, string>; accept?: string }): Promise<FetchResult>;
  close(): void;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const blocked = (what: string, address: string): TradewireError =>
  new TradewireError('fetch/blocked', `${what} resolves to ${address}, a private or local address`, {
    hint: 'set TRADEWIRE_ALLOW_PRIVATE_URLS=true to allow intranet feeds',
  });

/** A lookup that refuses hostnames with any blocked address, honouring `all` as net.connect asks. */
function guardedLookup(base: LookupFunction, isBlocked: (address: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = (
        Array.isArray(addresses) ? addresses : [{ address: addresses, family: 4 }]
      ) as LookupAddress[];
      const bad = list.find((a) => isBlocked(a.address));
      if (bad || list.length === 0) {
        return callback(blocked(hostname, bad?.address ?? 'nothing') as NodeJS.ErrnoException, '', 4);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TradewireError('fetch/bad-url', `not a URL: ${raw.slice(0, 200)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TradewireError('fetch/bad-url', `only http(s) URLs can be fetched, got ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new TradewireError('fetch/bad-url', 'URLs with credentials are not fetched');
  }
  return url;
}

function decoded(res: IncomingMessage): Readable {
  const enc = String(res.headers['content-encoding'] ?? '').toLowerCase();
  if (enc === 'gzip' || enc === 'x-gzip') return res.pipe(createGunzip());
  if (enc === 'deflate') return res.pipe(createInflate());
  if (enc === 'br') return res.pipe(createBrotliDecompress());
  return res;
}

async function readCapped(res: IncomingMessage, maxBytes: number, url: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw tooLarge(url, maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = decoded(res);
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw tooLarge(url, maxBytes);
      chunks.push(chunk as Buffer);
    }
  } finally {
    if (size > maxBytes) {
      stream.destroy();
      res.destroy();
    }
  }
  return Buffer.concat(chunks);
}

const tooLarge = (url: string, maxBytes: number) =>
  new TradewireError('fetch/too-large', `${url} is larger than ${maxBytes} bytes`, {
    hint: 'raise TRADEWIRE_FETCH_MAX_BYTES if this source is trusted',
  });

export function createSafeFetcher(policy: FetchPolicy): SafeFetcher {
  const base: LookupFunction = policy.lookup ?? (dnsLookup as unknown as LookupFunction);
  const isBlocked = policy.isBlocked ?? isBlockedAddress;
  const lookup = policy.allowPrivate ? base : guardedLookup(base, isBlocked);
  // Keep-alive pools per fetcher: a socket opened under one policy is never reused under another.
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 32 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 32 }),
  };

  const once = (url: URL, headers: Record<string, string>, signal: AbortSignal) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (!policy.allowPrivate && isIP(host) !== 0 && isBlocked(host)) {
        return reject(blocked(url.host, host));
      }
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.request(url, {
        method: 'GET',
        agent: agents[url.protocol as 'http:' | 'https:'],
        lookup,
        headers,
        signal,
      });
      req.once('response', resolve);
      req.once('error', reject);
      req.end();
    });

  async function get(
    raw: string,
    opts: { headers?: Record<string, string>; accept?: string } = {},
  ): Promise<FetchResult> {
    const deadline = AbortSignal.timeout(policy.timeoutMs);
    const headers = {
      'user-agent': policy.userAgent,
      accept: opts.accept ?? '*/*',
      'accept-encoding': 'gzip, deflate, br',
      ...opts.headers,
    };
    let url = parseUrl(raw);
    try {
      for (let hop = 0; ; hop++) {
        const res = await once(url, headers, deadline);
        const status = res.statusCode ?? 0;
        if (REDIRECTS.has(status) && res.headers.location) {
          res.resume();
          if (hop >= policy.maxRedirects) {
            throw new TradewireError(
              'fetch/redirects',
              `${raw} redirected more than ${policy.maxRedirects} times`,
            );
          }
          url = parseUrl(new URL(res.headers.location, url).href);
          continue;
        }
        if (status === 304) {
          res.resume();
          return { status, url: url.href, headers: res.headers, body: Buffer.alloc(0) };
        }
        if (status < 200 || status > 299) {
          res.resume();
          throw new TradewireError('fetch/http', `${url.href} answered HTTP ${status}`, {
            retryable: status === 429 || status >= 500,
          });
        }
        const body = await readCapped(res, policy.maxBytes, url.href);
        return { status, url: url.href, headers: res.headers, body };
      }
    } catch (err) {
      if (err instanceof TradewireError) throw err;
      if (deadline.aborted) {
        throw new TradewireError('fetch/timeout', `${raw} took longer than ${policy.timeoutMs} ms`, {
          retryable: true,
        });
      }
      const cause = err as NodeJS.ErrnoException;
      throw new TradewireError('fetch/network', `${url.href}: ${cause.code ?? cause.message}`, {
        retryable: true,
        cause,
      });
    }
  }

  return {
    get,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
