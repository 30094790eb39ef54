import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { FakeSlack } from '../fakes/slack.ts';
import { BIN, REPO, runCli, tempDir } from '../helpers/cli.ts';
import { freePort } from '../helpers/redis-server.ts';
import { SIGNING_SECRET } from '../helpers/slack-requests.ts';

/**
 * Drill: Slack answers 429 with Retry-After to one channel. `tradewire run` (a real process, the real
 * Web API client aimed at the fake) delays that channel's deliveries for the Retry-After and posts each
 * once; the other channel's deliveries are not held up. The control is the other channel: the same
 * alerts, posted at once.
 */

const RETRY_AFTER_S = 3;
const GOODS = ['steel', 'soybeans', 'semiconductors', 'aluminium', 'rice', 'lumber'];
const PLACES = ['Canada', 'Brazil', 'Japan', 'Kenya', 'Chile', 'Norway'];

function input(dir: string): string {
  const file = join(dir, 'in.jsonl');
  const lines = GOODS.map((good, i) =>
    JSON.stringify({
      url: `https://rl.example.com/${i}`,
      source: 'RL Wire',
      title: `${PLACES[i]} sets ${good} tariffs`,
      published: `2026-11-${10 + i}T08:00:00Z`,
      body: `${PLACES[i]} announced tariffs of ${10 + i} percent on imported ${good} on Tuesday. Officials in ${PLACES[i]} said the ${good} tariffs answer a surge of shipments. Exporters of ${good} asked for talks.`,
    }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('drill: a platform 429 on one channel delays that channel only', () => {
  let fake: FakeSlack;
  let child: ChildProcess | null = null;
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await fake?.stop();
  });

  it('the limited channel waits for Retry-After and gets every alert once; the other is not held up', async () => {
    fake = await new FakeSlack().start();
    const dir = tempDir('tw-drill-429-');
    const port = await freePort();
    const env = {
      TRADEWIRE_DATA_DIR: dir,
      REDIS_URL: inject('redisUrl'),
      TRADEWIRE_QUEUE_PREFIX: `tw429-${port}`,
      SLACK_BOT_TOKEN: 'xoxb-drill',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      SLACK_MAX_RETRIES: '0',
      SLACK_CHANNEL_INTERVAL_MS: '100',
    };
    for (const ch of ['slack:CSLOW', 'slack:CFAST']) {
      const w = await runCli(['watch', 'add', 'tariffs', '--channel', ch], env);
      expect(w.code, w.stderr).toBe(0);
    }
    fake.rateLimit('chat.postMessage', RETRY_AFTER_S, { channel: 'CSLOW', times: 1 });
    const base: NodeJS.ProcessEnv = {
      ...process.env,
      ...env,
      PORT: String(port),
      TRADEWIRE_LOG_LEVEL: 'warn',
    };
    for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL']) delete base[k];
    child = spawn(process.execPath, [BIN, 'run'], { cwd: REPO, env: base, stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child!.once('exit', r));
    const queued = await runCli(['ingest', input(dir), '--no-wait'], env);
    expect(queued.code, queued.stderr).toBe(0);

    const n = GOODS.length;
    await fake.waitFor(() => (fake.posted('CSLOW').length >= n ? true : undefined), 40_000);
    await sleep(1_500); // a second post of anything would show up here
    const posts = (ch: string) =>
      fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === ch);
    const limited = posts('CSLOW').find((c) => c.status === 429)!;
    expect(limited).toBeDefined();
    const until = limited.at + RETRY_AFTER_S * 1000;
    const slowOk = posts('CSLOW').filter((c) => c.status === 200);
    const fastOk = posts('CFAST').filter((c) => c.status === 200);
    const fastLast = Math.max(...fastOk.map((c) => c.at));
    console.log(
      `429 drill: CSLOW limited at +0 ms for ${RETRY_AFTER_S} s, its ${slowOk.length} posts from +${Math.min(...slowOk.map((c) => c.at)) - limited.at} ms; CFAST's ${fastOk.length} posts done by +${fastLast - limited.at} ms`,
    );
    // Every alert once on each channel.
    expect(fake.posted('CSLOW')).toHaveLength(n);
    expect(fake.posted('CFAST')).toHaveLength(n);
    // The limited channel honoured Retry-After (a little early is allowed for clock jitter) ...
    expect(Math.min(...slowOk.map((c) => c.at))).toBeGreaterThanOrEqual(until - 100);
    // ... and the other channel was not held up by it.
    expect(fastLast).toBeLessThan(until);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);
});
