import { mkdirSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { BandIndex } from './band-index.ts';
import { migrate } from './migrations.ts';

/**
 * One SQLite connection per database file per process, shared by every SqliteStore opened on it.
 *
 * Writes use group commit: writes issued in the same event-loop turn share one transaction (each in
 * its own savepoint, so a failing write rolls back alone), and every caller's promise resolves only
 * after the COMMIT — nothing is acknowledged before it is durable. Sharing the connection matters: two
 * connections in one process would each hold the write lock across a turn and wait on each other
 * synchronously.
 */
export class SqliteConnection {
  readonly db: Database.Database;
  readonly bands: BandIndex;
  private readonly stmts = new Map<string, Database.Statement>();
  private batch: Array<{ ok: () => void; fail: (err: unknown) => void }> | null = null;
  private refs = 0;

  private static readonly open = new Map<string, SqliteConnection>();

  /**
   * The process's connection to `file`. With `shared: false`, a connection of its own that sees only
   * what is committed, as another process would (tests read through one to check durability; never
   * write through two connections in one process, see above).
   */
  static acquire(file: string, opts: { shared?: boolean } = {}): SqliteConnection {
    if (opts.shared === false) {
      const own = new SqliteConnection(file);
      own.refs = 1;
      return own;
    }
    let key = file;
    if (file !== ':memory:') {
      mkdirSync(dirname(resolve(file)), { recursive: true });
      key = resolve(file);
      try {
        key = realpathSync(file);
      } catch {}
    }
    let c = file === ':memory:' ? undefined : SqliteConnection.open.get(key);
    if (!c) {
      c = new SqliteConnection(file);
      if (file !== ':memory:') SqliteConnection.open.set(key, c);
      c.key = key;
    }
    c.refs++;
    return c;
  }

  private key = '';

  private constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('cache_size = -65536'); // 64 MiB: FTS segments and hot pages stay in memory
    this.db.pragma('temp_store = MEMORY');
    // Checkpoint every ~40 MB of WAL instead of ~4 MB: fewer fsyncs under bulk ingest.
    this.db.pragma('wal_autocheckpoint = 10000');
    migrate(this.db);
    this.bands = new BandIndex(this.db);
  }

  statement(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  write<T>(fn: () => T): Promise<T> {
    if (!this.batch) {
      this.db.exec('BEGIN IMMEDIATE');
      this.batch = [];
      setImmediate(() => this.commit());
    }
    this.statement('SAVEPOINT w').run();
    let value: T;
    try {
      value = fn();
      this.statement('RELEASE w').run();
    } catch (err) {
      this.statement('ROLLBACK TO w').run();
      this.statement('RELEASE w').run();
      return Promise.reject(err);
    }
    return new Promise<T>((resolvePromise, reject) => {
      this.batch!.push({ ok: () => resolvePromise(value), fail: reject });
    });
  }

  private commit(): void {
    const waiting = this.batch ?? [];
    this.batch = null;
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const w of waiting) w.fail(err);
      return;
    }
    for (const w of waiting) w.ok();
  }

  release(): void {
    if (--this.refs > 0) return;
    if (this.batch) this.commit();
    if (SqliteConnection.open.get(this.key) === this) SqliteConnection.open.delete(this.key);
    if (this.db.open) this.db.close();
  }
}
