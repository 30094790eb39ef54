import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway } from './discord-gateway.ts';
import {
  type FakeChannel,
  type FakeMessage,
  type FakeUser,
  type InteractionSpec,
  snowflake,
  userObject,
} from './discord-objects.ts';
import { EPHEMERAL, routeRequest } from './discord-rest.ts';

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
