import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redisCommand, startPrivateRedis } from '../../../src/queue/private-redis.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the private Redis shared by processes on one data dir', () => {
  it('is not stopped under a process that has reused it but not yet connected its queues', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-private-redis-'));
    dirs.push(dir);
    const a = await startPrivateRedis(dir);
    const b = await startPrivateRedis(dir);
    expect(a.owned).toBe(true);
    expect(b.owned).toBe(false);
    expect(b.url).toBe(a.url);
    const { pid, port } = JSON.parse(readFileSync(join(dir, 'redis.json'), 'utf8')) as {
      pid: number;
      port: number;
    };
    // The starter exits first, while the reuser holds no queue connection yet: the server stays up.
    await a.stop();
    expect(await redisCommand(port, 'PING')).toBe('+PONG');
    // The last one out stops it, though it did not start it.
    await b.stop();
    expect(alive(pid)).toBe(false);
  });
});
