import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { z } from 'zod';
import { isTradewireError, TradewireError } from '../errors.ts';
import { llmErrors, llmRequestSeconds, llmRequests, llmTokens } from '../metrics.ts';
import { jsonSchemaResponseFormat } from './json-schema.ts';
import { type RateLimiter, sharedRateLimiter } from './rate-limiter.ts';

export interface LlmSettings {
  baseURL?: string;
  apiKey?: string;
  model: string;
  /** Per HTTP attempt; a call can take up to (maxRetries + 1) × timeoutMs plus backoff. */
  timeoutMs: number;
  /** SDK retries for 408/409/429/5xx/connection errors, with backoff honouring `retry-after`. */
  maxRetries: number;
  requestsPerMinute: number;
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
}

export interface LlmDeps {
  /** Defaults to the process-wide limiter for `settings.requestsPerMinute`. */
  limiter?: RateLimiter;
  fetch?: typeof fetch;
  /** A `retry-after` longer than this is not waited out: the call fails as 'llm/rate-limited' at once. */
  maxRetryAfterMs?: number;
}

const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
const EMBED_BATCH = 256;

/** Null when neither an API key nor a base URL is configured: run offline. */
export function createLlm(settings: LlmSettings, deps: LlmDeps = {}): Llm | null {
  if (!settings.apiKey && !settings.baseURL) return null;
  const limiter = deps.limiter ?? sharedRateLimiter(settings.requestsPerMinute);
  const client = new OpenAI({
    baseURL: settings.baseURL ?? null,
    apiKey: settings.apiKey ?? 'not-needed',
    maxRetries: Math.max(0, Math.floor(settings.maxRetries)),
    timeout: Math.max(1, Math.round(settings.timeoutMs)),
    fetch: capRetryAfter(deps.fetch ?? globalThis.fetch, deps.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS),
  });
  const model = settings.model;

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
      await limiter.acquire();
      const completion = await measured('chat', model, () =>
        client.chat.completions.create({
          model,
          messages,
          response_format: responseFormat,
          temperature: 0.2,
          ...(opts.maxTokens === undefined ? {} : { max_tokens: opts.maxTokens }),
        }),
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
      await limiter.acquire();
      const res = await measured('embed', embeddingModel, () =>
        client.embeddings.create({ model: embeddingModel, input: batch, encoding_format: 'float' }),
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
  };
}

type LlmOperation = 'chat' | 'embed';

/** One SDK call, timed and counted; what it throws is mapped to a coded error. */
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

/** Every failure of an LLM operation (after the SDK's retries, refusals, unusable output) by code. */
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

/** Maps what the SDK throws once its own retries are spent. Non-API errors pass through unchanged. */
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
    return new TradewireError('llm/rate-limited', after ? `${detail} (retry-after ${after})` : detail, {
      retryable: true,
      cause: err,
      hint: 'Lower requestsPerMinute or wait before retrying.',
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

/**
 * openai v6 sleeps for whatever `retry-after` / `retry-after-ms` says, with no upper bound.
 * A wait longer than `maxMs` is turned into `x-should-retry: false`, so the SDK gives up at once and
 * the caller (the job queue) decides when to try again.
 */
function capRetryAfter(inner: typeof fetch, maxMs: number): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    if (res.ok) return res;
    const wait = retryAfterMs(res.headers);
    if (wait === undefined || wait <= maxMs) return res;
    const headers = new Headers(res.headers);
    headers.set('x-should-retry', 'false');
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  };
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
