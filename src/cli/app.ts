import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { ConsolePlatform } from '../../adapters/console/console-platform.ts';
import { DiscordPlatform } from '../../adapters/discord/discord-platform.ts';
import { renderSlack } from '../../adapters/slack/render.ts';
import { SlackPlatform } from '../../adapters/slack/slack-platform.ts';
import { slackSettings } from '../../adapters/slack/slack-settings.ts';
import { type Config, loadConfig, readEnv } from '../config.ts';
import { AnalysisPool } from '../ingest/analysis-pool.ts';
import { createLlm, type Llm } from '../llm/client.ts';
import { createLogger, type Logger } from '../log.ts';
import type { Platform } from '../platform/port.ts';
import { PlatformRegistry } from '../platform/registry.ts';
import { reconcileUnfinished } from '../queue/reconcile.ts';
import { QueueRuntime } from '../queue/runtime.ts';
import { type PipelineDeps, startWorkers, type WorkerSet } from '../queue/workers.ts';
import type { FeedStore } from '../store/feeds.ts';
import { PostgresFeedStore } from '../store/postgres/postgres-feeds.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { SqliteFeedStore } from '../store/sqlite/sqlite-feeds.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { SummaryBatcher } from '../summarise/summary-batcher.ts';
import type { UseCaseDeps } from '../usecases/deps.ts';
import { resummariseFallbacks } from '../usecases/resummarise.ts';
import { WatchMatcher } from '../watch/match-watches.ts';

/**
 * The composition root: the only place that knows which store, LLM and platforms are wired in.
 * (It lives under src/cli because the CLI is the entry point; nothing else in src/ imports adapters.)
 */
export interface App {
  config: Config;
  store: Store;
  /** Feed subscriptions and poll state (same database as `store`). */
  feeds: FeedStore;
  llm: Llm | null;
  log: Logger;
  platforms: PlatformRegistry;
  console: ConsolePlatform;
  /** What the use cases are called with. */
  deps: UseCaseDeps;
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

/**
 * Every platform whose credentials are set, plus the console (always). Adapters register here, and
 * only here: a deployment without Slack credentials has no Slack platform, so a Slack channel is
 * refused where it is written.
 */
export function configuredPlatforms(config: Config, log: Logger, console: ConsolePlatform): Platform[] {
  const out: Platform[] = [console];
  // Slack when its bot token and signing secret are set; constructing it calls nothing on Slack.
  const slack = slackSettings(config);
  if (slack) out.push(new SlackPlatform(slack, log));
  if (config.discord.token) out.push(new DiscordPlatform(config.discord, log));
  return out;
}

/** Renderers for `digest --render`, which needs no credentials. */
function renderer(
  name: string,
  config: Config,
  console: ConsolePlatform,
): Pick<Platform, 'render'> | undefined {
  if (name === 'console' || name === 'text') return console;
  if (name === 'slack') return { render: (m) => renderSlack(m) };
  if (name === 'discord') return new DiscordPlatform(config.discord);
  return undefined;
}

/** DATABASE_URL selects the shared PostgreSQL store; otherwise the embedded SQLite file. */
export function openStore(config: Config): Store {
  return config.databaseUrl
    ? new PostgresStore(config.databaseUrl, { poolSize: config.pgPoolSize })
    : new SqliteStore(join(config.dataDir, 'tradewire.db'));
}

/** The feed store, in the same database as the main store. */
export function openFeedStore(config: Config): FeedStore {
  return config.databaseUrl
    ? new PostgresFeedStore(config.databaseUrl)
    : new SqliteFeedStore(join(config.dataDir, 'tradewire.db'));
}

export function openApp(opts: AppOptions): App {
  const env = { ...(opts.env ?? readEnv()) };
  if (opts.dataDir) env.TRADEWIRE_DATA_DIR = opts.dataDir;
  const config = loadConfig(env);
  const log = createLogger(config.logLevel, { format: config.logFormat });
  const store = openStore(config);
  const feeds = openFeedStore(config);
  let runtime: Promise<QueueRuntime> | null = null;
  let llmRedis: Promise<Redis> | null = null;
  const llm = createLlm(
    {
      model: config.llm.model,
      timeoutMs: config.llm.timeoutMs,
      maxRetries: config.llm.maxRetries,
      requestsPerMinute: config.llm.requestsPerMinute,
      breakerFailures: config.llm.breakerFailures,
      breakerCooldownMs: config.llm.breakerCooldownMs,
      ...(config.llm.baseURL ? { baseURL: config.llm.baseURL } : {}),
      ...(config.llm.apiKey ? { apiKey: config.llm.apiKey } : {}),
      ...(config.llm.embeddingModel ? { embeddingModel: config.llm.embeddingModel } : {}),
    },
    {
      // The request limiter and the breaker live on the queues' Redis, shared by every process.
      redis: () => {
        llmRedis ??= queues().then((rt) => rt.connection());
        return llmRedis;
      },
      redisPrefix: config.queuePrefix,
    },
  );
  const consolePlatform = new ConsolePlatform(config.dataDir, opts.echo);
  const platforms = new PlatformRegistry(configuredPlatforms(config, log, consolePlatform));
  const watches = new WatchMatcher(store);
  const summaryBatcher = llm
    ? new SummaryBatcher(llm, { maxStories: config.llm.batchStories, waitMs: config.llm.batchWaitMs })
    : null;
  let workers: WorkerSet | null = null;
  let analyser: AnalysisPool | null = null;
  const pipelineDeps = (): PipelineDeps => ({
    store,
    llm,
    log,
    watches,
    targets: new Map(platforms.all().map((p) => [p.name, p])),
    platforms: platforms.names(),
    digestDefaults: { maxStories: config.digestMaxStories, minRelevance: config.minRelevance },
    embeddings: config.llm.embeddingModel !== undefined,
    analyser,
    enqueueRetryMs: config.reconcile.enqueueRetryMs,
    summaryBatcher,
  });
  const queues = () => {
    runtime ??= QueueRuntime.start(config, log);
    return runtime;
  };
  /** Idempotent: a second call (e.g. a second ingest in one process) reuses the running workers. */
  const start = async (o: { pipeline?: boolean } = {}) => {
    const rt = await queues();
    if (!workers && config.analysisThreads > 0) analyser ??= new AnalysisPool(config.analysisThreads);
    workers ??= startWorkers(rt, pipelineDeps(), { concurrency: config.workerConcurrency, ...o });
    return workers;
  };
  const deps: UseCaseDeps = {
    config,
    store,
    feeds,
    llm,
    log,
    platforms,
    queues,
    renderer: (name) => renderer(name, config, consolePlatform),
    startWorkers: async () => {
      await start();
    },
    reconcile: async () => reconcileUnfinished(await queues(), pipelineDeps()),
  };
  // When this process's request closes the LLM's breaker, the stories summarised offline meanwhile
  // are queued for the LLM again.
  llm?.onRecovered?.((storyIds) => {
    void resummariseFallbacks(deps, { storyIds, wait: false }).catch((err: unknown) =>
      log.error('could not queue re-summaries after the LLM recovered', { err: String(err) }),
    );
  });
  return {
    config,
    store,
    feeds,
    llm,
    log,
    platforms,
    console: consolePlatform,
    deps,
    queues,
    pipelineDeps,
    startWorkers: start,
    async close() {
      await workers?.close();
      await analyser?.close();
      if (runtime) await (await runtime).close();
      await Promise.allSettled(platforms.all().map((p) => p.close()));
      await feeds.close();
      await store.close();
    },
  };
}

/** Platform set-up commands (`tradewire discord register`) reach their adapter through this root. */
export const discordSetup = () => import('../../adapters/discord/register-cli.ts');
