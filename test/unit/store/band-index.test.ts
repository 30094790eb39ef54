import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BandIndex } from '../../../src/store/sqlite/band-index.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T12:00:00Z');
const at = (days: number) => new Date(T0 + days * DAY).toISOString();

/** A bare articles table with what the index reads (the real schema has more columns). */
function table() {
  const db = new Database(':memory:');
  db.exec(
    'CREATE TABLE articles (id TEXT, published TEXT, band_keys BLOB); CREATE INDEX p ON articles(published)',
  );
  const put = (published: string, keys: string[]) =>
    Number(
      db.prepare('INSERT INTO articles VALUES (?, ?, ?)').run('x', published, BandIndex.encode(keys))
        .lastInsertRowid,
    );
  return { db, put };
}

describe('BandIndex', () => {
  it('finds articles of an old window without holding the archive, and stays under its cap', () => {
    const { db, put } = table();
    const rowids: number[] = [];
    for (let d = 0; d < 100; d++)
      for (let i = 0; i < 10; i++) rowids.push(put(at(d), [`day-${d}`, 'common']));
    const index = new BandIndex(db, 100);
    // Newest first, then a backfill far behind it.
    expect(index.lookup(['day-99'], at(98), at(100)).sort((a, b) => a - b)).toEqual(rowids.slice(990));
    expect(index.lookup(['day-5'], at(4), at(6)).sort((a, b) => a - b)).toEqual(rowids.slice(50, 60));
    for (let d = 0; d < 100; d += 3) index.lookup(['common'], at(d - 1), at(d + 1));
    expect(index.size).toBeLessThanOrEqual(100);
    // Evicted days are read again when needed: nothing is lost.
    expect(index.lookup(['day-0'], at(0), at(0.5))).toHaveLength(10);
  });

  it('sees articles other connections stored, in held and in unheld days, and caps each key', () => {
    const { db, put } = table();
    const index = new BandIndex(db);
    expect(index.lookup(['k'], at(-1), at(1))).toEqual([]);
    const a = put(at(0), ['k']);
    const b = put(at(-50), ['k']);
    expect(index.lookup(['k'], at(-1), at(1))).toEqual([a]);
    expect(index.lookup(['k'], at(-51), at(-49))).toEqual([b]);
    expect(index.seen).toBe(b);
    for (let i = 0; i < 80; i++) put(at(0), ['k']);
    expect(index.lookup(['k'], at(-1), at(1))).toHaveLength(64);
  });
});
