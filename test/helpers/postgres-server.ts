import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../src/queue/private-redis.ts';

const run = promisify(execFile);

/**
 * Debian's PostgreSQL (apt-get install postgresql) keeps its binaries off PATH, in
 * /usr/lib/postgresql/<major>/bin: the newest major installed. TRADEWIRE_PG_BIN overrides.
 */
export const PG_BIN = process.env.TRADEWIRE_PG_BIN ?? debianPgBin();

function debianPgBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return join(root, majors[0] ?? '15', 'bin');
}

/** Why PostgreSQL tests cannot run here, or null when they can. */
export function postgresUnavailable(): string | null {
  if (!existsSync(join(PG_BIN, 'initdb')) || !existsSync(join(PG_BIN, 'pg_ctl'))) {
    return `PostgreSQL binaries not found in ${PG_BIN} (apt-get install postgresql, or set TRADEWIRE_PG_BIN)`;
  }
  return null;
}

/** A throwaway PostgreSQL cluster on a free loopback port, for tests and benchmarks. */
export interface TestPostgres {
  /** Base URL (database `postgres`); `databaseUrl(name)` for another database. */
  url: string;
  port: number;
  databaseUrl(name: string): string;
  stop(): Promise<void>;
}

/**
 * initdb + pg_ctl in a temp dir; as the `postgres` system user when running as root (initdb and
 * postgres refuse root), recipe from PLATFORMS.md. fsync off: the cluster is thrown away.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const why = postgresUnavailable();
  if (why) throw new Error(why);
  const dir = mkdtempSync(join(tmpdir(), 'tw-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  const sock = join(dir, 'sock');
  const asRoot = process.getuid?.() === 0;
  const as = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);
  if (asRoot) await run('install', ['-d', '-o', 'postgres', data, sock]);
  else await run('install', ['-d', data, sock]);
  const port = await freePort();
  await as(join(PG_BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'tw', '--no-sync', '-E', 'UTF8']);
  await as(join(PG_BIN, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    join(data, 'server.log'),
    '-o',
    `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    '-w',
    'start',
  ]);
  const databaseUrl = (name: string) => `postgres://tw@127.0.0.1:${port}/${name}`;
  return {
    url: databaseUrl('postgres'),
    port,
    databaseUrl,
    async stop() {
      await as(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** In a test file: a fresh database on the run's cluster (see test/setup/global-postgres.ts). */
let dbCounter = 0;
export async function createTestDatabase(baseUrl: string, label: string): Promise<string> {
  const name = `tw_${label}_${process.pid}_${++dbCounter}_${Date.now().toString(36)}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  const c = new pg.Client({ connectionString: baseUrl });
  await c.connect();
  try {
    // FILE_COPY (PostgreSQL 15+) is much faster than WAL_LOG for a tiny template.
    const v = Number((await c.query('SHOW server_version_num')).rows[0].server_version_num);
    await c.query(`CREATE DATABASE ${name}${v >= 150_000 ? ' STRATEGY = FILE_COPY' : ''}`);
  } finally {
    await c.end();
  }
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropTestDatabase(baseUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const c = new pg.Client({ connectionString: baseUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}
