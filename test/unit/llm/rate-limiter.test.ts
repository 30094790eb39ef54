import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter, sharedRateLimiter } from '../../../src/llm/rate-limiter.ts';

describe('RateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const limiter = (requestsPerMinute: number, burst?: number) =>
    new RateLimiter({ requestsPerMinute, ...(burst === undefined ? {} : { burst }), now: () => Date.now() });

  it('lets a burst through at once, then spaces calls at the refill rate', async () => {
    const rl = limiter(60, 2);
    const done: number[] = [];
    const start = Date.now();
    const all = Array.from({ length: 5 }, (_, i) => rl.acquire().then(() => done.push(i)));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(2_000);
    await Promise.all(all);
    expect(done).toEqual([0, 1, 2, 3, 4]);
    expect(Date.now() - start).toBe(3_000);
  });

  it('serves waiters first in, first out', async () => {
    const rl = limiter(120, 1);
    await rl.acquire();
    const order: string[] = [];
    const a = rl.acquire().then(() => order.push('a'));
    const b = rl.acquire().then(() => order.push('b'));
    expect(rl.pending).toBe(2);
    await vi.advanceTimersByTimeAsync(500);
    // A newcomer must not jump the queue even if a token is momentarily free.
    const c = rl.acquire().then(() => order.push('c'));
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('refills up to the burst size only', async () => {
    const rl = limiter(60, 3);
    await vi.advanceTimersByTimeAsync(60_000);
    let passed = 0;
    for (let i = 0; i < 5; i++) void rl.acquire().then(() => passed++);
    await vi.advanceTimersByTimeAsync(0);
    expect(passed).toBe(3);
  });

  it('defaults the burst to ten seconds of budget', async () => {
    const rl = limiter(60);
    let passed = 0;
    for (let i = 0; i < 12; i++) void rl.acquire().then(() => passed++);
    await vi.advanceTimersByTimeAsync(0);
    expect(passed).toBe(10);
  });

  it('does not limit with an infinite rate and rejects a non-positive one', async () => {
    const rl = limiter(Number.POSITIVE_INFINITY);
    await Promise.all(Array.from({ length: 1_000 }, () => rl.acquire()));
    expect(() => limiter(0)).toThrow(RangeError);
  });

  it('shares one limiter per process for a given rate', () => {
    expect(sharedRateLimiter(30)).toBe(sharedRateLimiter(30));
    expect(sharedRateLimiter(31)).not.toBe(sharedRateLimiter(30));
  });
});
