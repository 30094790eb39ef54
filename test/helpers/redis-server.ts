import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/queue/private-redis.ts';

/** A real redis-server on a free loopback port, for tests and benchmarks. */
export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export { freePort } from '../../src/queue/private-redis.ts';

export async function startTestRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('Ready to accept connections')) resolve();
    };
    child.stdout?.on('data', onData);
    child.once('error', (e) =>
      reject(new Error(`redis-server could not start (apt install redis-server): ${e.message}`)),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out.slice(-300)}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A redis-server the drills can SIGKILL and start again on the same port and data (AOF on). */
export interface DrillRedis extends TestRedis {
  /** SIGKILL: no shutdown, no final fsync. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and directory (it replays its AOF). */
  restart(): Promise<void>;
}

function spawnRedis(port: number, dir: string, aof: boolean): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push('--appendonly', aof ? 'yes' : 'no', '--appendfsync', 'everysec');
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise<ChildProcess>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Ready to accept connections')) resolve(child);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out.slice(-300)}`)));
  });
}

export async function startDrillRedis(opts: { aof: boolean }): Promise<DrillRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-drill-redis-'));
  const port = await freePort();
  let child = await spawnRedis(port, dir, opts.aof);
  const exit = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await done;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => exit('SIGKILL'),
    async restart() {
      child = await spawnRedis(port, dir, opts.aof);
    },
    async stop() {
      await exit('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
