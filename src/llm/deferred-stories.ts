import type { Redis } from 'ioredis';

/**
 * Stories summarised offline because the LLM failed, waiting to be re-summarised by it. The mark
 * that matters is in the store (the summary's prompt version); this set only lets the process whose
 * request closed the breaker find them without scanning every story.
 */
export interface DeferredStories {
  add(storyId: string): Promise<void>;
  /** Every id noted so far, removed from the set (each is handed to one caller only). */
  takeAll(): Promise<string[]>;
}

const TAKE_ALL = `
local ids = redis.call('SMEMBERS', KEYS[1])
redis.call('DEL', KEYS[1])
return ids
`;

type DeferredRedis = Redis & { twLlmTakeDeferred(key: string): Promise<string[]> };

export class RedisDeferredStories implements DeferredStories {
  private redis: Promise<DeferredRedis> | null = null;
  private readonly key: string;

  constructor(
    private readonly connect: () => Promise<Redis>,
    prefix: string,
  ) {
    this.key = `${prefix}:llm:deferred-stories`;
  }

  private client(): Promise<DeferredRedis> {
    this.redis ??= this.connect().then((r) => {
      const c = r as DeferredRedis;
      if (typeof c.twLlmTakeDeferred !== 'function') {
        c.defineCommand('twLlmTakeDeferred', { numberOfKeys: 1, lua: TAKE_ALL });
      }
      return c;
    });
    return this.redis;
  }

  async add(storyId: string): Promise<void> {
    await (await this.client()).sadd(this.key, storyId);
  }

  async takeAll(): Promise<string[]> {
    return (await this.client()).twLlmTakeDeferred(this.key);
  }
}

export class MemoryDeferredStories implements DeferredStories {
  private readonly ids = new Set<string>();
  async add(storyId: string): Promise<void> {
    this.ids.add(storyId);
  }
  async takeAll(): Promise<string[]> {
    const out = [...this.ids];
    this.ids.clear();
    return out;
  }
}
