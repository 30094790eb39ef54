import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FakeSlack } from '../../fakes/slack.ts';
import { BIN, REPO, runCli, tempDir } from '../../helpers/cli.ts';
import { freePort } from '../../helpers/redis-server.ts';
import { commandRequest, postSigned, SIGNING_SECRET } from '../../helpers/slack-requests.ts';

/** `tradewire run` as a user starts it, with Slack's Web API aimed at the fake. */
describe('tradewire run with Slack credentials (subprocess)', () => {
  let fake: FakeSlack;
  let child: ChildProcess;
  let stderr = '';
  let url = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    fake = await new FakeSlack().start();
    const dir = tempDir();
    const port = await freePort();
    const env = {
      TRADEWIRE_DATA_DIR: dir,
      REDIS_URL: inject('redisUrl'),
      TRADEWIRE_QUEUE_PREFIX: `twp-${port}`,
      SLACK_BOT_TOKEN: 'xoxb-process',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      SLACK_MAX_RETRIES: '0',
    };
    const ingest = await runCli(['ingest', join(REPO, 'samples/trade-week.jsonl')], env);
    expect(ingest.code).toBe(0);
    const base = { ...process.env };
    for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL']) delete base[k];
    child = spawn(process.execPath, [BIN, 'run'], {
      cwd: REPO,
      env: { ...base, ...env, PORT: String(port), TRADEWIRE_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    exited = new Promise((resolve) => child.once('exit', resolve));
    url = `http://127.0.0.1:${port}/slack/events`;
    const deadline = Date.now() + 25_000;
    while (!stderr.includes('tradewire running') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toContain('tradewire running');
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await fake?.stop();
  });

  it('refuses a forged command, posts the digest for a signed one, and stops cleanly', async () => {
    const responseUrl = fake.responseUrl();
    const req = commandRequest({ text: 'digest now', channel: 'CPROC', responseUrl });
    expect((await postSigned(url, req, { secret: 'forged' })).status).toBe(401);
    expect(fake.responses).toHaveLength(0);

    const res = await postSigned(url, req);
    expect(res.status).toBe(200);
    const digest = await fake.waitFor(() => fake.posted('CPROC')[0], 20_000);
    expect(digest.blocks[0]).toMatchObject({ type: 'header' });
    expect(JSON.stringify(digest.blocks)).toContain('<https://wire.example.com/');
    expect(fake.responses.map((r) => String(r.body.text))).toEqual([
      expect.stringContaining('Building the digest'),
    ]);
    expect(fake.calls.filter((c) => c.method === 'auth.test').every((c) => c.token === 'xoxb-process')).toBe(
      true,
    );

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
