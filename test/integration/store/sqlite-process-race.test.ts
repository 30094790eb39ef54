import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import type { IngestResult } from '../../../src/store/store.ts';
import { eventCopy } from '../../helpers/event-copies.ts';

const dir = mkdtempSync(join(tmpdir(), 'tw-store-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Child {
  proc: ChildProcessWithoutNullStreams;
  lines: string[];
  waitFor(pred: (line: string) => boolean): Promise<string>;
}

function start(args: string[]): Child {
  const proc = spawn(process.execPath, [
    '--import',
    'tsx',
    join(import.meta.dirname, 'ingest-process.ts'),
    ...args,
  ]);
  const lines: string[] = [];
  let buf = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  proc.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return {
    proc,
    lines,
    waitFor: (pred) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find(pred);
          if (hit !== undefined) resolve(hit);
          else if (proc.exitCode !== null) reject(new Error(`ingest process exited: ${stderr}`));
          else waiters.push(check);
        };
        proc.once('exit', check);
        check();
      }),
  };
}

describe('SQLite: processes racing copies of the same events', () => {
  it('three processes ingesting the same copies concurrently start one story per event', async () => {
    const EVENTS = 12;
    const COPIES = 5;
    // Events four days apart never share a grouping window: each must end as exactly one story.
    const inputs = Array.from({ length: EVENTS }, (_, e) =>
      Array.from({ length: COPIES }, (_, c) => eventCopy(e, c, 4)),
    ).flat();
    const inputsFile = join(dir, 'inputs.json');
    writeFileSync(inputsFile, JSON.stringify(inputs));
    const file = join(dir, 'race.sqlite');
    await new SqliteStore(file).close(); // create the schema before the race

    const children = ['forward', 'reverse', 'interleaved'].map((order) => start([file, inputsFile, order]));
    await Promise.all(children.map((c) => c.waitFor((l) => l === 'ready')));
    for (const c of children) c.proc.stdin.write('go\n');
    const outputs = await Promise.all(
      children.map(
        async (c) =>
          JSON.parse(await c.waitFor((l) => l.startsWith('{'))) as { results: IngestResult[]; stale: number },
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
    const store = new SqliteStore(file);
    try {
      expect(await store.storyCount()).toBe(EVENTS);
      expect(await store.articleCount()).toBe(EVENTS * COPIES);
      // Every article was stored once: one process reported it new or joined, the others duplicate.
      const stored = outputs.flatMap((o) => o.results).filter((r) => r.status !== 'duplicate');
      expect(stored).toHaveLength(EVENTS * COPIES);
      expect(stored.filter((r) => r.status === 'new')).toHaveLength(EVENTS);
    } finally {
      await store.close();
    }
    console.log(`stale writes refused (retried): ${outputs.map((o) => o.stale).join(', ')}`);
  }, 60_000);
});
