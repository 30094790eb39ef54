import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, runCli, tempDir } from '../../helpers/cli.ts';
import { freePort } from '../../helpers/redis-server.ts';

describe('tradewire run', () => {
  it('serves /healthz and /metrics on its private Redis, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const port = await freePort();
    const env: Record<string, string | undefined> = {
      ...process.env,
      TRADEWIRE_DATA_DIR: dir,
      PORT: String(port),
      TRADEWIRE_LOG_LEVEL: 'info',
    };
    delete env.REDIS_URL;
    delete env.OPENAI_BASE_URL;
    delete env.OPENAI_API_KEY;
    const child = spawn(process.execPath, [...CLI, 'run'], {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 20_000;
    while (!stderr.includes('tradewire running') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toContain('tradewire running');

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      ok: true,
      checks: { redis: true, store: true },
      unfinished: { unsummarised: 0, unalerted: 0, unsettled: 0 },
      queues: { ingest: { waiting: 0, active: 0, delayed: 0, failed: 0, lastError: null } },
    });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/tradewire_queue_jobs\{queue="summarise",state="waiting"\} 0/);
    expect(metrics).toMatch(/tradewire_stories 0/);
    expect(existsSync(join(dir, 'redis.json'))).toBe(true);

    child.kill('SIGTERM');
    // A deliberate stop is a clean exit: in-flight jobs finished, connections closed.
    expect(await exited).toBe(0);
    // The process that started the private Redis stopped it.
    expect(existsSync(join(dir, 'redis.json'))).toBe(false);
  });
});

describe('errors a new user meets', () => {
  it('a missing redis-server is one clear line naming the apt package', async () => {
    // A PATH with node but without redis-server.
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = await runCli(['ingest', join(REPO, 'samples/trade-week.jsonl')], {
      TRADEWIRE_DATA_DIR: tempDir(),
      PATH: bin,
    });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/redis-server was not found.*apt-get install redis-server/);
  });

  it('an invalid setting stops the CLI with one line per value', async () => {
    const r = await runCli(['digest', '--json'], { TRADEWIRE_DATA_DIR: tempDir(), PORT: 'eighty' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tradewire: invalid configuration:\n {2}PORT: .+\n/);
  });

  it('a bad --since is a usage error (exit 2), not a stack trace', async () => {
    const r = await runCli(['digest', '--since', 'last tuesday'], { TRADEWIRE_DATA_DIR: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--since "last tuesday" is not a date');
  });
});
