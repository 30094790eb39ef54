import { join } from 'node:path';
import { ConsolePlatform } from '../../adapters/console/console-platform.ts';
import { type Config, loadConfig, readEnv } from '../config.ts';
import { createLlm, type Llm } from '../llm/client.ts';
import { createLogger, type Logger } from '../log.ts';
import type { Platform, PlatformName } from '../platform/port.ts';
import { QueueRuntime } from '../queue/runtime.ts';
import { type PipelineDeps, startWorkers, type WorkerSet } from '../queue/workers.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { WatchMatcher } from '../watch/match-watches.ts';

/**
 * The composition root: the only place that knows which store, LLM and platforms are wired in.
 * (It lives under src/cli because the CLI is the entry point; nothing else in src/ imports adapters.)
 */
export interface App {
  config: Config;
  store: Store;
  llm: Llm | null;
  log: Logger;
  platforms: Map<PlatformName, Platform>;
  console: ConsolePlatform;
  /** Starts Redis (or connects to REDIS_URL) on first use. */
  queues(): Promise<QueueRuntime>;
  startWorkers(opts?: { pipeline?: boolean }): Promise<WorkerSet>;
  pipelineDeps(): PipelineDeps;
  close(): Promise<void>;
}

export interface AppOptions {
  dataDir?: string | undefined;
  /** Where console-channel echoes go: stdout normally, stderr when stdout carries --json. */
  echo: NodeJS.WritableStream | null;
  env?: Record<string, string | undefined>;
}

export function openApp(opts: AppOptions): App {
  const env = { ...(opts.env ?? readEnv()) };
  if (opts.dataDir) env.TRADEWIRE_DATA_DIR = opts.dataDir;
  const config = loadConfig(env);
  const log = createLogger(config.logLevel);
  const store = new SqliteStore(join(config.dataDir, 'tradewire.db'));
  const llm = createLlm({
    model: config.llm.model,
    timeoutMs: config.llm.timeoutMs,
    maxRetries: config.llm.maxRetries,
    requestsPerMinute: config.llm.requestsPerMinute,
    ...(config.llm.baseURL ? { baseURL: config.llm.baseURL } : {}),
    ...(config.llm.apiKey ? { apiKey: config.llm.apiKey } : {}),
    ...(config.llm.embeddingModel ? { embeddingModel: config.llm.embeddingModel } : {}),
  });
  const consolePlatform = new ConsolePlatform(config.dataDir, opts.echo);
  const platforms = new Map<PlatformName, Platform>([['console', consolePlatform]]);
  const watches = new WatchMatcher(store);
  let runtime: Promise<QueueRuntime> | null = null;
  let workers: WorkerSet | null = null;
  const deps = (): PipelineDeps => ({
    store,
    llm,
    log,
    watches,
    targets: new Map(platforms),
    digestDefaults: { maxStories: config.digestMaxStories, minRelevance: config.minRelevance },
  });

  const app: App = {
    config,
    store,
    llm,
    log,
    platforms,
    console: consolePlatform,
    queues: () => {
      runtime ??= QueueRuntime.start(config, log);
      return runtime;
    },
    pipelineDeps: deps,
    /** Idempotent: a second call (e.g. a second ingest in one process) reuses the running workers. */
    async startWorkers(o = {}) {
      const rt = await app.queues();
      workers ??= startWorkers(rt, deps(), { concurrency: config.workerConcurrency, ...o });
      return workers;
    },
    async close() {
      await workers?.close();
      if (runtime) await (await runtime).close();
      await Promise.allSettled([...platforms.values()].map((p) => p.close()));
      await store.close();
    },
  };
  return app;
}
