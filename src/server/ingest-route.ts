import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.ts';
import type { ArticleInput } from '../domain.ts';
import { describeError, TradewireError } from '../errors.ts';
import { articleId } from '../ingest/ingest-article.ts';
import type { Logger } from '../log.ts';
import { readCappedBody, sendJson as send } from '../platform/http.ts';
import type { HttpRoute } from '../platform/port.ts';
import type { UseCaseDeps } from '../usecases/deps.ts';
import { submitArticles } from '../usecases/submit.ts';
import { parseBatch } from './ingest-records.ts';

/** The path `tradewire run` mounts the ingest API on. */
export const INGEST_PATH = '/v1/articles';

export interface IngestApiDeps {
  config: Pick<Config, 'ingestApiToken' | 'ingestMaxBytes'>;
  log: Logger;
  /** The submit-articles use case (enqueue only: the pipeline runs in the workers). */
  submit(items: Array<{ input: string; record: ArticleInput }>): Promise<unknown>;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Compares hashes, so neither the token's content nor its length leaks through timing. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token)) && given !== '';
}

/**
 * `POST /v1/articles`, `Authorization: Bearer $INGEST_API_TOKEN`: a JSON object, a JSON array or JSON
 * Lines. 202 with the id of every accepted record and the errors of the others; 400 when nothing in
 * the body is a valid record; 401 without the right token; 413 over TRADEWIRE_INGEST_MAX_BYTES.
 * A record is either accepted whole (and goes through the same submit path as files) or not at all.
 * With no token configured the endpoint answers 404: it is off.
 */
export function ingestApiRoute(deps: IngestApiDeps): HttpRoute {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const token = deps.config.ingestApiToken;
    if (!token) {
      req.resume();
      return send(res, 404, { error: 'not-found', message: 'the ingest API is off: set INGEST_API_TOKEN' });
    }
    if (req.method !== 'POST') {
      req.resume();
      return send(res, 405, { error: 'method-not-allowed' }, { allow: 'POST' });
    }
    if (!tokenMatches(req.headers.authorization, token)) {
      req.resume();
      return send(
        res,
        401,
        { error: 'unauthorized', message: 'send Authorization: Bearer <INGEST_API_TOKEN>' },
        { 'www-authenticate': 'Bearer realm="tradewire"' },
      );
    }
    const body = await readCappedBody(
      req,
      res,
      deps.config.ingestMaxBytes,
      'send smaller batches (TRADEWIRE_INGEST_MAX_BYTES)',
    );
    if (body === null) return;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return send(res, 400, { error: 'invalid', message: 'the body is not UTF-8 text', errors: [] });
    }
    let batch: ReturnType<typeof parseBatch>;
    try {
      batch = parseBatch(text, String(req.headers['content-type'] ?? ''));
    } catch (err) {
      const code = err instanceof TradewireError ? err.code : 'ingest/bad-json';
      return send(res, 400, { error: 'invalid', code, message: describeError(err), errors: [] });
    }
    if (batch.records.length === 0) {
      const message = batch.errors.length === 0 ? 'the body holds no records' : 'no valid records';
      return send(res, 400, { error: 'invalid', message, errors: batch.errors });
    }
    await deps.submit(batch.records.map(({ input, record }) => ({ input: `api:${input}`, record })));
    deps.log.info('ingest api', { accepted: batch.records.length, rejected: batch.errors.length });
    send(res, 202, {
      accepted: batch.records.length,
      rejected: batch.errors.length,
      articles: batch.records.map(({ index, record }) => ({ index, id: articleId(record) })),
      errors: batch.errors,
    });
  };
}

/** The route `tradewire run` mounts at INGEST_PATH: records go through submitArticles, enqueue only. */
export function ingestRoute(deps: UseCaseDeps): HttpRoute {
  return ingestApiRoute({
    config: deps.config,
    log: deps.log,
    submit: (items) => submitArticles(deps, items, { wait: false }),
  });
}
