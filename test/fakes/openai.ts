import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server speaking the OpenAI wire protocol (chat completions, embeddings, models),
 * for end-to-end tests with the real SDK. Scripted behaviours are consumed one per request
 * (chat and embeddings alike); with the queue empty, chat uses the responder.
 */

export interface ChatRequestBody {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
  response_format?: unknown;
  max_tokens?: number;
  [key: string]: unknown;
}

export type FakeBehaviour =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { hang: true }
  | { content: string; finishReason?: string }
  | { refusal: string };

export type Responder = (body: ChatRequestBody) => string;

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  headers: IncomingMessage['headers'];
  at: number;
}

export const EMBEDDING_DIMENSIONS = 16;

/**
 * Standing behaviour for every chat/embeddings request (the scripted queue still goes first):
 * `normal`; `always-429` answers 429 with the given headers (e.g. `retry-after`); `hang` never answers.
 */
export type FakeMode =
  | { kind: 'normal' }
  | { kind: 'always-429'; headers?: Record<string, string> }
  | { kind: 'hang' };

/** A provider-side rate limit: a token bucket like OpenAI's; over it, 429 with `retry-after-ms`. */
export interface FakeRateLimit {
  requestsPerMinute: number;
  burst: number;
}

export class FakeOpenAI {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: FakeBehaviour[] = [];
  private responder: Responder = defaultResponder;
  private server: Server | undefined;
  private mode: FakeMode = { kind: 'normal' };
  private latencyMs = 0;
  private limit: (FakeRateLimit & { tokens: number; last: number }) | undefined;
  /** 429s sent because the rate limit (setRateLimit) was exceeded. */
  rateLimited = 0;
  /** Requests being answered right now, and the most at once. */
  inFlight = 0;
  maxInFlight = 0;

  setMode(mode: FakeMode): this {
    this.mode = mode;
    return this;
  }

  /** Every answer (success or scripted error) is sent after `ms`. */
  setLatency(ms: number): this {
    this.latencyMs = ms;
    return this;
  }

  setRateLimit(limit: FakeRateLimit | undefined): this {
    this.limit = limit && { ...limit, tokens: limit.burst, last: Date.now() };
    return this;
  }

  /** Chat/embeddings requests per whole second since the first one, e.g. [3, 2, 2, 0, 1]. */
  perSecond(): number[] {
    const api = this.requests.filter((r) => r.path !== '/v1/models');
    if (api.length === 0) return [];
    const start = api[0]!.at;
    const out: number[] = [];
    for (const r of api) {
      const i = Math.floor((r.at - start) / 1000);
      while (out.length <= i) out.push(0);
      out[i]!++;
    }
    return out;
  }

  /** Most chat/embeddings requests seen in any window of `ms` milliseconds. */
  maxInWindow(ms: number): number {
    const at = this.requests.filter((r) => r.path !== '/v1/models').map((r) => r.at);
    let best = 0;
    for (let i = 0, j = 0; i < at.length; i++) {
      while (at[i]! - at[j]! >= ms) j++;
      best = Math.max(best, i - j + 1);
    }
    return best;
  }

  private overLimit(): number | undefined {
    const l = this.limit;
    if (!l) return undefined;
    const now = Date.now();
    l.tokens = Math.min(l.burst, l.tokens + ((now - l.last) * l.requestsPerMinute) / 60_000);
    l.last = now;
    if (l.tokens >= 1) {
      l.tokens -= 1;
      return undefined;
    }
    return Math.ceil(((1 - l.tokens) * 60_000) / l.requestsPerMinute);
  }

  get calls(): number {
    return this.requests.length;
  }

  /** Chat-completion requests only. */
  get chatCalls(): number {
    return this.requests.filter((r) => r.path === '/v1/chat/completions').length;
  }

  enqueue(...behaviours: FakeBehaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  respondWith(fn: Responder): this {
    this.responder = fn;
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.responder = defaultResponder;
    this.mode = { kind: 'normal' };
    this.latencyMs = 0;
    this.limit = undefined;
    this.rateLimited = 0;
    this.maxInFlight = 0;
  }

  async start(): Promise<{ url: string }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => send(res, 500, { error: { message: String(err) } }));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/v1` };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: unknown = null;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.requests.push({ method: req.method ?? 'GET', path, body, headers: req.headers, at: Date.now() });

    if (req.method === 'GET' && path === '/v1/models') {
      send(res, 200, {
        object: 'list',
        data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'fake' }],
      });
      return;
    }
    const known = req.method === 'POST' && (path === '/v1/chat/completions' || path === '/v1/embeddings');
    if (!known) {
      send(res, 404, { error: { message: `No route ${req.method} ${path}`, type: 'invalid_request_error' } });
      return;
    }
    const scripted = this.queue.shift();
    if (scripted === undefined && this.mode.kind === 'hang') return;
    const behaviour: FakeBehaviour | undefined =
      scripted ??
      (this.mode.kind === 'always-429'
        ? {
            status: 429,
            headers: this.mode.headers ?? {},
            body: { error: { message: 'Rate limit reached', type: 'requests' } },
          }
        : undefined);
    if (behaviour && 'hang' in behaviour) return; // never answer: the client's timeout fires
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Checked on arrival, as a provider does; the answer then takes `latencyMs` either way.
      const wait = behaviour === undefined ? this.overLimit() : undefined;
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      if (wait !== undefined) {
        this.rateLimited++;
        send(
          res,
          429,
          { error: { message: 'Rate limit reached', type: 'requests' } },
          { 'retry-after-ms': String(wait) },
        );
        return;
      }
      this.answer(path, body, behaviour, res);
    } finally {
      this.inFlight--;
    }
  }

  private answer(
    path: string,
    body: unknown,
    behaviour: FakeBehaviour | undefined,
    res: ServerResponse,
  ): void {
    if (behaviour && 'status' in behaviour) {
      const errorBody = behaviour.body ?? {
        error: { message: `Scripted ${behaviour.status}`, type: 'fake_error' },
      };
      send(res, behaviour.status, errorBody, behaviour.headers);
      return;
    }
    if (path === '/v1/embeddings') {
      send(res, 200, embeddingsResponse(body));
      return;
    }
    const chat = (typeof body === 'object' && body !== null ? body : {}) as ChatRequestBody;
    if (behaviour && 'refusal' in behaviour) {
      send(res, 200, completion(chat, null, behaviour.refusal, 'stop'));
      return;
    }
    const content = behaviour && 'content' in behaviour ? behaviour.content : this.responder(chat);
    const finishReason =
      behaviour && 'finishReason' in behaviour ? (behaviour.finishReason ?? 'stop') : 'stop';
    send(res, 200, completion(chat, content, null, finishReason));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const approxTokens = (text: string): number => Math.ceil(text.length / 4);

function completion(
  chat: ChatRequestBody,
  content: string | null,
  refusal: string | null,
  finishReason: string,
) {
  const promptText = (chat.messages ?? []).map((m) => m.content).join('\n');
  const promptTokens = approxTokens(promptText);
  const completionTokens = approxTokens(content ?? refusal ?? '');
  return {
    id: `chatcmpl-fake-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: chat.model ?? 'fake-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal },
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

/** Deterministic unit vector from the text's sha256: equal texts give equal vectors. */
export function fakeEmbedding(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  const raw = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => ((digest[i] ?? 0) - 127.5) / 127.5);
  const norm = Math.hypot(...raw) || 1;
  return raw.map((x) => x / norm);
}

function embeddingsResponse(body: unknown) {
  const req = (typeof body === 'object' && body !== null ? body : {}) as { input?: unknown; model?: string };
  const inputs = Array.isArray(req.input) ? req.input.map(String) : [String(req.input ?? '')];
  return {
    object: 'list',
    model: req.model ?? 'fake-embedding',
    data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text) })),
    usage: { prompt_tokens: approxTokens(inputs.join(' ')), total_tokens: approxTokens(inputs.join(' ')) },
  };
}

/** The user message's first `<article …>` block, or '' when there is none. */
export function firstArticleText(body: ChatRequestBody): string {
  return firstArticleIn(userMessage(body));
}

function userMessage(body: ChatRequestBody): string {
  return (body.messages ?? []).find((m) => m.role === 'user')?.content ?? '';
}

function firstArticleIn(text: string): string {
  const block = /<article\b[^>]*>([\s\S]*?)<\/article>/.exec(text)?.[1] ?? '';
  return block.replace(/^\s*Title:.*\n/, '').trim();
}

/**
 * The `<story id="…">` blocks of a batched summary request (prompts/summarise-batch.md), each with its
 * id and its text; empty for a single-story request.
 */
export function storyBlocks(body: ChatRequestBody): Array<{ id: string; text: string }> {
  return [...userMessage(body).matchAll(/<story id="([^"]*)"[^>]*>([\s\S]*?)<\/story>/g)].map((m) => ({
    id: m[1] ?? '',
    text: m[2] ?? '',
  }));
}

/**
 * Answers a batched request story by story with `one` (given each story's text as a single-story
 * request would carry it), as `{"stories": [...]}`; a single-story request gets `one` as it is.
 */
export function perStory(one: (body: ChatRequestBody) => string): Responder {
  return (body) => {
    const stories = storyBlocks(body);
    if (stories.length === 0) return one(body);
    return JSON.stringify({
      stories: stories.map(({ id, text }) => ({
        story: id,
        ...(JSON.parse(one({ ...body, messages: [{ role: 'user', content: text }] })) as object),
      })),
    });
  };
}

/** A plausible summary: headline and source sentence echo the first sentence of the first article. */
function summaryOf(body: ChatRequestBody): string {
  const text = firstArticleText(body);
  const first = (/^[\s\S]*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text).trim() || 'Trade story';
  return JSON.stringify({
    headline: first.slice(0, 120),
    summary: `${first} Further details were reported by the sources.`,
    keyPoints: [first, 'Officials commented on the measure.', 'Markets reacted.'],
    entities: { countries: ['us', 'CN'], people: [], organisations: ['World Trade Organization'] },
    instruments: ['tariff'],
    sourceSentences: [first],
    relevance: 0.9,
  });
}

/** The default: a plausible summary per story (batched requests get one per `<story>` block). */
export const defaultResponder: Responder = perStory(summaryOf);
