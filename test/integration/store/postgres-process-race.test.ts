import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.ts';
import type { IngestResult } from '../../../src/store/store.ts';
import { spawnLines } from '../../helpers/child-lines.ts';
import { eventCopy } from '../../helpers/event-copies.ts';
import { createTestDatabase, dropTestDatabase } from '../../helpers/postgres-server.ts';

const base = inject('postgresUrl');
const skip = inject('postgresSkip');

describe.skipIf(!base)(
  `PostgreSQL: processes racing copies of the same events${base ? '' : ` (skipped: ${skip})`}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-pg-race-'));
    let url = '';
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      if (url) await dropTestDatabase(base, url);
    });

    it('three processes ingesting the same copies concurrently start one story per event', async () => {
      const EVENTS = 12;
      const COPIES = 5;
      // Events four days apart never share a grouping window: each must end as exactly one story.
      const inputs = Array.from({ length: EVENTS }, (_, e) =>
        Array.from({ length: COPIES }, (_, c) => eventCopy(e, c, 4)),
      ).flat();
      const inputsFile = join(dir, 'inputs.json');
      writeFileSync(inputsFile, JSON.stringify(inputs));
      url = await createTestDatabase(base, 'race');
      // No schema yet: the three processes also race the migrations.
      const script = join(import.meta.dirname, 'ingest-process.ts');
      const children = ['forward', 'reverse', 'interleaved'].map((order) =>
        spawnLines(process.execPath, ['--import', 'tsx', script, url, inputsFile, order]),
      );
      await Promise.all(children.map((c) => c.waitFor((l) => l === 'ready')));
      for (const c of children) c.proc.stdin.write('go\n');
      const outputs = await Promise.all(
        children.map(
          async (c) =>
            JSON.parse(await c.waitFor((l) => l.startsWith('{'))) as {
              results: IngestResult[];
              stale: number;
            },
        ),
      );

      const storiesOf = new Map<number, Set<string>>();
      for (const { results } of outputs) {
        results.forEach((r, i) => {
          const event = Math.floor(i / COPIES);
          const set = storiesOf.get(event) ?? new Set<string>();
          set.add(r.storyId);
          storiesOf.set(event, set);
        });
      }
      expect([...storiesOf.values()].map((s) => s.size)).toEqual(Array(EVENTS).fill(1));
      const store = new PostgresStore(url);
      try {
        expect(await store.storyCount()).toBe(EVENTS);
        expect(await store.articleCount()).toBe(EVENTS * COPIES);
        const stored = outputs.flatMap((o) => o.results).filter((r) => r.status !== 'duplicate');
        expect(stored).toHaveLength(EVENTS * COPIES);
        expect(stored.filter((r) => r.status === 'new')).toHaveLength(EVENTS);
        // Story sequence numbers are dense: a digest cursor never skips a story committed late.
        expect(await store.maxStorySeq()).toBe(EVENTS);
      } finally {
        await store.close();
      }
      console.log(`stale writes refused (retried): ${outputs.map((o) => o.stale).join(', ')}`);
    }, 60_000);
  },
);
