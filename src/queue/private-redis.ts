import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TradewireError } from '../errors.ts';

/**
 * With no REDIS_URL, Tradewire runs its own redis-server inside the data directory (AOF on,
 * loopback only), shared by every tradewire process on that directory. Whichever process is the
 * last one connected stops it on exit — the one that started it or one that reused it — so two
 * overlapping CLI runs never leave a server behind. The check runs under the data dir's lock, so two
 * processes exiting at once cannot each leave it to the other.
 */

export interface PrivateRedis {
  url: string;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

interface RedisInfo {
  pid: number;
  port: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends one inline command and returns the first reply line ("+PONG", ":3"…), or null on failure. */
export async function redisCommand(port: number, command: string, timeoutMs = 1000): Promise<string | null> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    let buf = '';
    const done = (v: string | null) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(timeoutMs, () => done(null));
    sock.once('error', () => done(null));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.startsWith('$')) {
        const nl = buf.indexOf('\r\n');
        const len = Number(buf.slice(1, nl));
        if (buf.length >= nl + 2 + len) done(buf.slice(nl + 2, nl + 2 + len));
      } else if (buf.includes('\r\n')) done(buf.slice(0, buf.indexOf('\r\n')));
    });
    sock.once('connect', () => sock.write(`${command}\r\n`));
  });
}

/** A port the OS reports free on loopback (a race with other binders is retried by the caller). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function readInfo(file: string): RedisInfo | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as RedisInfo;
    return Number.isInteger(v.pid) && Number.isInteger(v.port) ? v : null;
  } catch {
    return null;
  }
}

async function reusable(file: string): Promise<RedisInfo | null> {
  const info = readInfo(file);
  if (!info || !alive(info.pid)) return null;
  return (await redisCommand(info.port, 'PING')) === '+PONG' ? info : null;
}

async function withLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      closeSync(openSync(lockFile, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock older than 30 s belongs to a process that died while starting Redis.
      if (Date.now() - (statSync(lockFile, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 30_000)
        rmSync(lockFile, { force: true });
      if (Date.now() > deadline)
        throw new TradewireError('redis/start-failed', `timed out waiting for ${lockFile}`);
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

async function spawnRedis(dataDir: string, port: number): Promise<ChildProcess> {
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
    '--pidfile', join(dataDir, 'redis.pid'), '--logfile', join(dir, 'redis.log'),
    '--protected-mode', 'yes', '--maxmemory-policy', 'noeviction',
  ]; // biome-ignore format: one flag per pair reads best
  // detached: Ctrl-C in a terminal must reach tradewire, not Redis, so shutdown stays orderly.
  const child = spawn('redis-server', args, { detached: true, stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new TradewireError('redis/missing-binary', 'redis-server was not found on PATH', {
              hint: 'install it with `sudo apt-get install redis-server`, or set REDIS_URL to a running Redis',
            })
          : new TradewireError('redis/start-failed', `could not start redis-server: ${err.message}`),
      ),
    );
  });
  child.unref();
  return child;
}

export async function startPrivateRedis(dataDir: string): Promise<PrivateRedis> {
  mkdirSync(dataDir, { recursive: true });
  const infoFile = join(dataDir, 'redis.json');
  const lockFile = join(dataDir, 'redis.lock');
  // Reuse and stop are decided under the same lock, and a process counts as connected from that
  // moment (its presence connection) until it stops: otherwise a process exiting between another's
  // "it is up" check and its first real connection would stop the server under it.
  const handle = async (info: RedisInfo, owned: boolean): Promise<PrivateRedis> => {
    const presence = await holdConnection(info.port);
    return {
      url: `redis://127.0.0.1:${info.port}`,
      owned,
      stop: () => withLock(lockFile, () => stopIfLast(dataDir, info).finally(() => presence.destroy())),
    };
  };
  return withLock(lockFile, async () => {
    const found = await reusable(infoFile);
    if (found) return handle(found, false);
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const child = await spawnRedis(dataDir, port);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && child.exitCode === null) {
        if ((await redisCommand(port, 'PING', 300)) === '+PONG') {
          const info = { pid: child.pid!, port };
          writeFileSync(infoFile, JSON.stringify(info));
          return handle(info, true);
        }
        await sleep(25);
      }
      if (child.exitCode === null) child.kill('SIGKILL');
      // Most likely the port was taken between our probe and Redis's bind: try another.
    }
    throw new TradewireError('redis/start-failed', 'redis-server did not come up', {
      hint: `see ${join(dataDir, 'redis', 'redis.log')}, or set REDIS_URL`,
    });
  });
}

/**
 * An idle connection that marks this process as a user of the server (it shows in INFO clients).
 * Unreferenced, so it never keeps the process alive; a server that goes away just closes it.
 */
function holdConnection(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.removeListener('error', reject);
      sock.on('error', () => sock.destroy());
      sock.unref();
      resolve(sock);
    });
    sock.once('error', (err) =>
      reject(
        new TradewireError('redis/start-failed', `could not connect to the private Redis: ${err.message}`),
      ),
    );
  });
}

async function stopIfLast(dataDir: string, info: RedisInfo): Promise<void> {
  if (!alive(info.pid)) return;
  // Our queue connections are closed by now (QUIT is answered); left are this INFO connection and our
  // presence connection. Anything more is another tradewire process: leave the server to it.
  const clients = await redisCommand(info.port, 'INFO clients');
  if (clients === null) return;
  const connected = Number(/connected_clients:(\d+)/.exec(clients ?? '')?.[1] ?? '0');
  if (connected > 2) return;
  try {
    process.kill(info.pid, 'SIGTERM'); // Redis flushes the AOF on SIGTERM.
  } catch {
    return;
  }
  const deadline = Date.now() + 10_000;
  while (alive(info.pid) && Date.now() < deadline) await sleep(20);
  const cur = readInfo(join(dataDir, 'redis.json'));
  if (cur?.pid === info.pid) rmSync(join(dataDir, 'redis.json'), { force: true });
  if (existsSync(join(dataDir, 'redis.pid')) && !alive(info.pid))
    rmSync(join(dataDir, 'redis.pid'), { force: true });
}
