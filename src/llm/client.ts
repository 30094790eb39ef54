import type { Redis } from 'ioredis';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { z } from 'zod';
import { isTradewireError, TradewireError } from '../errors.ts';
import { llmErrors, llmRequestSeconds, llmRequests, llmTokens } from '../metrics.ts';
import { type CircuitBreaker, MemoryCircuitBreaker, RedisCircuitBreaker } from './circuit-breaker.ts';
import { type DeferredStories, MemoryDeferredStories, RedisDeferredStories } from './deferred-stories.ts';
import { jsonSchemaResponseFormat } from './json-schema.ts';
import { sharedRateLimiter } from './rate-limiter.ts';
import { RedisRateLimiter, type RequestLimiter, sleep } from './shared-limiter.ts';

export interface LlmSettings {
  baseURL?: string;
  apiKey?: string;
  model: string;
  /** Per HTTP attempt; a call can take up to (maxRetries + 1) × timeoutMs plus backoff. */
  timeoutMs: number;
  /**
   * Retries for 408/409/429/5xx/connection errors, with backoff honouring `retry-after`. Done here,
   * not by the SDK, so that every attempt takes a token from the limiter and counts for the breaker.
   */
  maxRetries: number;
  /** Cap on HTTP requests per minute (every attempt counts), shared by all processes when Redis is given. */
  requestsPerMinute: number;
  /** Consecutive failed requests that open the circuit breaker (default 5). */
  breakerFailures?: number;
  /** How long the breaker stays open before a probe (default 30 s). */
  breakerCooldownMs?: number;
  /** Model for `embed()`; default `text-embedding-3-small`. */
  embeddingModel?: string;
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface CompleteJsonOptions<T> {
  system: string;
  user: string;
  schema: z.ZodType<T>;
  schemaName: string;
  maxTokens?: number;
}

export interface Llm {
  model: string;
  completeJson<T>(opts: CompleteJsonOptions<T>): Promise<{ value: T; usage: LlmUsage }>;
  embed(texts: string[]): Promise<number[][]>;
  /** Notes a story summarised offline because the LLM failed, to be re-summarised when it is back. */
  deferStory?(storyId: string): Promise<void>;
  /**
   * Called with the deferred stories when a request of this process closes an open breaker
   * (each id reaches one process only).
   */
  onRecovered?(listener: (storyIds: string[]) => void): void;
  /** The breaker's state, for status and tests. */
  breakerState?(): Promise<'closed' | 'open' | 'half-open'>;
}

export interface LlmDeps {
  /**
   * Redis shared by every process (the queues' Redis): the request limiter, the breaker and the
   * deferred stories live there. Without it they are per process.
   */
  redis?: () => Promise<Redis>;
  /** Key prefix in Redis (the queue prefix). */
  redisPrefix?: string;
  /** Overrides the limiter (default: Redis-shared with `redis`, else the process-wide one). */
  limiter?: RequestLimiter;
  breaker?: CircuitBreaker;
  fetch?: typeof fetch;
  /** A `retry-after` longer than this is not waited out: the call fails as 'llm/rate-limited' at once. */
  maxRetryAfterMs?: number;
  /** Backoff before retry n (0-based) when the server gave no `retry-after` (default 0.5 s × 2ⁿ, ≤ 8 s, jittered). */
  backoffMs?: (attempt: number) => number;
}

const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
const EMBED_BATCH = 256;

const defaultBackoff = (attempt: number): number =>
  Math.min(8_000, 500 * 2 ** attempt) * (0.75 + Math.random() / 2);

/** Null when neither an API key nor a base URL is configured: run offline. */
export function createLlm(settings: LlmSettings, deps: LlmDeps = {}): Llm | null {
  if (!settings.apiKey && !settings.baseURL) return null;
  const prefix = deps.redisPrefix ?? 'tradewire';
  const limiter =
    deps.limiter ??
    (deps.redis
      ? new RedisRateLimiter(deps.redis, { requestsPerMinute: settings.requestsPerMinute, prefix })
      : sharedRateLimiter(settings.requestsPerMinute));
  const timeoutMs = Math.max(1, Math.round(settings.timeoutMs));
  const breakerOptions = {
    failures: settings.breakerFailures ?? 5,
    cooldownMs: settings.breakerCooldownMs ?? 30_000,
    probeLeaseMs: timeoutMs + 5_000,
  };
  const breaker =
    deps.breaker ??
    (deps.redis
      ? new RedisCircuitBreaker(deps.redis, { ...breakerOptions, prefix })
      : new MemoryCircuitBreaker(breakerOptions));
  const deferred: DeferredStories = deps.redis
    ? new RedisDeferredStories(deps.redis, prefix)
    : new MemoryDeferredStories();
  const listeners: Array<(storyIds: string[]) => void> = [];
  const client = new OpenAI({
    baseURL: settings.baseURL ?? null,
    apiKey: settings.apiKey ?? 'not-needed',
    // Retries are ours (see send): the SDK's would bypass the limiter and the breaker.
    maxRetries: 0,
    timeout: timeoutMs,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const model = settings.model;
  const maxRetries = Math.max(0, Math.floor(settings.maxRetries));
  const maxRetryAfterMs = deps.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const backoff = deps.backoffMs ?? defaultBackoff;

  async function recovered(): Promise<void> {
    const ids = await deferred.takeAll();
    for (const listener of listeners) listener(ids);
  }

  // While the breaker is open a quiet process would never find out the LLM is back: after each
  // cool-down it probes with a one-token completion itself (one probe across all processes: the breaker
  // hands 'probe' to one caller), so deferred stories are re-summarised without waiting for traffic.
  let probeTimer: ReturnType<typeof setTimeout> | null = null;
  const scheduleProbe = (): void => {
    if (probeTimer !== null) return;
    probeTimer = setTimeout(() => {
      probeTimer = null;
      void probe().catch(() => scheduleProbe());
    }, breakerOptions.cooldownMs + 50);
    probeTimer.unref();
  };
  async function probe(): Promise<void> {
    const gate = await breaker.check();
    if (gate === 'allow') return;
    if (gate === 'open') return scheduleProbe();
    await limiter.acquire();
    try {
      await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Reply with OK.' }],
        max_tokens: 1,
      });
    } catch {
      await breaker.failure();
      return scheduleProbe();
    }
    if ((await breaker.success()) === 'recovered') await recovered();
  }

  /**
   * One API call with its retries: every attempt passes the breaker and takes a limiter token;
   * transient failures count towards opening the breaker, a 429's `retry-after` pauses every process.
   */
  async function send<R>(what: string, call: () => Promise<R>): Promise<R> {
    let last: unknown;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      if ((await breaker.check()) === 'open') {
        scheduleProbe();
        throw new TradewireError('llm/circuit-open', `LLM circuit breaker is open (${what})`, {
          hint: 'Recent requests failed; stories use the offline summariser until a probe succeeds.',
          ...(last === undefined ? {} : { cause: last }),
        });
      }
      await limiter.acquire();
      try {
        const result = await call();
        if ((await breaker.success()) === 'recovered') await recovered();
        return result;
      } catch (err) {
        const mapped = mapError(err, what);
        if (!(mapped instanceof TradewireError) || !mapped.retryable) throw mapped;
        if ((await breaker.failure()) === 'opened') scheduleProbe();
        last = mapped;
        const after = mapped.retryAfterMs;
        if (after !== undefined && after > maxRetryAfterMs) throw mapped;
        if (attempt === maxRetries) break;
        if (after !== undefined && after > 0) await limiter.pause(after);
        else await sleep(backoff(attempt));
      }
    }
    throw last;
  }

  async function completeJson<T>(opts: CompleteJsonOptions<T>): Promise<{ value: T; usage: LlmUsage }> {
    const responseFormat = jsonSchemaResponseFormat(opts.schema, opts.schemaName);
    const usage: LlmUsage = { promptTokens: 0, completionTokens: 0 };
    let problem = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
        { role: 'system', content: opts.system },
        { role: 'user', content: opts.user },
      ];
      if (problem) {
        messages.push({
          role: 'user',
          content: `Your previous reply could not be used (${problem}). Reply again with one JSON object that matches the schema exactly: no prose, no code fences.`,
        });
      }
      const completion = await send(model, () =>
        measured('chat', model, () =>
          client.chat.completions.create({
            model,
            messages,
            response_format: responseFormat,
            temperature: 0.2,
            ...(opts.maxTokens === undefined ? {} : { max_tokens: opts.maxTokens }),
          }),
        ),
      );
      const promptTokens = completion.usage?.prompt_tokens ?? 0;
      const completionTokens = completion.usage?.completion_tokens ?? 0;
      usage.promptTokens += promptTokens;
      usage.completionTokens += completionTokens;
      llmTokens.inc({ kind: 'prompt' }, promptTokens);
      llmTokens.inc({ kind: 'completion' }, completionTokens);
      const choice = completion.choices?.[0];
      if (choice?.message?.refusal || choice?.finish_reason === 'content_filter') {
        throw new TradewireError(
          'llm/refused',
          `Model ${model} refused: ${choice.message?.refusal ?? 'content filter'}`,
          {
            hint: 'The articles may trip the provider’s content policy; the offline summariser can be used instead.',
          },
        );
      }
      const outcome = parseJsonReply(choice?.message?.content, opts.schema);
      if (outcome.ok) return { value: outcome.value, usage };
      problem =
        choice?.finish_reason === 'length' ? 'the reply was cut off at the token limit' : outcome.problem;
    }
    throw new TradewireError('llm/bad-output', `Model ${model} returned unusable output twice: ${problem}`, {
      hint: 'Use a model/server that supports JSON-schema output, or the offline summariser.',
    });
  }

  async function embed(texts: string[]): Promise<number[][]> {
    const embeddingModel = settings.embeddingModel ?? 'text-embedding-3-small';
    const out: number[][] = [];
    for (let start = 0; start < texts.length; start += EMBED_BATCH) {
      const batch = texts.slice(start, start + EMBED_BATCH);
      const res = await send(embeddingModel, () =>
        measured('embed', embeddingModel, () =>
          client.embeddings.create({ model: embeddingModel, input: batch, encoding_format: 'float' }),
        ),
      );
      llmTokens.inc({ kind: 'prompt' }, res.usage?.prompt_tokens ?? 0);
      const vectors = [...(res.data ?? [])].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      const valid = vectors.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number'));
      if (vectors.length !== batch.length || !valid) {
        throw new TradewireError(
          'llm/bad-output',
          `Embeddings from ${embeddingModel}: expected ${batch.length} float vectors`,
        );
      }
      out.push(...vectors);
    }
    return out;
  }

  return {
    model,
    completeJson: <T>(opts: CompleteJsonOptions<T>) => countingErrors(completeJson(opts)),
    embed: (texts) => countingErrors(embed(texts)),
    deferStory: (storyId) => deferred.add(storyId),
    onRecovered: (listener) => {
      listeners.push(listener);
    },
    breakerState: () => breaker.state(),
  };
}

type LlmOperation = 'chat' | 'embed';

/** One HTTP request, timed and counted; what it throws is mapped to a coded error. */
async function measured<T>(operation: LlmOperation, model: string, call: () => Promise<T>): Promise<T> {
  const done = llmRequestSeconds.startTimer({ operation });
  try {
    const out = await call();
    llmRequests.inc({ operation, outcome: 'ok' });
    return out;
  } catch (err) {
    llmRequests.inc({ operation, outcome: 'error' });
    throw mapError(err, model);
  } finally {
    done();
  }
}

/** Every failure of an LLM operation (after its retries, refusals, unusable output) by code. */
async function countingErrors<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    llmErrors.inc({ code: isTradewireError(err) ? err.code : 'llm/other' });
    throw err;
  }
}

type ParseOutcome<T> = { ok: true; value: T } | { ok: false; problem: string };

function parseJsonReply<T>(content: string | null | undefined, schema: z.ZodType<T>): ParseOutcome<T> {
  if (!content?.trim()) return { ok: false, problem: 'empty reply' };
  const text = content
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'reply is not valid JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  return { ok: false, problem: `reply does not match the schema (${issues})` };
}

/** Maps what the SDK throws. Non-API errors pass through unchanged. */
export function mapError(err: unknown, model: string): unknown {
  if (err instanceof APIConnectionTimeoutError) {
    return new TradewireError('llm/timeout', `LLM request timed out (${model})`, {
      retryable: true,
      cause: err,
    });
  }
  if (err instanceof APIConnectionError) {
    return new TradewireError('llm/unavailable', `LLM server unreachable: ${err.message}`, {
      retryable: true,
      cause: err,
      hint: 'Check the base URL and that the server is running.',
    });
  }
  if (!(err instanceof APIError) || err.status === undefined) return err;
  const status = err.status;
  const detail = `HTTP ${status} from LLM (${model}): ${err.message}`;
  if (status === 429) {
    const after = err.headers?.get('retry-after');
    const waitMs = err.headers ? retryAfterMs(err.headers) : undefined;
    return new TradewireError('llm/rate-limited', after ? `${detail} (retry-after ${after})` : detail, {
      retryable: true,
      cause: err,
      hint: 'Lower requestsPerMinute or wait before retrying.',
      ...(waitMs === undefined ? {} : { retryAfterMs: Math.max(0, waitMs) }),
    });
  }
  if (status === 408) return new TradewireError('llm/timeout', detail, { retryable: true, cause: err });
  if (status >= 500 || status === 409) {
    return new TradewireError('llm/server', detail, { retryable: true, cause: err });
  }
  return new TradewireError('llm/unavailable', detail, {
    retryable: false,
    cause: err,
    hint: 'Check the API key, the model name and that the server supports JSON-schema response_format.',
  });
}

export function retryAfterMs(headers: Headers): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(ms)) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (!Number.isNaN(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date - Date.now();
}
