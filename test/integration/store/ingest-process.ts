/**
 * One of several processes racing to ingest the same articles into one store (a SQLite file, or a
 * PostgreSQL database when the first argument is a postgres:// URL):
 *   node --import tsx ingest-process.ts <dbFile|url> <inputs.json> <order: forward|reverse|interleaved>
 * Prints "ready", waits for a line on stdin, ingests (a few articles at a time), then prints one JSON
 * line: `{ results: IngestResult[] (in input order), stale: n }` (`stale`: writes the store refused).
 */
import { readFileSync } from 'node:fs';
import type { ArticleInput } from '../../../src/domain.ts';
import { ingestArticle } from '../../../src/ingest/ingest-article.ts';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import type { IngestResult, Store } from '../../../src/store/store.ts';

const [file, inputsFile, order] = process.argv.slice(2);
if (!file || !inputsFile) throw new Error('usage: ingest-process.ts <dbFile> <inputs.json> <order>');
const inputs = JSON.parse(readFileSync(inputsFile, 'utf8')) as ArticleInput[];
const sqlite: Store = file.startsWith('postgres://') ? new PostgresStore(file) : new SqliteStore(file);
let stale = 0;
const store: Store = Object.assign(Object.create(sqlite) as Store, {
  addArticle: async (...args: Parameters<Store['addArticle']>) => {
    const r = await sqlite.addArticle(...args);
    if (r.status === 'stale') stale++;
    return r;
  },
});

const indexes = inputs.map((_, i) => i);
if (order === 'reverse') indexes.reverse();
if (order === 'interleaved') indexes.sort((a, b) => (a % 2) - (b % 2) || a - b);

process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
const results: IngestResult[] = new Array(inputs.length);
for (let i = 0; i < indexes.length; i += 3) {
  await Promise.all(
    indexes.slice(i, i + 3).map(async (k) => {
      results[k] = await ingestArticle(store, inputs[k]!, { now: new Date('2026-12-31T00:00:00Z') });
    }),
  );
}
await sqlite.close();
process.stdout.write(`${JSON.stringify({ results, stale })}\n`);
process.stdin.destroy();
