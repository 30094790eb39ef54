import type { TestProject } from 'vitest/node';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from '../helpers/postgres-server.ts';

let server: TestPostgres | undefined;

/**
 * One throwaway PostgreSQL cluster for the whole run (like global-redis.ts); each test file makes
 * its own database (createTestDatabase). Without the binaries it provides an empty URL and the
 * reason, and the PostgreSQL tests skip saying so.
 */
export async function setup(project: TestProject): Promise<void> {
  const why = postgresUnavailable();
  if (why) {
    project.provide('postgresUrl', '');
    project.provide('postgresSkip', why);
    return;
  }
  server = await startTestPostgres();
  project.provide('postgresUrl', server.url);
  project.provide('postgresSkip', '');
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    postgresSkip: string;
  }
}
