import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeSocketMode } from './slack-socket.ts';
import { type ApiCall, type FakeEphemeral, type FakeMessage, parseArgs, send, view } from './slack-wire.ts';

export type { ApiCall, FakeEphemeral, FakeMessage } from './slack-wire.ts';

/**
 * A real HTTP server speaking Slack's Web API wire format (form-encoded requests, `{ ok, … }` JSON
 * replies, 429 + Retry-After), `response_url` endpoints, and a Socket Mode WebSocket, for end-to-end
 * tests with the real Bolt app and Web API client. Point `SLACK_API_URL` at `apiUrl`.
 */

type Injection = {
  method: string;
  channel?: string;
  times: number;
  status: number;
  retryAfterSec?: number;
  error?: string;
  /** Matching calls let through before the failure starts. */
  after?: number;
};

export const BOT_USER_ID = 'UTRADEBOT';
export const BOT_ID = 'BTRADEBOT';

export class FakeSlack {
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  readonly responses: Array<{ id: string; body: Record<string, unknown> }> = [];
  readonly calls: ApiCall[] = [];
  readonly socket = new FakeSocketMode();
  /** Channels the bot has not been invited to: posts fail with not_in_channel. */
  readonly notMember = new Set<string>();
  private readonly injections: Injection[] = [];
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));
  private seq = 0;
  private responseSeq = 0;
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    this.socket.attach(this.server);
    return this;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A fresh `response_url` for one inbound command or action. */
  responseUrl(): string {
    return `http://127.0.0.1:${this.port}/response/${++this.responseSeq}`;
  }

  /** The next `times` calls of `method` (to `channel`, if given) get this failure instead. */
  inject(i: Omit<Injection, 'times' | 'status'> & { times?: number; status?: number }): void {
    this.injections.push({ times: 1, status: 429, ...i });
  }

  rateLimit(
    method: string,
    retryAfterSec: number,
    opts: { channel?: string; times?: number; after?: number } = {},
  ): void {
    this.inject({ method, retryAfterSec, status: 429, ...opts });
  }

  posted(channel?: string): FakeMessage[] {
    return this.messages.filter((m) => channel === undefined || m.channel === channel);
  }

  /** Polls until `pred` holds (for work that finishes on a queue). */
  async waitFor<T>(
    fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
    timeoutMs = 15_000,
  ): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error('FakeSlack.waitFor timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.socket.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/response/')) {
      this.responses.push({ id: url.pathname.slice('/response/'.length), body: JSON.parse(raw || '{}') });
      return send(res, 200, { ok: true });
    }
    if (!url.pathname.startsWith('/api/')) return send(res, 404, { ok: false, error: 'unknown_path' });
    const method = url.pathname.slice('/api/'.length);
    const args = parseArgs(raw, req.headers['content-type']);
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    const call: ApiCall = { method, args, token, at: Date.now(), status: 200 };
    this.calls.push(call);
    const inj = this.injections.find(
      (i) => i.method === method && (!i.channel || i.channel === args.channel),
    );
    if (inj && (inj.after ?? 0) > 0) inj.after = (inj.after ?? 0) - 1;
    else if (inj) {
      if (--inj.times <= 0) this.injections.splice(this.injections.indexOf(inj), 1);
      call.status = inj.status;
      const headers = inj.retryAfterSec !== undefined ? { 'retry-after': String(inj.retryAfterSec) } : {};
      return send(res, inj.status, { ok: false, error: inj.error ?? 'ratelimited' }, headers);
    }
    if (!token) return send(res, 200, { ok: false, error: 'not_authed' });
    send(res, 200, this.api(method, args));
  }

  private api(method: string, a: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.test/',
          team: 'Fake',
          user: 'tradewire',
          team_id: 'TFAKE',
          user_id: BOT_USER_ID,
          bot_id: BOT_ID,
        };
      case 'apps.connections.open':
        return { ok: true, url: this.socket.url(this.port) };
      case 'chat.postMessage':
        return this.postMessage(a);
      case 'chat.postEphemeral':
        this.ephemerals.push({
          channel: String(a.channel),
          user: String(a.user),
          text: String(a.text ?? ''),
          thread_ts: a.thread_ts as string | undefined,
        });
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.update': {
        const m = this.messages.find((x) => x.channel === a.channel && x.ts === a.ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        if (typeof a.text === 'string') m.text = a.text;
        if (Array.isArray(a.blocks)) m.blocks = a.blocks;
        return { ok: true, channel: m.channel, ts: m.ts };
      }
      case 'conversations.history':
        return this.page(
          this.messages
            .filter((m) => m.channel === a.channel && (!m.thread_ts || m.thread_ts === m.ts))
            .reverse(),
          a,
        );
      case 'conversations.replies': {
        const all = this.messages.filter(
          (m) => m.channel === a.channel && (m.ts === a.ts || m.thread_ts === a.ts),
        );
        return this.page(all, a);
      }
      case 'conversations.info': {
        const id = String(a.channel);
        return {
          ok: true,
          channel: { id, name: `chan-${id.toLowerCase()}`, is_member: !this.notMember.has(id) },
        };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private postMessage(a: Record<string, unknown>): Record<string, unknown> {
    if (typeof a.channel !== 'string' || !/^[CDG]/.test(a.channel))
      return { ok: false, error: 'channel_not_found' };
    if (this.notMember.has(a.channel)) return { ok: false, error: 'not_in_channel' };
    const ts = this.nextTs();
    const thread = typeof a.thread_ts === 'string' ? a.thread_ts : undefined;
    const m: FakeMessage = {
      channel: a.channel,
      ts,
      text: String(a.text ?? ''),
      blocks: (a.blocks as unknown[]) ?? [],
      metadata: a.metadata as FakeMessage['metadata'],
      thread_ts: thread,
      user: BOT_USER_ID,
      bot_id: BOT_ID,
      sent: a,
    };
    if (thread) {
      const parent = this.messages.find((x) => x.channel === a.channel && x.ts === thread);
      if (parent) {
        parent.reply_count = (parent.reply_count ?? 0) + 1;
        parent.latest_reply = ts;
      }
    }
    this.messages.push(m);
    return { ok: true, channel: m.channel, ts, message: view(m, true) };
  }

  /** Adds a message by a person (e.g. the mention a bot answer is threaded under). */
  addUserMessage(channel: string, user: string, text: string, threadTs?: string): FakeMessage {
    const m: FakeMessage = {
      channel,
      ts: this.nextTs(),
      text,
      blocks: [],
      thread_ts: threadTs,
      user,
      sent: {},
    };
    this.messages.push(m);
    return m;
  }

  private page(list: FakeMessage[], a: Record<string, unknown>): Record<string, unknown> {
    const limit = Math.min(Number(a.limit ?? 100) || 100, 1000);
    const start = Number(a.cursor ?? 0) || 0;
    const slice = list.slice(start, start + limit);
    const more = start + limit < list.length;
    const withMeta = a.include_all_metadata === 'true' || a.include_all_metadata === true;
    return {
      ok: true,
      messages: slice.map((m) => view(m, withMeta)),
      has_more: more,
      response_metadata: { next_cursor: more ? String(start + limit) : '' },
    };
  }

  private nextTs(): string {
    this.seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }
}
