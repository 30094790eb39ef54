import type Database from 'better-sqlite3';

/**
 * In-memory LSH band index over the articles table, for story grouping.
 *
 * Why not an SQL index: every article adds ~66 band keys with random values, so a B-tree index on them
 * dirties ~66 random pages per article and every commit rewrites megabytes of WAL — the cost grew
 * with the archive and capped ingest at a few hundred articles/s. Here the keys live in one BLOB
 * column of the article row (one sequential write), and each process keeps a hash map of the keys of
 * articles published within `retainDays` of the newest one. The map is caught up from the table
 * (rowid > last seen) before every lookup, so articles stored by other processes are always seen
 * (and, for a lookup inside the write transaction, every article stored before it). A lookup window older than the retained range falls back to scanning the
 * articles of that window (cost bounded by the window's volume, not the archive's).
 */
export class BandIndex {
  private readonly buckets = new Map<number, number[]>();
  private readonly publishedAt = new Map<number, number>();
  private lastRowid = 0;
  private newest = Number.NEGATIVE_INFINITY;
  private floor = Number.NEGATIVE_INFINITY;
  private loaded = false;
  private newer: Database.Statement | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly retainDays = 60,
  ) {}

  static encode(keys: readonly string[]): Buffer {
    const a = new Int32Array(keys.length);
    keys.forEach((k, i) => {
      a[i] = toKey(k);
    });
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  }

  /** The highest article rowid the index has caught up to (rowids only grow: articles are never deleted). */
  get seen(): number {
    return this.lastRowid;
  }

  /** Rowids of articles sharing a key with `keys`, published within [from, to]. */
  lookup(keys: readonly string[], from: string, to: string, perBucket = 64): number[] {
    this.catchUp();
    const lo = Date.parse(from);
    const hi = Date.parse(to);
    const ints = keys.map(toKey);
    if (lo < this.floor) return this.scan(ints, from, to);
    const out = new Set<number>();
    for (const k of ints) {
      const bucket = this.buckets.get(k);
      if (!bucket) continue;
      let taken = 0;
      for (let i = bucket.length - 1; i >= 0 && taken < perBucket; i--) {
        const rowid = bucket[i]!;
        const t = this.publishedAt.get(rowid) ?? Number.NaN;
        if (t >= lo && t <= hi) {
          out.add(rowid);
          taken++;
        }
      }
    }
    return [...out];
  }

  /** Records an article this process just inserted (saves re-reading it). */
  added(rowid: number, keys: Buffer, published: string): void {
    this.catchUp();
    if (rowid === this.lastRowid + 1) {
      this.insert(rowid, keys, Date.parse(published));
      this.lastRowid = rowid;
    }
  }

  private catchUp(): void {
    if (!this.loaded) {
      this.loaded = true;
      const newest = this.db.prepare('SELECT max(published) AS p FROM articles').get() as {
        p: string | null;
      };
      if (newest.p) this.setFloor(Date.parse(newest.p));
      const floorIso = Number.isFinite(this.floor) ? new Date(this.floor).toISOString() : '';
      // The bound first: this may run outside a transaction, and rows other processes store meanwhile
      // (above it) are then caught up by the next lookup instead of being skipped.
      const max = this.db.prepare('SELECT coalesce(max(rowid), 0) AS r FROM articles').get() as { r: number };
      const rows = this.db
        .prepare(
          `SELECT rowid AS r, band_keys AS k, published AS p FROM articles WHERE published >= ? AND rowid <= ?
           ORDER BY rowid`,
        )
        .iterate(floorIso, max.r) as IterableIterator<{ r: number; k: Buffer; p: string }>;
      for (const row of rows) this.insert(row.r, row.k, Date.parse(row.p));
      this.lastRowid = max.r;
      return;
    }
    this.newer ??= this.db.prepare(
      'SELECT rowid AS r, band_keys AS k, published AS p FROM articles WHERE rowid > ? ORDER BY rowid',
    );
    const rows = this.newer.all(this.lastRowid) as Array<{ r: number; k: Buffer; p: string }>;
    for (const row of rows) {
      this.insert(row.r, row.k, Date.parse(row.p));
      this.lastRowid = row.r;
    }
  }

  private insert(rowid: number, keys: Buffer, published: number): void {
    if (published > this.newest) this.setFloor(published);
    if (published < this.floor) return;
    this.publishedAt.set(rowid, published);
    const ints = new Int32Array(keys.buffer, keys.byteOffset, keys.byteLength / 4);
    for (const k of ints) {
      const b = this.buckets.get(k);
      if (b) b.push(rowid);
      else this.buckets.set(k, [rowid]);
    }
  }

  private setFloor(newest: number): void {
    this.newest = newest;
    const floor = newest - this.retainDays * 86_400_000;
    // Evict in steps of a week so eviction work is amortised.
    if (floor - this.floor < 7 * 86_400_000) return;
    this.floor = floor;
    if (this.publishedAt.size === 0) return;
    for (const [rowid, t] of this.publishedAt) if (t < floor) this.publishedAt.delete(rowid);
    for (const [k, b] of this.buckets) {
      const kept = b.filter((r) => this.publishedAt.has(r));
      if (kept.length === 0) this.buckets.delete(k);
      else if (kept.length !== b.length) this.buckets.set(k, kept);
    }
  }

  private scan(keys: number[], from: string, to: string): number[] {
    const want = new Set(keys);
    const out: number[] = [];
    const rows = this.db
      .prepare('SELECT rowid AS r, band_keys AS k FROM articles WHERE published >= ? AND published <= ?')
      .iterate(from, to) as IterableIterator<{ r: number; k: Buffer }>;
    for (const row of rows) {
      const ints = new Int32Array(row.k.buffer, row.k.byteOffset, row.k.byteLength / 4);
      if (ints.some((k) => want.has(k))) out.push(row.r);
    }
    return out;
  }
}

/** LSH keys are decimal numbers below 2^30; anything else is hashed to 32 bits (FNV-1a). */
function toKey(k: string): number {
  if (/^\d{1,9}$/.test(k)) return Number(k) | 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k.charCodeAt(i), 0x01000193);
  return h | 0;
}
