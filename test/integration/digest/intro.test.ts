import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type App, openApp } from '../../../src/cli/app.ts';
import { ingestFiles } from '../../../src/cli/commands/ingest.ts';
import { digestIntro } from '../../../src/digest/digest-intro.ts';
import { buildScheduledDigest } from '../../../src/digest/scheduled-digest.ts';
import { createLlm } from '../../../src/llm/client.ts';
import { silentLogger } from '../../../src/log.ts';
import { type ChatRequestBody, defaultResponder, FakeOpenAI } from '../../fakes/openai.ts';
import { REPO } from '../../helpers/cli.ts';

const isIntro = (b: ChatRequestBody) => JSON.stringify(b.response_format ?? '').includes('digest_intro');

describe('the digest overview paragraph (LLM configured)', () => {
  const fake = new FakeOpenAI();
  let app: App;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    url = (await fake.start()).url;
    fake.respondWith((body) =>
      isIntro(body)
        ? JSON.stringify({
            intro: 'Today in trade: the EU kept its steel safeguard and Mexico raised steel tariffs.',
          })
        : defaultResponder(body),
    );
    dir = mkdtempSync(join(tmpdir(), 'tw-intro-'));
    app = openApp({
      dataDir: dir,
      echo: null,
      env: {
        REDIS_URL: inject('redisUrl'),
        TRADEWIRE_QUEUE_PREFIX: `intro${process.pid}`,
        TRADEWIRE_LOG_LEVEL: 'silent',
        OPENAI_BASE_URL: url,
        TRADEWIRE_LLM_MAX_RETRIES: '0',
      },
    });
    await ingestFiles(app, [join(REPO, 'samples/trade-week.jsonl')], { wait: true, timeoutMs: 60_000 });
  });
  afterAll(async () => {
    await app.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the digest, written from the top stories passed as escaped data', async () => {
    const llm = app.llm!;
    const built = await buildScheduledDigest(app.store, 'console:intro', new Date(), {
      trigger: 'now',
      defaults: { maxStories: 5, minRelevance: 0 },
      intro: (stories) => digestIntro(llm, stories, silentLogger),
    });
    if (built.status !== 'post' || built.request.message.kind !== 'digest') throw new Error(built.status);
    expect(built.request.message.intro).toMatch(/^Today in trade:/);
    const req = fake.requests.filter((r) => isIntro(r.body as ChatRequestBody)).at(-1);
    const user = JSON.stringify(req?.body);
    expect(user).toContain('<story n=\\"1\\" sources=\\"5\\">');
    const [text = ''] = app.console.render(built.request.message);
    expect(text.split('\n')[2]).toMatch(/^Today in trade:/);
  });

  it('a failing LLM leaves the digest without an overview, never without the digest', async () => {
    const down = createLlm({
      baseURL: 'http://127.0.0.1:9/v1',
      model: 'm',
      timeoutMs: 500,
      maxRetries: 0,
      requestsPerMinute: 600,
    })!;
    const built = await buildScheduledDigest(app.store, 'console:intro-down', new Date(), {
      trigger: 'now',
      defaults: { maxStories: 5, minRelevance: 0 },
      intro: (stories) => digestIntro(down, stories, silentLogger),
    });
    if (built.status !== 'post' || built.request.message.kind !== 'digest') throw new Error(built.status);
    expect(built.request.message.intro).toBeNull();
    expect(built.request.message.stories.length).toBe(5);
  });
});
