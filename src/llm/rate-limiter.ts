/**
 * Async token bucket: `requestsPerMinute` tokens refill continuously, up to `burst`.
 * Waiters are served first-in first-out, so a burst of callers cannot starve an early one.
 */

export interface RateLimiterOptions {
  requestsPerMinute: number;
  /** Bucket size: how many calls may go at once after a quiet spell. Default: 10 seconds' worth, at least 1. */
  burst?: number;
  /** Clock in milliseconds (injectable for tests). */
  now?: () => number;
}

import type { RequestLimiter } from './shared-limiter.ts';

/** The in-process limiter (one process, no Redis); RedisRateLimiter is the one shared by all processes. */
export class RateLimiter implements RequestLimiter {
  private readonly msPerToken: number;
  private readonly capacity: number;
  private readonly now: () => number;
  private tokens: number;
  private last: number;
  private readonly waiters: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pausedUntil = 0;

  constructor(opts: RateLimiterOptions) {
    const rpm = opts.requestsPerMinute;
    if (!(rpm > 0)) throw new RangeError(`requestsPerMinute must be > 0, got ${rpm}`);
    this.msPerToken = Number.isFinite(rpm) ? 60_000 / rpm : 0;
    this.capacity = Math.max(1, Math.floor(opts.burst ?? Math.ceil(rpm / 6)));
    this.now = opts.now ?? (() => performance.now());
    this.tokens = this.capacity;
    this.last = this.now();
  }

  /** Resolves when the caller may make one request. */
  acquire(): Promise<void> {
    if (this.msPerToken === 0 && this.pausedUntil === 0) return Promise.resolve();
    this.refill();
    if (this.waiters.length === 0 && this.tokens >= 1 && this.now() >= this.pausedUntil) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  /** Holds every caller for `ms` (the server said `retry-after`); afterwards the bucket starts empty. */
  async pause(ms: number): Promise<void> {
    if (!(ms > 0)) return;
    this.refill();
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.tokens = Math.min(this.tokens, 0);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.schedule();
  }

  /** Callers currently waiting for a token. */
  get pending(): number {
    return this.waiters.length;
  }

  private refill(): void {
    // Nothing refills while paused.
    const now = Math.max(this.now(), this.pausedUntil);
    const elapsed = now - this.last;
    if (elapsed <= 0) return;
    this.last = now;
    if (this.msPerToken === 0) this.tokens = this.capacity;
    else this.tokens = Math.min(this.capacity, this.tokens + elapsed / this.msPerToken);
  }

  private drain(): void {
    this.timer = null;
    this.refill();
    while (this.waiters.length > 0 && this.tokens >= 1 && this.now() >= this.pausedUntil) {
      this.tokens -= 1;
      this.waiters.shift()?.();
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null || this.waiters.length === 0) return;
    const paused = this.pausedUntil - this.now();
    const waitMs = Math.max(1, Math.ceil((1 - this.tokens) * this.msPerToken), Math.ceil(paused));
    this.timer = setTimeout(() => this.drain(), waitMs);
  }
}

let shared: { rpm: number; limiter: RateLimiter } | undefined;

/**
 * The process-wide limiter every LLM call shares. Asking again with a different rate replaces it
 * (callers already waiting on the old one are still served by it).
 */
export function sharedRateLimiter(requestsPerMinute: number): RateLimiter {
  if (shared?.rpm !== requestsPerMinute) {
    shared = { rpm: requestsPerMinute, limiter: new RateLimiter({ requestsPerMinute }) };
  }
  return shared.limiter;
}
