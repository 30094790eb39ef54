/**
 * The shared LLM limiter under load: two processes, each with 8 callers in a loop, against the fake
 * OpenAI server answering after 500 ms and enforcing a provider rate limit of 60 requests/min (a
 * token bucket with room for one request of network jitter). The limiter should keep the budget
 * ≥ 95 % used (requests ÷ what the cap allows over the run) with 0 429s caused by us.
 *
 *   node --import tsx bench/llm-limiter.ts [--seconds 30] [--rpm 60]
 */
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { createLlm } from '../src/llm/client.ts';
import { FakeOpenAI } from '../test/fakes/openai.ts';
import { startTestRedis } from '../test/helpers/redis-server.ts';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const seconds = arg('--seconds', 30);
const rpm = arg('--rpm', 60);
const CALLERS = 8;

if (process.argv.includes('--child')) {
  const [url, redisUrl, prefix] = process.argv.slice(process.argv.indexOf('--child') + 1);
  const redis = new Redis(redisUrl!);
  const llm = createLlm(
    { baseURL: url!, model: 'fake', timeoutMs: 10_000, maxRetries: 3, requestsPerMinute: rpm },
    { redis: async () => redis, redisPrefix: prefix! },
  )!;
  const schema = z.object({ headline: z.string() }).passthrough();
  const deadline = Date.now() + seconds * 1000;
  let ok = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (Date.now() < deadline) {
        await llm
          .completeJson({
            system: 's',
            user: '<article id="1">Title: x\n\nSteel duties rose.</article>',
            schema,
            schemaName: 'x',
          })
          .then(
            () => ok++,
            () => failed++,
          );
      }
    }),
  );
  process.stdout.write(JSON.stringify({ ok, failed }));
  redis.disconnect();
  process.exit(0);
}

const redis = await startTestRedis();
const fake = new FakeOpenAI();
const { url } = await fake.start();
fake.setLatency(500).setRateLimit({ requestsPerMinute: rpm, burst: 2 });
const prefix = `bench-limiter-${process.pid}`;

const child = () =>
  new Promise<{ ok: number; failed: number }>((resolve, reject) => {
    const c = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        import.meta.filename,
        '--child',
        url,
        redis.url,
        prefix,
        '--seconds',
        String(seconds),
        '--rpm',
        String(rpm),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    c.stdout.on('data', (d) => {
      out += d;
    });
    c.on('error', reject);
    c.on('close', () => resolve(JSON.parse(out || '{"ok":0,"failed":0}') as { ok: number; failed: number }));
  });

const results = await Promise.all([child(), child()]);
const chat = fake.requests.filter((r) => r.path === '/v1/chat/completions');
const first = chat[0]?.at ?? 0;
const last = chat.at(-1)?.at ?? 0;
const spanS = (last - first) / 1000;
// Budget over the span between the first and the last request: 1 + span × rate.
const allowed = 1 + (spanS * rpm) / 60;
const busy = chat.length / allowed;
console.log(
  `two processes × ${CALLERS} callers, fake latency 500 ms, cap ${rpm}/min, ${seconds} s:\n` +
    `  requests seen by the fake: ${chat.length} over ${spanS.toFixed(1)} s (budget ${allowed.toFixed(1)}) → limiter ${(100 * busy).toFixed(1)} % busy\n` +
    `  429s from the provider limit: ${fake.rateLimited}; most in flight at once: ${fake.maxInFlight}; most in any 60 s: ${fake.maxInWindow(60_000)}\n` +
    `  calls: ${results.map((r) => `${r.ok} ok / ${r.failed} failed`).join(', ')}`,
);
await fake.stop();
await redis.stop();
if (busy < 0.95 || fake.rateLimited > 0) process.exitCode = 1;
