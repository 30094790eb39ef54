import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArticleInput } from '../../src/domain.ts';
import { ingestArticle } from '../../src/ingest/ingest-article.ts';
import { validateArticle } from '../../src/ingest/validate.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const fixtures = new URL('../fixtures/', import.meta.url);

/** The shared trade-week corpus plus the ask fixtures (synthetic trade news). */
export const ASK_CORPUS_FILES = ['corpus/trade-week.jsonl', 'ask/articles.jsonl'];

export function readArticles(file: string): ArticleInput[] {
  return readFileSync(new URL(file, fixtures), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ArticleInput);
}

export interface CorpusStore {
  store: SqliteStore;
  /** Story id of the (first) article whose URL contains `fragment`. */
  storyOf(fragment: string): string;
  /** Article id of the article whose URL contains `fragment`. */
  articleOf(fragment: string): string;
  close(): Promise<void>;
}

/** A real SQLite store in a temp dir with the given fixture files ingested through the ingest step. */
export async function openCorpusStore(files: string[] = ASK_CORPUS_FILES): Promise<CorpusStore> {
  const dir = mkdtempSync(join(tmpdir(), 'tradewire-ask-'));
  const store = new SqliteStore(join(dir, 'tradewire.sqlite'));
  const byUrl = new Map<string, { articleId: string; storyId: string }>();
  for (const file of files) {
    for (const raw of readArticles(file)) {
      const input = validateArticle(raw, file);
      const r = await ingestArticle(store, input, { now: new Date('2026-11-27T00:00:00Z') });
      byUrl.set(input.url ?? r.articleId, { articleId: r.articleId, storyId: r.storyId });
    }
  }
  const find = (fragment: string) => {
    for (const [url, ids] of byUrl) if (url.includes(fragment)) return ids;
    throw new Error(`no fixture article with a URL containing "${fragment}"`);
  };
  return {
    store,
    storyOf: (f) => find(f).storyId,
    articleOf: (f) => find(f).articleId,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
