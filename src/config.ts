import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { TradewireError } from './errors.ts';
import { TRADE_RELEVANCE_THRESHOLD } from './stories/relevance.ts';

/**
 * Every setting, read once from the environment (and `.env`), validated in one place.
 * Everything external is a setting so tests can aim the real SDKs at local fakes.
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalString = z
  .string()
  .transform((v) => v.trim())
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const optionalUrl = optionalString.pipe(
  z.url({ message: 'must be a URL such as http://127.0.0.1:11434/v1' }).optional(),
);

const positiveInt = (def: number) => z.coerce.number().int().positive().default(def);

export const ConfigSchema = z.object({
  TRADEWIRE_DATA_DIR: z.string().default('./data'),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
  ),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  TRADEWIRE_PG_POOL_SIZE: positiveInt(10),
  TRADEWIRE_QUEUE_PREFIX: z
    .string()
    .regex(/^[\w-]+$/, 'letters, digits, _ and - only')
    .default('tradewire'),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  TRADEWIRE_LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  TRADEWIRE_EMBEDDING_MODEL: optionalString,
  TRADEWIRE_LLM_TIMEOUT_MS: positiveInt(30_000),
  TRADEWIRE_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  TRADEWIRE_LLM_RPM: positiveInt(60),
  TRADEWIRE_LLM_BATCH_STORIES: z.coerce.number().int().min(1).max(16).default(4),
  TRADEWIRE_LLM_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(50),
  TRADEWIRE_WORKER_CONCURRENCY: positiveInt(8),
  TRADEWIRE_ANALYSIS_THREADS: z.coerce.number().int().min(0).max(16).default(1),
  TRADEWIRE_INGEST_REPORT_REJECTIONS: z.coerce.number().int().min(0).default(100),
  TRADEWIRE_INGEST_OPEN_TIMEOUT_MS: positiveInt(10_000),
  TRADEWIRE_RECONCILE_INTERVAL_MS: positiveInt(60_000),
  TRADEWIRE_ENQUEUE_RETRY_MS: positiveInt(30_000),
  TRADEWIRE_LLM_BREAKER_FAILURES: positiveInt(5),
  TRADEWIRE_LLM_BREAKER_COOLDOWN_MS: positiveInt(30_000),
  TRADEWIRE_MAX_WATCHES_PER_CHANNEL: positiveInt(50),
  TRADEWIRE_DIGEST_MAX_STORIES: positiveInt(10),
  // Default: the cut-off fitted with the relevance model (bench/fit-relevance.ts), so digests leave out non-trade news.
  TRADEWIRE_MIN_RELEVANCE: z.coerce.number().min(0).max(1).default(TRADE_RELEVANCE_THRESHOLD),
  TRADEWIRE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  TRADEWIRE_LOG_FORMAT: optionalString.pipe(z.enum(['json', 'pretty']).optional()),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  INGEST_API_TOKEN: optionalString,
  TRADEWIRE_ALLOW_PRIVATE_URLS: bool.default(false),
  TRADEWIRE_INGEST_MAX_BYTES: positiveInt(10 * 1024 * 1024),
  TRADEWIRE_USER_AGENT: z
    .string()
    .min(1)
    .default('Tradewire/0.1 (trade news reader; feed and article fetcher)'),
  TRADEWIRE_FETCH_TIMEOUT_MS: positiveInt(15_000),
  TRADEWIRE_FETCH_MAX_BYTES: positiveInt(5 * 1024 * 1024),
  TRADEWIRE_FETCH_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  TRADEWIRE_FEED_BACKFILL: z.coerce.number().int().min(0).default(20),
  TRADEWIRE_FEED_MAX_FAILURES: positiveInt(5),
  TRADEWIRE_FEED_TEASER_CHARS: z.coerce.number().int().min(0).default(600),
  TRADEWIRE_FEED_CONCURRENCY: positiveInt(8),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: optionalUrl,
  SLACK_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  SLACK_CHANNEL_INTERVAL_MS: z.coerce.number().int().min(0).default(1_000),
  SLACK_HISTORY_PAGES: z.coerce.number().int().min(1).max(50).default(3),
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString,
  DISCORD_API_URL: optionalUrl,
  DISCORD_PUBLIC_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex characters of the app’s public key')
      .optional(),
  ),
  DISCORD_GATEWAY: bool.default(true),
  DISCORD_MESSAGE_CONTENT: bool.default(false),
  DISCORD_REST_TIMEOUT_MS: positiveInt(15_000),
  DISCORD_REST_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  DISCORD_HISTORY_LIMIT: z.coerce.number().int().min(1).max(100).default(100),
});

export type RawConfig = z.infer<typeof ConfigSchema>;

export interface Config {
  dataDir: string;
  redisUrl: string | undefined;
  /** PostgreSQL store (shared by every process) instead of the embedded SQLite file. */
  databaseUrl: string | undefined;
  pgPoolSize: number;
  queuePrefix: string;
  llm: {
    apiKey: string | undefined;
    baseURL: string | undefined;
    model: string;
    embeddingModel: string | undefined;
    timeoutMs: number;
    maxRetries: number;
    requestsPerMinute: number;
    /** Most stories summarised in one LLM call (1: one call per story). */
    batchStories: number;
    /** How long a story waits for others to share its call. */
    batchWaitMs: number;
    /** No key and no base URL: the offline summariser and answerer do the work. */
    enabled: boolean;
    /** Consecutive failed requests (timeouts, 429s, 5xx, connection errors) that open the circuit breaker. */
    breakerFailures: number;
    /** How long the breaker stays open before one probe request is let through. */
    breakerCooldownMs: number;
  };
  ingest: {
    /** Rejections listed in an ingest report (all are counted in `rejectedCount`). */
    reportRejections: number;
    /** Wait for a writer on a named pipe at most this long. */
    openTimeoutMs: number;
  };
  reconcile: {
    /** How often `run` checks the store for work the queue lost (only while its queues are idle). */
    intervalMs: number;
    /** How long an enqueue that Redis refuses is retried (with backoff) before the command gives up. */
    enqueueRetryMs: number;
  };
  workerConcurrency: number;
  /** Worker threads for ingest's CPU-bound analysis (0: on the worker's own thread). */
  analysisThreads: number;
  maxWatchesPerChannel: number;
  digestMaxStories: number;
  minRelevance: number;
  logLevel: RawConfig['TRADEWIRE_LOG_LEVEL'];
  /** Unset: readable lines when stderr is a terminal, JSON lines otherwise. */
  logFormat: RawConfig['TRADEWIRE_LOG_FORMAT'];
  port: number;
  ingestApiToken: string | undefined;
  allowPrivateUrls: boolean;
  /** Largest request body `POST /v1/articles` reads, in bytes. */
  ingestMaxBytes: number;
  /** Outbound fetches of feeds and article pages (src/sources/safe-fetch.ts). */
  fetch: { userAgent: string; timeoutMs: number; maxBytes: number; maxRedirects: number };
  feeds: {
    /** Items ingested from a feed's first poll; older ones are only marked as seen. */
    backfill: number;
    /** Consecutive failed polls after which a feed is disabled (and its channel told once). */
    maxFailures: number;
    /** An item whose text is shorter than this is a teaser: its article page is fetched. */
    teaserChars: number;
    /** Feeds polled at once by one worker. */
    concurrency: number;
  };
  slack: {
    botToken: string | undefined;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
    /** Web API retries of network errors and 5xx (a short policy; a 429 is never waited out in-process). */
    maxRetries: number;
    /** Least time between two posts to one channel from this process (Slack allows about 1/s). */
    channelIntervalMs: number;
    /** Pages of 200 messages of channel history `findPosted` reads back. */
    historyPages: number;
  };
  discord: {
    token: string | undefined;
    applicationId: string | undefined;
    /** REST base without version (`https://discord.com/api`); the gateway URL comes from `GET /gateway/bot`. */
    apiUrl: string | undefined;
    /** Ed25519 public key (hex) for `POST /discord/interactions`; unset: no HTTP interactions endpoint. */
    publicKey: string | undefined;
    /** Connect to the gateway in `tradewire run` (false: HTTP interactions only). */
    gateway: boolean;
    /** Message Content intent enabled for the app: plain replies in the bot's threads are follow-ups. */
    messageContent: boolean;
    restTimeoutMs: number;
    restRetries: number;
    /** Recent channel messages `findPosted` reads to find an earlier post (≤ 100, Discord's page size). */
    historyLimit: number;
  };
}

/** Reads `.env` from the working directory without overriding the real environment. */
export function readEnv(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Record<string, string | undefined> {
  const file = resolve(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...env };
}

export function loadConfig(env: Record<string, string | undefined> = readEnv()): Config {
  const known = Object.fromEntries(Object.keys(ConfigSchema.shape).map((k) => [k, env[k]]));
  const parsed = ConfigSchema.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new TradewireError('config/invalid', `invalid configuration:\n  ${lines.join('\n  ')}`, {
      hint: 'fix the variable(s) in your environment or .env (see .env.example)',
    });
  }
  const c = parsed.data;
  return {
    dataDir: resolve(c.TRADEWIRE_DATA_DIR),
    redisUrl: c.REDIS_URL,
    databaseUrl: c.DATABASE_URL,
    pgPoolSize: c.TRADEWIRE_PG_POOL_SIZE,
    queuePrefix: c.TRADEWIRE_QUEUE_PREFIX,
    llm: {
      apiKey: c.OPENAI_API_KEY,
      baseURL: c.OPENAI_BASE_URL,
      model: c.TRADEWIRE_LLM_MODEL,
      embeddingModel: c.TRADEWIRE_EMBEDDING_MODEL,
      timeoutMs: c.TRADEWIRE_LLM_TIMEOUT_MS,
      maxRetries: c.TRADEWIRE_LLM_MAX_RETRIES,
      requestsPerMinute: c.TRADEWIRE_LLM_RPM,
      batchStories: c.TRADEWIRE_LLM_BATCH_STORIES,
      batchWaitMs: c.TRADEWIRE_LLM_BATCH_WAIT_MS,
      enabled: c.OPENAI_API_KEY !== undefined || c.OPENAI_BASE_URL !== undefined,
      breakerFailures: c.TRADEWIRE_LLM_BREAKER_FAILURES,
      breakerCooldownMs: c.TRADEWIRE_LLM_BREAKER_COOLDOWN_MS,
    },
    ingest: {
      reportRejections: c.TRADEWIRE_INGEST_REPORT_REJECTIONS,
      openTimeoutMs: c.TRADEWIRE_INGEST_OPEN_TIMEOUT_MS,
    },
    reconcile: {
      intervalMs: c.TRADEWIRE_RECONCILE_INTERVAL_MS,
      enqueueRetryMs: c.TRADEWIRE_ENQUEUE_RETRY_MS,
    },
    workerConcurrency: c.TRADEWIRE_WORKER_CONCURRENCY,
    analysisThreads: c.TRADEWIRE_ANALYSIS_THREADS,
    maxWatchesPerChannel: c.TRADEWIRE_MAX_WATCHES_PER_CHANNEL,
    digestMaxStories: c.TRADEWIRE_DIGEST_MAX_STORIES,
    minRelevance: c.TRADEWIRE_MIN_RELEVANCE,
    logLevel: c.TRADEWIRE_LOG_LEVEL,
    logFormat: c.TRADEWIRE_LOG_FORMAT,
    port: c.PORT,
    ingestApiToken: c.INGEST_API_TOKEN,
    allowPrivateUrls: c.TRADEWIRE_ALLOW_PRIVATE_URLS,
    ingestMaxBytes: c.TRADEWIRE_INGEST_MAX_BYTES,
    fetch: {
      userAgent: c.TRADEWIRE_USER_AGENT,
      timeoutMs: c.TRADEWIRE_FETCH_TIMEOUT_MS,
      maxBytes: c.TRADEWIRE_FETCH_MAX_BYTES,
      maxRedirects: c.TRADEWIRE_FETCH_MAX_REDIRECTS,
    },
    feeds: {
      backfill: c.TRADEWIRE_FEED_BACKFILL,
      maxFailures: c.TRADEWIRE_FEED_MAX_FAILURES,
      teaserChars: c.TRADEWIRE_FEED_TEASER_CHARS,
      concurrency: c.TRADEWIRE_FEED_CONCURRENCY,
    },
    slack: {
      botToken: c.SLACK_BOT_TOKEN,
      signingSecret: c.SLACK_SIGNING_SECRET,
      appToken: c.SLACK_APP_TOKEN,
      apiUrl: c.SLACK_API_URL,
      maxRetries: c.SLACK_MAX_RETRIES,
      channelIntervalMs: c.SLACK_CHANNEL_INTERVAL_MS,
      historyPages: c.SLACK_HISTORY_PAGES,
    },
    discord: {
      token: c.DISCORD_TOKEN,
      applicationId: c.DISCORD_APPLICATION_ID,
      apiUrl: c.DISCORD_API_URL,
      publicKey: c.DISCORD_PUBLIC_KEY,
      gateway: c.DISCORD_GATEWAY,
      messageContent: c.DISCORD_MESSAGE_CONTENT,
      restTimeoutMs: c.DISCORD_REST_TIMEOUT_MS,
      restRetries: c.DISCORD_REST_RETRIES,
      historyLimit: c.DISCORD_HISTORY_LIMIT,
    },
  };
}
