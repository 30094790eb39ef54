import type { Redis } from 'ioredis';

/** What every LLM HTTP request goes through: one token per request, retries included. */
export interface RequestLimiter {
  /** Resolves when the caller may send one request. */
  acquire(): Promise<void>;
  /** Holds every caller (in every process sharing the limiter) for `ms`: the server said `retry-after`. */
  pause(ms: number): Promise<void>;
}

/**
 * GCRA (a token bucket kept as one "theoretical arrival time") in Redis, so every process that
 * shares the Redis shares the rate. Redis's clock is the only clock. Returns 0 when a token was
 * taken, else how many milliseconds to wait before asking again.
 * KEYS: tat, paused-until. ARGV: interval ms, burst tolerance ms (either may be fractional: 60000 / 90
 * RPM; PX wants whole milliseconds, so expiries are rounded up).
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return paused - now end
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - tonumber(ARGV[2]) - now
if wait > 0 then return wait end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil(tat + interval - now + 1000))
return 0
`;

/**
 * Pause every caller until now + ARGV[1] ms (never shortening a longer pause), and push the bucket
 * past the pause so callers resume one interval apart instead of as one burst.
 * KEYS: tat, paused-until. ARGV: pause ms, burst tolerance ms.
 */
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local cur = tonumber(redis.call('GET', KEYS[2]) or '0')
if untilMs > cur then redis.call('SET', KEYS[2], untilMs, 'PX', math.ceil(tonumber(ARGV[1]) + 1000)) end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = untilMs + tonumber(ARGV[2])
if tat < floor then redis.call('SET', KEYS[1], floor, 'PX', math.ceil(floor - now + 1000)) end
return 0
`;

type LimiterRedis = Redis & {
  twLlmAcquire(tat: string, paused: string, interval: number, tolerance: number): Promise<number>;
  twLlmPause(tat: string, paused: string, ms: number, tolerance: number): Promise<number>;
};

export interface RedisRateLimiterOptions {
  requestsPerMinute: number;
  /** Requests that may go at once after a quiet spell (default 1: requests are spread evenly). */
  burst?: number;
  /** Key prefix, e.g. the queue prefix, so deployments sharing a Redis keep their own budgets. */
  prefix: string;
  /** Longest single sleep between tries (ms); callers re-ask after it. */
  maxSleepMs?: number;
}

/** The request limiter shared by all processes on one Redis. */
export class RedisRateLimiter implements RequestLimiter {
  private readonly interval: number;
  private readonly tolerance: number;
  private readonly tatKey: string;
  private readonly pauseKey: string;
  private readonly maxSleepMs: number;
  private redis: Promise<LimiterRedis> | null = null;

  constructor(
    private readonly connect: () => Promise<Redis>,
    opts: RedisRateLimiterOptions,
  ) {
    const rpm = opts.requestsPerMinute;
    if (!(rpm > 0) || !Number.isFinite(rpm))
      throw new RangeError(`requestsPerMinute must be > 0, got ${rpm}`);
    this.interval = 60_000 / rpm;
    this.tolerance = (Math.max(1, Math.floor(opts.burst ?? 1)) - 1) * this.interval;
    this.tatKey = `${opts.prefix}:llm:limiter:tat`;
    this.pauseKey = `${opts.prefix}:llm:limiter:paused`;
    this.maxSleepMs = opts.maxSleepMs ?? 5_000;
  }

  private client(): Promise<LimiterRedis> {
    this.redis ??= this.connect().then((r) => {
      const c = r as LimiterRedis;
      if (typeof c.twLlmAcquire !== 'function') {
        c.defineCommand('twLlmAcquire', { numberOfKeys: 2, lua: ACQUIRE });
        c.defineCommand('twLlmPause', { numberOfKeys: 2, lua: PAUSE });
      }
      return c;
    });
    return this.redis;
  }

  async acquire(): Promise<void> {
    const redis = await this.client();
    for (;;) {
      const wait = Number(
        await redis.twLlmAcquire(this.tatKey, this.pauseKey, this.interval, this.tolerance),
      );
      if (wait <= 0) return;
      await sleep(Math.min(wait, this.maxSleepMs));
    }
  }

  async pause(ms: number): Promise<void> {
    if (!(ms > 0)) return;
    const redis = await this.client();
    await redis.twLlmPause(this.tatKey, this.pauseKey, Math.ceil(ms), this.tolerance);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
