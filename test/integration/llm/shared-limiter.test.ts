import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RedisRateLimiter } from '../../../src/llm/shared-limiter.ts';
import { uniquePrefix } from '../digest/helpers.ts';

describe('RedisRateLimiter', () => {
  const clients: Redis[] = [];
  const connect = async () => {
    const r = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    clients.push(r);
    return r;
  };
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
  });

  // 60000 / 90 = 666.67 ms: a fractional interval once reached Redis as a PX argument, which Redis
  // refuses, so every LLM call failed and every story went to the offline summariser.
  it.each([90, 7, 60])('takes tokens at %i requests/min (fractional intervals included)', async (rpm) => {
    const prefix = uniquePrefix('limiter');
    const limiter = new RedisRateLimiter(connect, { requestsPerMinute: rpm, prefix, burst: 3 });
    for (let i = 0; i < 3; i++) await limiter.acquire();
    await limiter.pause(1.5);
    const redis = await connect();
    const ttl = await redis.pttl(`${prefix}:llm:limiter:tat`);
    expect(ttl).toBeGreaterThan(0);
  });
});
