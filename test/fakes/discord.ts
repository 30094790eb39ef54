import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway } from './discord-gateway.ts';
import {
  channelObject,
  type FakeChannel,
  type FakeMessage,
  type FakeUser,
  type InteractionSpec,
  messageObject,
  snowflake,
  userObject,
} from './discord-objects.ts';

/**
 * A local Discord: the REST API under `/api/v10` (gateway discovery, users/@me, channel messages
 * with nonces, threads, interaction callbacks, webhook edits and follow-ups, command registration,
 * injected 429s) and the gateway WebSocket (discord-gateway.ts). The real discord.js client and
 * @discordjs/rest talk to it unchanged, aimed here by `DISCORD_API_URL`.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  at: number;
  status: number;
}

interface RateLimitRule {
  method: string;
  path: RegExp;
  retryAfterSec: number;
  times: number;
}

export interface FakeInteraction {
  id: string;
  token: string;
  channelId: string;
  sentAt: number;
  callback: { type: number; data: Record<string, unknown>; at: number } | null;
  originalId: string | null;
  /** Bodies of every edit of the original response, in order. */
  edits: Array<Record<string, unknown>>;
}

export class FakeDiscord {
  readonly applicationId = '200000000000000001';
  readonly guildId = '300000000000000001';
  readonly bot: FakeUser = { id: '200000000000000001', username: 'tradewire', bot: true };
  readonly requests: RecordedRequest[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage[]>();
  readonly interactions = new Map<string, FakeInteraction>();
  readonly commands = new Map<string, unknown[]>();
  readonly gateway: FakeGateway;
  private readonly limits: RateLimitRule[] = [];
  /** Called after a bot message is stored and before the response is sent (crash tests kill the poster here). */
  onMessageCreated: ((m: FakeMessage) => void) | null = null;
  private server: Server;
  port = 0;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.gateway = new FakeGateway(this, this.server);
  }

  static async start(): Promise<FakeDiscord> {
    const f = new FakeDiscord();
    await new Promise<void>((r) => f.server.listen(0, '127.0.0.1', () => r()));
    f.port = (f.server.address() as AddressInfo).port;
    return f;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  addChannel(name: string, type = 0, parentId: string | null = null): FakeChannel {
    const c: FakeChannel = { id: snowflake(), type, guild_id: this.guildId, name, parent_id: parentId };
    this.channels.set(c.id, c);
    return c;
  }

  /** The next `times` requests matching are answered 429 with `retry_after` (and Retry-After). */
  rateLimit(method: string, path: RegExp, retryAfterSec: number, times = 1): void {
    this.limits.push({ method, path, retryAfterSec, times });
  }

  channelMessages(channelId: string): FakeMessage[] {
    return this.messages.get(channelId) ?? [];
  }

  /** What everyone in the channel sees (ephemeral replies left out). */
  visibleMessages(channelId: string): FakeMessage[] {
    return this.channelMessages(channelId).filter((m) => (m.flags & EPHEMERAL) === 0);
  }

  /**
   * An interaction Discord delivers to an HTTP endpoint instead: the endpoint's HTTP response is the
   * callback, and Discord then holds the deferred (non-ephemeral) reply the webhook edits.
   */
  httpInteraction(channelId: string): FakeInteraction {
    const i = this.newInteraction(channelId);
    i.callback = { type: 5, data: {}, at: Date.now() };
    i.originalId = this.createMessage(channelId, { content: '' }).id;
    return i;
  }

  private newInteraction(channelId: string): FakeInteraction {
    const i: FakeInteraction = {
      id: snowflake(),
      token: `tok_${snowflake()}_${Math.random().toString(36).slice(2)}`,
      channelId,
      sentAt: Date.now(),
      callback: null,
      originalId: null,
      edits: [],
    };
    this.interactions.set(i.token, i);
    return i;
  }

  /** Dispatches `/trade …` over the gateway, as Discord does when a user runs the command. */
  sendInteraction(spec: InteractionSpec, type = 2): FakeInteraction {
    const i = this.newInteraction(spec.channelId);
    this.gateway.dispatchInteraction(i, spec, type);
    return i;
  }

  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  createMessage(channelId: string, body: Record<string, unknown>, author = this.bot, flags = 0): FakeMessage {
    const m: FakeMessage = {
      id: snowflake(),
      channel_id: channelId,
      author: userObject(author),
      content: String(body.content ?? ''),
      embeds: (body.embeds as FakeMessage['embeds']) ?? [],
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags,
      ...(typeof body.nonce === 'string' ? { nonce: body.nonce } : {}),
      sent: body,
    };
    const list = this.messages.get(channelId) ?? [];
    list.push(m);
    this.messages.set(channelId, list);
    return m;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw && req.headers['content-type']?.includes('json') ? JSON.parse(raw) : {};
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const method = req.method ?? 'GET';
    const record = (status: number) => this.requests.push({ method, path, body, at: Date.now(), status });
    const json = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      record(status);
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(data));
    };
    const limit = this.limits.find((l) => l.method === method && l.path.test(path) && l.times > 0);
    if (limit) {
      limit.times--;
      const s = String(limit.retryAfterSec);
      return json(
        429,
        { message: 'You are being rate limited.', retry_after: limit.retryAfterSec, global: false, code: 0 },
        {
          'retry-after': s,
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': s,
          'x-ratelimit-bucket': 'fake-bucket',
          'x-ratelimit-scope': 'user',
        },
      );
    }
    const out = routeRequest(this, method, path, body, url.searchParams);
    if (out === null) return json(404, { message: 'Unknown route', code: 0 });
    if (out.status === 204) {
      // No JSON content type on an empty answer: the REST client parses any JSON-typed body.
      record(204);
      res.writeHead(204).end();
      return;
    }
    json(out.status, out.data);
  }
}

const EPHEMERAL = 1 << 6;

type Out = { status: number; data?: unknown } | null;
const err = (status: number, code: number, message: string): Out => ({ status, data: { code, message } });

function routeRequest(
  f: FakeDiscord,
  method: string,
  path: string,
  body: Record<string, unknown>,
  q: URLSearchParams,
): Out {
  const wire = (m: FakeMessage) => messageObject(m, f.guildId);
  let m: RegExpExecArray | null;
  if (method === 'GET' && path === '/gateway/bot') {
    return {
      status: 200,
      data: {
        url: `ws://127.0.0.1:${f.port}/gateway`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      },
    };
  }
  if (method === 'GET' && path === '/users/@me') return { status: 200, data: userObject(f.bot) };
  if (method === 'GET' && path === '/applications/@me')
    return { status: 200, data: { id: f.applicationId, name: 'Tradewire', flags: 0 } };
  m = method === 'GET' ? /^\/channels\/(\d+)$/.exec(path) : null;
  if (m) {
    const c = f.channels.get(m[1]!);
    return c ? { status: 200, data: channelObject(c) } : err(404, 10003, 'Unknown Channel');
  }
  m = /^\/channels\/(\d+)\/messages$/.exec(path);
  if (m) {
    const channelId = m[1]!;
    if (!f.channels.has(channelId)) return err(404, 10003, 'Unknown Channel');
    if (method === 'GET') {
      const n = Math.min(Number(q.get('limit') ?? 50), 100);
      // Ephemeral replies are seen only by the person who asked: never in the channel's history.
      const visible = f.channelMessages(channelId).filter((x) => (x.flags & EPHEMERAL) === 0);
      return { status: 200, data: [...visible].reverse().slice(0, n).map(wire) };
    }
    if (method === 'POST') {
      if (body.enforce_nonce && typeof body.nonce === 'string') {
        const earlier = f.channelMessages(channelId).find((x) => x.nonce === body.nonce);
        if (earlier) return { status: 200, data: wire(earlier) };
      }
      const msg = f.createMessage(channelId, body);
      f.onMessageCreated?.(msg);
      f.gateway.dispatch('MESSAGE_CREATE', wire(msg));
      return { status: 200, data: wire(msg) };
    }
  }
  m = method === 'POST' ? /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path) : null;
  if (m) {
    const msg = f.channelMessages(m[1]!).find((x) => x.id === m?.[2]);
    if (!msg) return err(404, 10008, 'Unknown Message');
    if (msg.thread) return err(400, 160004, 'A thread has already been created for this message');
    const thread: FakeChannel = {
      id: msg.id,
      type: 11,
      guild_id: f.guildId,
      name: String(body.name),
      parent_id: m[1]!,
    };
    f.channels.set(thread.id, thread);
    msg.thread = channelObject(thread);
    f.gateway.dispatch('THREAD_CREATE', { ...channelObject(thread), newly_created: true });
    return { status: 201, data: channelObject(thread) };
  }
  m = method === 'POST' ? /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path) : null;
  if (m) {
    const i = f.interactions.get(m[2]!);
    if (!i || i.id !== m[1]) return err(404, 10062, 'Unknown interaction');
    if (i.callback) return err(400, 40060, 'Interaction has already been acknowledged.');
    i.callback = {
      type: Number(body.type),
      data: (body.data as Record<string, unknown>) ?? {},
      at: Date.now(),
    };
    if (i.callback.type === 5 || i.callback.type === 4) {
      const data = i.callback.type === 4 ? i.callback.data : { content: '' };
      i.originalId = f.createMessage(i.channelId, data, f.bot, Number(i.callback.data.flags ?? 0)).id;
    }
    return q.get('with_response') === 'true'
      ? { status: 200, data: { interaction: { id: i.id, type: 2 }, resource: { type: i.callback.type } } }
      : { status: 204 };
  }
  m = method === 'PATCH' ? /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path) : null;
  if (m) {
    const i = f.interactions.get(m[2]!);
    const msg = i?.originalId ? f.channelMessages(i.channelId).find((x) => x.id === i.originalId) : undefined;
    if (!i || m[1] !== f.applicationId) return err(401, 50027, 'Invalid Webhook Token');
    if (!msg) return err(404, 10008, 'Unknown Message');
    if ('content' in body) msg.content = String(body.content);
    if ('embeds' in body) msg.embeds = body.embeds as FakeMessage['embeds'];
    msg.edited_timestamp = new Date().toISOString();
    msg.sent = body;
    i.edits.push(body);
    return { status: 200, data: wire(msg) };
  }
  m = method === 'POST' ? /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path) : null;
  if (m) {
    const i = f.interactions.get(m[2]!);
    if (!i) return err(401, 50027, 'Invalid Webhook Token');
    return { status: 200, data: wire(f.createMessage(i.channelId, body)) };
  }
  m = method === 'PUT' ? /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path) : null;
  if (m) {
    if (m[1] !== f.applicationId) return err(403, 50001, 'Missing Access');
    const saved = (body as unknown as unknown[]).map((c) => ({
      ...(c as object),
      id: snowflake(),
      application_id: f.applicationId,
      version: snowflake(),
    }));
    f.commands.set(m[2] ? `guild:${m[2]}` : 'global', saved);
    return { status: 200, data: saved };
  }
  return null;
}
