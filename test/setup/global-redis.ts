import type { TestProject } from 'vitest/node';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.ts';

let redis: TestRedis | undefined;

/** One real Redis for the whole run; each test file uses its own key prefix or DB. */
export async function setup(project: TestProject): Promise<void> {
  redis = await startTestRedis();
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
