import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-redis.ts', 'test/setup/global-postgres.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // .ci/run reads the pass/fail count from a JSON report when TRADEWIRE_VITEST_JSON names a file.
    reporters: process.env.TRADEWIRE_VITEST_JSON ? ['default', 'json'] : ['default'],
    ...(process.env.TRADEWIRE_VITEST_JSON ? { outputFile: { json: process.env.TRADEWIRE_VITEST_JSON } } : {}),
  },
});
