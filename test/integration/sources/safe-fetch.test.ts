import type { LookupFunction } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TradewireError } from '../../../src/errors.ts';
import { isBlockedAddress } from '../../../src/sources/address-policy.ts';
import { createSafeFetcher, type FetchPolicy } from '../../../src/sources/safe-fetch.ts';
import { FakeFeedServer } from '../../fakes/feeds.ts';

const POLICY: FetchPolicy = {
  userAgent: 'Tradewire-test/1',
  timeoutMs: 2_000,
  maxBytes: 64 * 1024,
  maxRedirects: 3,
  allowPrivate: true,
};

/** A resolver that knows one public-looking name and points it at loopback, as a rebinding DNS would. */
const resolvedLookups: string[] = [];
const toLoopback: LookupFunction = (hostname, options, callback) => {
  resolvedLookups.push(hostname);
  const cb = callback as unknown as (
    e: NodeJS.ErrnoException | null,
    a: string | Array<{ address: string; family: number }>,
    f?: number,
  ) => void;
  if (hostname !== 'news.example')
    return cb(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), '');
  if (options.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb(null, '127.0.0.1', 4);
};

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TradewireError) return err.code;
    throw err;
  }
  throw new Error('expected a failure');
}

let fake: FakeFeedServer;
beforeAll(async () => {
  fake = await FakeFeedServer.start();
  fake.set('/ok', { body: 'hello', type: 'text/plain' });
  fake.set('/hop1', { location: '/hop2' });
  fake.set('/hop2', { location: '/ok' });
  fake.set('/loop', { location: '/loop' });
  fake.set('/slow', { body: 'x'.repeat(200), dripMs: 50 });
  fake.set('/huge', { hugeBytes: 10 * 1024 * 1024 });
  fake.set('/gone', { status: 410, body: 'gone' });
  fake.set('/etag', { body: 'v1', etag: '"v1"' });
});
afterAll(async () => {
  await fake.close();
});

describe('createSafeFetcher', () => {
  it('fetches with a clear User-Agent and follows a bounded number of redirects', async () => {
    const f = createSafeFetcher(POLICY);
    const res = await f.get(fake.url('/hop1'));
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello');
    expect(res.url).toBe(fake.url('/ok'));
    expect(fake.requests.at(-1)?.headers['user-agent']).toBe('Tradewire-test/1');
    expect(await codeOf(f.get(fake.url('/loop')))).toBe('fetch/redirects');
    f.close();
  });

  it('answers a conditional request with 304 and an empty body', async () => {
    const f = createSafeFetcher(POLICY);
    const res = await f.get(fake.url('/etag'), { headers: { 'if-none-match': '"v1"' } });
    expect(res.status).toBe(304);
    expect(res.body.length).toBe(0);
    f.close();
  });

  it('gives up on a slow server at the deadline and on a huge body at the size cap', async () => {
    const f = createSafeFetcher({ ...POLICY, timeoutMs: 300 });
    const started = Date.now();
    expect(await codeOf(f.get(fake.url('/slow')))).toBe('fetch/timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await codeOf(f.get(fake.url('/huge')))).toBe('fetch/too-large');
    f.close();
  });

  it('decompresses gzip and caps the decompressed size, not the wire size', async () => {
    fake.set('/gz', { body: gzipSync('compressed hello'), encoding: 'gzip' });
    fake.set('/bomb', { body: gzipSync(Buffer.alloc(1024 * 1024, 'a')), encoding: 'gzip' });
    const f = createSafeFetcher(POLICY);
    expect((await f.get(fake.url('/gz'))).body.toString()).toBe('compressed hello');
    expect(await codeOf(f.get(fake.url('/bomb')))).toBe('fetch/too-large');
    f.close();
  });

  it('refuses non-http(s) URLs and HTTP errors with codes', async () => {
    const f = createSafeFetcher(POLICY);
    expect(await codeOf(f.get('file:///etc/passwd'))).toBe('fetch/bad-url');
    expect(await codeOf(f.get('ftp://example.com/feed'))).toBe('fetch/bad-url');
    expect(await codeOf(f.get(fake.url('/gone')))).toBe('fetch/http');
    f.close();
  });

  describe('with private addresses not allowed', () => {
    const strict: FetchPolicy = { ...POLICY, allowPrivate: false };

    it('refuses loopback, private and metadata IP literals before connecting', async () => {
      const f = createSafeFetcher(strict);
      const before = fake.count();
      for (const url of [
        fake.url('/ok'),
        'http://[::1]:1/feed',
        'http://169.254.169.254/latest/meta-data/',
        'http://10.0.0.5/feed',
      ]) {
        expect(await codeOf(f.get(url))).toBe('fetch/blocked');
      }
      expect(fake.count()).toBe(before);
      f.close();
    });

    it('checks the resolved address: a name that resolves to loopback is refused', async () => {
      const f = createSafeFetcher({ ...strict, lookup: toLoopback });
      resolvedLookups.length = 0;
      const before = fake.count();
      expect(await codeOf(f.get(`http://news.example:${fake.port}/ok`))).toBe('fetch/blocked');
      expect(resolvedLookups).toContain('news.example');
      expect(fake.count()).toBe(before);
      f.close();
      // The same resolver with private addresses allowed really connects there: the lookup is the one used.
      const open = createSafeFetcher({ ...POLICY, lookup: toLoopback });
      expect((await open.get(`http://news.example:${fake.port}/ok`)).body.toString()).toBe('hello');
      open.close();
    });

    it('checks again after every redirect: a redirect to a private address is refused', async () => {
      // Let exactly the fake's address through, as if it were a public host; everything else keeps the rule.
      const onlyFake = (ip: string) => ip !== '127.0.0.1' && isBlockedAddress(ip);
      const internal: LookupFunction = (hostname, options, callback) => {
        const cb = callback as unknown as (e: null, a: unknown, f?: number) => void;
        const address = hostname === 'intranet.example' ? '10.0.0.7' : '127.0.0.1';
        if (options.all) cb(null, [{ address, family: 4 }]);
        else cb(null, address, 4);
      };
      fake.set('/to-loopback', { location: `http://127.0.0.2:${fake.port}/ok` });
      fake.set('/to-metadata', { location: 'http://169.254.169.254/latest/meta-data/' });
      fake.set('/to-intranet', { location: `http://intranet.example:${fake.port}/ok` });
      fake.set('/to-fine', { location: '/ok' });
      const f = createSafeFetcher({ ...strict, isBlocked: onlyFake, lookup: internal });
      expect((await f.get(fake.url('/to-fine'))).body.toString()).toBe('hello');
      for (const path of ['/to-loopback', '/to-metadata', '/to-intranet']) {
        const before = fake.count('/ok');
        expect(await codeOf(f.get(fake.url(path)))).toBe('fetch/blocked');
        expect(fake.count('/ok')).toBe(before);
      }
      f.close();
    });
  });
});
