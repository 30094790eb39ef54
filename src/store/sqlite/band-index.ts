import type Database from 'better-sqlite3';

/**
 * In-memory LSH band index over the articles table, for story grouping.
 *
 * Why not an SQL index: every article adds ~66 band keys with random values, so a B-tree index on them
 * dirties ~66 random pages per article and every commit rewrites megabytes of WAL — the cost grew
 * with the archive and capped ingest at a few hundred articles/s. Here the keys live in one BLOB
 * column of the article row (one sequential write), and each process keeps hash maps of the keys.
 *
 * The maps are split into one segment per UTC day of publication, loaded on demand: a lookup loads
 * the days of its window it lacks (one range read on `articles_published`), so a backfill months
 * behind the newest article costs the same as a first import — it reads only its own window, once per
 * day, never the archive. Segments are evicted least recently used once more than `maxArticles` are
 * held, so memory stays bounded however large the archive (an evicted day is read again when needed).
 *
 * Every lookup first catches up from the table (rowid > last seen) into the loaded segments, so
 * articles stored by other processes are always seen (and, for a lookup inside the write
 * transaction, every article stored before it); a segment loaded later reads them from the table.
 */
export class BandIndex {
  private readonly segments = new Map<number, Segment>();
  private held = 0;
  private lastRowid = 0;
  private tick = 0;
  private started = false;
  private newer: Database.Statement | null = null;
  private range: Database.Statement | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly maxArticles = DEFAULT_MAX_ARTICLES,
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

  /** Articles currently held in memory (bounded by `maxArticles`, except for one lookup's window). */
  get size(): number {
    return this.held;
  }

  /** Rowids of articles sharing a key with `keys`, published within [from, to] (the newest `perBucket` per key). */
  lookup(keys: readonly string[], from: string, to: string, perBucket = 64): number[] {
    this.catchUp();
    const lo = Date.parse(from);
    const hi = Date.parse(to);
    if (!(lo <= hi)) return [];
    const first = dayOf(lo);
    const last = dayOf(hi);
    this.load(first, last);
    const ints = keys.map(toKey);
    const out = new Set<number>();
    const taken = new Map<number, number>();
    const now = ++this.tick;
    for (let day = last; day >= first; day--) {
      const seg = this.segments.get(day);
      if (!seg) continue;
      seg.used = now;
      for (const k of ints) {
        const held = seg.buckets.get(k);
        if (held === undefined) continue;
        let n = taken.get(k) ?? 0;
        if (n >= perBucket) continue;
        const bucket = typeof held === 'number' ? [held] : held;
        for (let i = bucket.length - 1; i >= 0 && n < perBucket; i--) {
          const rowid = bucket[i]!;
          const t = seg.published.get(rowid) ?? Number.NaN;
          if (t >= lo && t <= hi) {
            out.add(rowid);
            n++;
          }
        }
        taken.set(k, n);
      }
    }
    this.evict(first, last);
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
    if (!this.started) {
      // Nothing is loaded yet: every segment will be read from the table when first needed.
      this.started = true;
      const max = this.db.prepare('SELECT coalesce(max(rowid), 0) AS r FROM articles').get() as { r: number };
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

  /** Reads the days in [first, last] not held yet, each with every article up to `lastRowid`. */
  private load(first: number, last: number): void {
    const missing: number[] = [];
    for (let day = first; day <= last; day++) if (!this.segments.has(day)) missing.push(day);
    if (missing.length === 0) return;
    for (const day of missing) this.segments.set(day, newSegment());
    // A day's margin either side: the column holds whatever ISO form was stored; each row is filed
    // by its parsed date, and only into the days being loaded now.
    const lo = new Date((missing[0]! - 1) * DAY_MS).toISOString();
    const hi = new Date((missing[missing.length - 1]! + 2) * DAY_MS).toISOString();
    this.range ??= this.db.prepare(
      `SELECT rowid AS r, band_keys AS k, published AS p FROM articles
       WHERE published >= ? AND published < ? AND rowid <= ?`,
    );
    const fresh = new Set(missing);
    const rows = this.range.iterate(lo, hi, this.lastRowid) as IterableIterator<{
      r: number;
      k: Buffer;
      p: string;
    }>;
    for (const row of rows) {
      const t = Date.parse(row.p);
      const day = dayOf(t);
      if (fresh.has(day)) this.file(this.segments.get(day)!, row.r, row.k, t);
    }
  }

  /** Files a new article into its day, when that day is held (else it is read with the day). */
  private insert(rowid: number, keys: Buffer, published: number): void {
    const seg = this.segments.get(dayOf(published));
    if (seg) this.file(seg, rowid, keys, published);
  }

  private file(seg: Segment, rowid: number, keys: Buffer, published: number): void {
    seg.published.set(rowid, published);
    this.held++;
    const ints = new Int32Array(keys.buffer, keys.byteOffset, keys.byteLength / 4);
    for (const k of ints) {
      const held = seg.buckets.get(k);
      if (held === undefined) seg.buckets.set(k, rowid);
      else if (typeof held === 'number') seg.buckets.set(k, [held, rowid]);
      else held.push(rowid);
    }
  }

  /** Drops least recently used days (never the window just looked up) while over `maxArticles`. */
  private evict(keepFirst: number, keepLast: number): void {
    if (this.held <= this.maxArticles) return;
    const byUse = [...this.segments].sort((a, b) => a[1].used - b[1].used);
    for (const [day, seg] of byUse) {
      if (this.held <= this.maxArticles * 0.75) break;
      if (day >= keepFirst && day <= keepLast) continue;
      this.segments.delete(day);
      this.held -= seg.published.size;
    }
  }
}

/** Articles whose keys one process holds in memory (~2.5 KB each): about 50 MB. */
export const DEFAULT_MAX_ARTICLES = 20_000;

const DAY_MS = 86_400_000;
const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

interface Segment {
  /** Key → rowid (most keys are held by one article), or rowids in insertion order. */
  buckets: Map<number, number | number[]>;
  published: Map<number, number>;
  used: number;
}

const newSegment = (): Segment => ({ buckets: new Map(), published: new Map(), used: 0 });

/** LSH keys are decimal numbers below 2^30; anything else is hashed to 32 bits (FNV-1a). */
function toKey(k: string): number {
  if (/^\d{1,9}$/.test(k)) return Number(k) | 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k.charCodeAt(i), 0x01000193);
  return h | 0;
}
