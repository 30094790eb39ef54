import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, runCli, tempDir } from '../../helpers/cli.ts';

/** Found when Tradewire was tried as a new user would: each with the behaviour it should have had. */

interface IngestJson {
  new: number;
  rejected: Array<{ input: string; reason: string }>;
}

const oneLine = (stderr: string) => stderr.trim().split('\n');

describe('usage errors: exit status 2, one line, nothing stored', { timeout: 120_000 }, () => {
  it('refuses bad schedule values instead of storing them', async () => {
    const dir = tempDir();
    const env = { TRADEWIRE_DATA_DIR: dir };
    const cases: Array<[string[], RegExp]> = [
      [['--max-stories', '-3'], /max stories must be at least 1/],
      [['--max-stories', 'abc'], /max stories must be a number/],
      [['--max-stories', '2.5'], /whole number/],
      [['--min-relevance', '2'], /between 0 and 1/],
      [['--min-relevance', 'abc'], /min relevance must be a number/],
      [['--weekdays', '0,9'], /weekdays are 1 \(Mon\) to 7 \(Sun\)/],
    ];
    for (const [flags, reason] of cases) {
      const r = await runCli(['schedule', 'set', 'console:desk', '08:00', ...flags], env);
      expect(r.code, `${flags.join(' ')}: ${r.stderr}`).toBe(2);
      expect(oneLine(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(reason);
    }
    const list = await runCli(['schedule', 'list', '--json'], env);
    expect(JSON.parse(list.stdout)).toEqual({ schedules: [] });
  });

  it('refuses an empty question, and a channel of a platform this deployment has not configured', async () => {
    const env = { TRADEWIRE_DATA_DIR: tempDir() };
    const empty = await runCli(['ask', '  '], env);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/question is empty/);
    for (const args of [
      ['watch', 'add', 'steel', '--channel', 'slack:C0123'],
      ['schedule', 'set', 'discord:42', '08:00'],
      ['ask', 'What about steel?', '--channel', 'slack:C0123'],
    ]) {
      const r = await runCli(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(oneLine(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(/is not configured in this deployment/);
    }
    expect(JSON.parse((await runCli(['watch', 'list', '--json'], env)).stdout)).toEqual({ watches: [] });
  });

  it('takes a watch query that starts with "-" as a query, not as an option', async () => {
    const env = { TRADEWIRE_DATA_DIR: tempDir() };
    const ok = await runCli(['watch', 'add', '-canada', 'steel', '--channel', 'console:desk', '--json'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ query: '-canada steel', channel: 'console:desk' });
    // A query of exclusions only is the query language's error, with its column — not "unknown option".
    const only = await runCli(['watch', 'add', '-canada', '--channel', 'console:desk'], env);
    expect(only.code).toBe(2);
    expect(only.stderr).toMatch(/at least one positive term/);
    expect(only.stderr).not.toMatch(/unknown option/);
  });

  it('an unknown command or a missing argument is a usage error too', async () => {
    expect((await runCli(['frobnicate'], {})).code).toBe(2);
    expect((await runCli(['watch', 'add'], {})).code).toBe(2);
  });
});

describe('records with no text', { timeout: 60_000 }, () => {
  it('are rejected with a reason; the rest is stored', async () => {
    const dir = tempDir();
    const file = join(dir, 'in.jsonl');
    writeFileSync(
      file,
      [
        '{"title":"x"}',
        '{"title":"x","body":""}',
        '{"title":"Chile and Korea sign a critical minerals deal","body":"Chile and South Korea signed an agreement on lithium supply on Monday, trade officials said."}',
      ].join('\n'),
    );
    const page = join(dir, 'empty.html');
    writeFileSync(page, '<html><head><title>Only a title</title></head><body>  </body></html>');
    const r = await runCli(['ingest', file, page, '--json'], { TRADEWIRE_DATA_DIR: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as IngestJson;
    expect(report.new).toBe(1);
    expect(report.rejected.map((x) => x.input)).toEqual([`${file}:1`, `${file}:2`, page]);
    for (const x of report.rejected) expect(x.reason).toMatch(/no article text/);
  });
});

// Two CLI processes, each with its own workers, plus a Redis start: 8.5 s alone, up to 20 s on a loaded
// machine. (A full run once hung here: the starter stopped Redis under a process that had just
// reused it; test/integration/queue/private-redis.test.ts pins the fix.)
describe('the private Redis', { timeout: 180_000 }, () => {
  it('is stopped by the last of two overlapping CLI processes, whichever started it', async () => {
    const dir = tempDir();
    const env = { TRADEWIRE_DATA_DIR: dir };
    const big = join(dir, 'big.jsonl');
    const line = (i: number) =>
      JSON.stringify({
        url: `https://example.com/overlap/${i}`,
        title: `Port authority ${i} reports container volumes`,
        body: `Container volumes at port ${i} rose ${i % 9} percent in the quarter, the authority said. Exporters cited demand for machinery and chemicals.`,
      });
    writeFileSync(big, Array.from({ length: 400 }, (_, i) => line(i)).join('\n'));
    const small = join(dir, 'small.jsonl');
    writeFileSync(small, line(10_000));
    // The first run starts Redis; the second reuses it and outlives the first.
    const first = runCli(['ingest', small], env);
    await new Promise((r) => setTimeout(r, 300));
    const second = runCli(['ingest', big], env);
    expect((await first).code).toBe(0);
    expect((await second).code).toBe(0);
    expect(existsSync(join(dir, 'redis.json'))).toBe(false);
    const pidFile = join(dir, 'redis.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(() => process.kill(pid, 0)).toThrow();
    }
  });
});

describe('tradewire run under a wrapper', () => {
  it('exits when its parent process goes away without passing a signal on', async () => {
    const dir = tempDir();
    // A shell that starts `tradewire run` and prints its pid, then is SIGKILLed (as npx can be).
    const wrapper = spawn(
      'bash',
      ['-c', `"${process.execPath}" ${CLI.map((a) => `"${a}"`).join(' ')} run --port 0 & echo $!; wait`],
      {
        cwd: REPO,
        env: { ...process.env, TRADEWIRE_DATA_DIR: dir, TRADEWIRE_LOG_LEVEL: 'info', REDIS_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    wrapper.stdout.on('data', (d) => {
      out += d;
    });
    wrapper.stderr.on('data', (d) => {
      err += d;
    });
    const deadline = Date.now() + 30_000;
    while (!err.includes('tradewire running') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(err).toContain('tradewire running');
    const pid = Number(out.trim().split('\n')[0]);
    wrapper.kill('SIGKILL');
    const gone = Date.now() + 20_000;
    let alive = true;
    while (alive && Date.now() < gone) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 200));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
    expect(existsSync(join(dir, 'redis.json'))).toBe(false);
  }, 60_000);
});
