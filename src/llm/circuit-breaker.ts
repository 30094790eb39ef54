import type { Redis } from 'ioredis';

/**
 * Circuit breaker for the LLM. Closed: requests go. After `failures` consecutive failed requests
 * (timeouts, 429s, 5xx, connection errors) it opens: callers get 'open' at once (and use the offline
 * summariser) for `cooldownMs`; then one caller at a time gets 'probe' and its request decides:
 * success closes the breaker ('recovered'), failure opens it for another cool-down.
 */
export type Gate = 'allow' | 'probe' | 'open';

export interface CircuitBreaker {
  check(): Promise<Gate>;
  /** A request succeeded; 'recovered' when that closed an open breaker. */
  success(): Promise<'ok' | 'recovered'>;
  failure(): Promise<'counted' | 'opened'>;
  state(): Promise<'closed' | 'open' | 'half-open'>;
}

export interface BreakerOptions {
  failures: number;
  cooldownMs: number;
  /** How long a probe may take before another caller may probe (a request's timeout and some). */
  probeLeaseMs: number;
}

/** KEYS: state hash. ARGV: op, failures threshold, cool-down ms, probe lease ms. Redis's clock. */
const BREAKER = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local op = ARGV[1]
local st = redis.call('HGET', KEYS[1], 'state') or 'closed'
if op == 'state' then return st end
if op == 'check' then
  if st == 'closed' then return 'allow' end
  local untilMs = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
  if now < untilMs then return 'open' end
  redis.call('HSET', KEYS[1], 'state', 'half-open', 'until', now + tonumber(ARGV[4]))
  return 'probe'
end
if op == 'success' then
  if st == 'closed' then
    if redis.call('HGET', KEYS[1], 'failures') ~= '0' then redis.call('HSET', KEYS[1], 'failures', 0) end
    return 'ok'
  end
  redis.call('HSET', KEYS[1], 'state', 'closed', 'failures', 0, 'until', 0)
  return 'recovered'
end
if st == 'closed' then
  local n = redis.call('HINCRBY', KEYS[1], 'failures', 1)
  if n < tonumber(ARGV[2]) then return 'counted' end
end
redis.call('HSET', KEYS[1], 'state', 'open', 'failures', 0, 'until', now + tonumber(ARGV[3]))
return 'opened'
`;

type BreakerRedis = Redis & {
  twLlmBreaker(
    key: string,
    op: string,
    failures: number,
    cooldownMs: number,
    leaseMs: number,
  ): Promise<string>;
};

/** Breaker state in Redis, so every process sees the LLM as up or down together. */
export class RedisCircuitBreaker implements CircuitBreaker {
  private redis: Promise<BreakerRedis> | null = null;
  private readonly key: string;

  constructor(
    private readonly connect: () => Promise<Redis>,
    private readonly opts: BreakerOptions & { prefix: string },
  ) {
    this.key = `${opts.prefix}:llm:breaker`;
  }

  private async run<T extends string>(op: string): Promise<T> {
    this.redis ??= this.connect().then((r) => {
      const c = r as BreakerRedis;
      if (typeof c.twLlmBreaker !== 'function')
        c.defineCommand('twLlmBreaker', { numberOfKeys: 1, lua: BREAKER });
      return c;
    });
    const redis = await this.redis;
    const { failures, cooldownMs, probeLeaseMs } = this.opts;
    return (await redis.twLlmBreaker(this.key, op, failures, cooldownMs, probeLeaseMs)) as T;
  }

  check(): Promise<Gate> {
    return this.run('check');
  }
  success(): Promise<'ok' | 'recovered'> {
    return this.run('success');
  }
  failure(): Promise<'counted' | 'opened'> {
    return this.run('failure');
  }
  state(): Promise<'closed' | 'open' | 'half-open'> {
    return this.run('state');
  }
}

/** The same breaker for one process (no Redis: tests, scripts). */
export class MemoryCircuitBreaker implements CircuitBreaker {
  private st: 'closed' | 'open' | 'half-open' = 'closed';
  private failures = 0;
  private until = 0;

  constructor(
    private readonly opts: BreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async check(): Promise<Gate> {
    if (this.st === 'closed') return 'allow';
    if (this.now() < this.until) return 'open';
    this.st = 'half-open';
    this.until = this.now() + this.opts.probeLeaseMs;
    return 'probe';
  }
  async success(): Promise<'ok' | 'recovered'> {
    this.failures = 0;
    if (this.st === 'closed') return 'ok';
    this.st = 'closed';
    this.until = 0;
    return 'recovered';
  }
  async failure(): Promise<'counted' | 'opened'> {
    if (this.st === 'closed' && ++this.failures < this.opts.failures) return 'counted';
    this.st = 'open';
    this.failures = 0;
    this.until = this.now() + this.opts.cooldownMs;
    return 'opened';
  }
  async state(): Promise<'closed' | 'open' | 'half-open'> {
    return this.st;
  }
}
