import type { FakeDiscord } from './discord.ts';
import {
  channelObject,
  type FakeChannel,
  type FakeMessage,
  messageObject,
  snowflake,
  userObject,
} from './discord-objects.ts';

/** The fake's REST routes under `/api/v10`, answering as Discord does (status, JSON error codes). */

export const EPHEMERAL = 1 << 6;

type Out = { status: number; data?: unknown } | null;
const err = (status: number, code: number, message: string): Out => ({ status, data: { code, message } });

export function routeRequest(
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
