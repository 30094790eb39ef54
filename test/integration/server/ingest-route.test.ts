import type { Server } from 'node:http';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleInput } from '../../../src/domain.ts';
import { articleId } from '../../../src/ingest/ingest-article.ts';
import { createLogger } from '../../../src/log.ts';
import { startHttpServer } from '../../../src/server/http.ts';
import { INGEST_PATH, ingestApiRoute } from '../../../src/server/ingest-route.ts';

const TOKEN = 'test-token-5f2b9c';
const MAX = 64 * 1024;
const submitted: Array<{ input: string; record: ArticleInput }> = [];
let server: Server;
let base: string;

const article = (n: number) => ({
  url: `https://wire.example/tariffs/${n}`,
  source: 'Wire Example',
  title: `Tariff notice ${n}`,
  published: '2026-11-24T10:00:00Z',
  body: `Customs authorities published tariff notice ${n}, raising duties on imported aluminium sheet from the first of next month.`,
});

async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${INGEST_PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const log = createLogger('silent');
  const route = ingestApiRoute({
    config: { ingestApiToken: TOKEN, ingestMaxBytes: MAX },
    log,
    submit: async (items) => {
      submitted.push(...items);
    },
  });
  const started = await startHttpServer(0, {
    log,
    health: async () => ({}),
    metrics: async () => '',
    routes: new Map([[INGEST_PATH, route]]),
  });
  server = started.server;
  base = `http://127.0.0.1:${started.port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('POST /v1/articles', () => {
  it('accepts a JSON array, a single object and JSON Lines with 202 and the article ids', async () => {
    submitted.length = 0;
    const array = await post(JSON.stringify([article(1), article(2)]));
    expect(array.status).toBe(202);
    expect(array.json).toMatchObject({ accepted: 2, rejected: 0, errors: [] });
    const ids = (array.json.articles as Array<{ id: string }>).map((a) => a.id);
    expect(ids).toEqual([articleId(submitted[0]!.record), articleId(submitted[1]!.record)]);

    expect((await post(JSON.stringify(article(3)))).json).toMatchObject({ accepted: 1 });
    const lines = [article(4), article(5)].map((a) => JSON.stringify(a)).join('\n');
    expect((await post(lines, { 'content-type': 'application/x-ndjson' })).json).toMatchObject({
      accepted: 2,
    });
    expect(submitted.map((s) => s.record.title)).toEqual([1, 2, 3, 4, 5].map((n) => `Tariff notice ${n}`));
    expect(submitted[0]!.record.published).toBe('2026-11-24T10:00:00.000Z');
  });

  it('refuses a request without the token or with a wrong one', async () => {
    const before = submitted.length;
    const none = await fetch(`${base}${INGEST_PATH}`, { method: 'POST', body: JSON.stringify(article(9)) });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await post(JSON.stringify(article(9)), { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(JSON.stringify(article(9)), { authorization: `Basic ${TOKEN}` })).status).toBe(401);
    expect((await post(JSON.stringify(article(9)), { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect(submitted.length).toBe(before);
  });

  it('answers 413 to an oversize body, declared or streamed, and the client reads it', async () => {
    const before = submitted.length;
    const big = JSON.stringify([{ ...article(7), body: 'x'.repeat(MAX * 3) }]);
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(declared.json.error).toBe('payload-too-large');
    // Chunked, no Content-Length: the cap applies while streaming.
    const streamed = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${base}${INGEST_PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'transfer-encoding': 'chunked' },
      });
      req.once('response', (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.once('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.once('error', reject);
      for (let i = 0; i < 8; i++) req.write(Buffer.alloc(MAX / 2, 'y'));
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.text).error).toBe('payload-too-large');
    expect(submitted.length).toBe(before);
  });

  it('answers 400 with field errors when no record is valid, storing nothing', async () => {
    const before = submitted.length;
    const bad = await post(
      JSON.stringify([
        { title: 'Dated badly', body: 'Text.', published: 'next Tuesday-ish' },
        { url: 'ftp://wire.example/x', body: 'Text.' },
        { title: 7, body: 'Text.' },
        { source: 'Nobody' },
      ]),
    );
    expect(bad.status).toBe(400);
    const errors = bad.json.errors as Array<{ index: number; field: string | null; code: string }>;
    expect(errors.map((e) => [e.index, e.field, e.code])).toEqual([
      [0, 'published', 'ingest/bad-date'],
      [1, 'url', 'ingest/bad-record'],
      [2, 'title', 'ingest/bad-record'],
      [3, 'body', 'ingest/no-text'],
    ]);
    const notJson = await post('{"title": "unterminated');
    expect(notJson.status).toBe(400);
    expect(notJson.json.code).toBe('ingest/bad-json');
    expect(submitted.length).toBe(before);
  });

  it('stores the valid records of a mixed batch and reports the others', async () => {
    submitted.length = 0;
    const lines = [
      JSON.stringify(article(11)),
      '{not json',
      JSON.stringify({ body: '' }),
      JSON.stringify(article(12)),
    ];
    const mixed = await post(lines.join('\n'), { 'content-type': 'application/jsonl' });
    expect(mixed.status).toBe(202);
    expect(mixed.json).toMatchObject({ accepted: 2, rejected: 2 });
    expect((mixed.json.articles as Array<{ index: number }>).map((a) => a.index)).toEqual([0, 3]);
    expect(
      (mixed.json.errors as Array<{ input: string; code: string }>).map((e) => [e.input, e.code]),
    ).toEqual([
      ['line 2', 'ingest/bad-json'],
      ['line 3', 'ingest/no-text'],
    ]);
    expect(submitted.map((s) => s.record.title)).toEqual(['Tariff notice 11', 'Tariff notice 12']);
  });

  it('is off when no token is configured', async () => {
    const route = ingestApiRoute({
      config: { ingestApiToken: undefined, ingestMaxBytes: MAX },
      log: createLogger('silent'),
      submit: async () => {
        throw new Error('must not be called');
      },
    });
    const started = await startHttpServer(0, {
      log: createLogger('silent'),
      health: async () => ({}),
      metrics: async () => '',
      routes: new Map([[INGEST_PATH, route]]),
    });
    const res = await fetch(`http://127.0.0.1:${started.port}${INGEST_PATH}`, {
      method: 'POST',
      headers: { authorization: 'Bearer anything' },
      body: JSON.stringify(article(1)),
    });
    expect(res.status).toBe(404);
    started.server.closeAllConnections();
    await new Promise((r) => started.server.close(r));
  });
});
