import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FakeDiscord, FakeInteraction } from './discord.ts';
import {
  channelObject,
  type FakeUser,
  guildObject,
  type InteractionSpec,
  optionTree,
  snowflake,
  userObject,
} from './discord-objects.ts';

/**
 * The gateway as Discord runs it, JSON encoding, no compression: HELLO (op 10) on connect,
 * IDENTIFY (op 2) answered with READY then GUILD_CREATE, heartbeats (op 1) acknowledged (op 11),
 * then dispatches (op 0) of INTERACTION_CREATE, MESSAGE_CREATE and THREAD_CREATE.
 */
export class FakeGateway {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<{ ws: WebSocket; seq: number; intents: number }>();
  readonly identified: Array<{ intents: number; token: string }> = [];
  heartbeats = 0;

  constructor(
    private readonly discord: FakeDiscord,
    server: Server,
  ) {
    this.wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/gateway')) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws));
    });
  }

  get connected(): number {
    return [...this.sessions].filter((s) => s.intents >= 0).length;
  }

  private open(ws: WebSocket): void {
    const session = { ws, seq: 0, intents: -1 };
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { op: number; d: { intents?: number; token?: string } };
      if (msg.op === 1) {
        this.heartbeats++;
        ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      } else if (msg.op === 2) {
        session.intents = Number(msg.d.intents ?? 0);
        this.identified.push({ intents: session.intents, token: String(msg.d.token ?? '') });
        this.sessions.add(session);
        this.ready(session);
      }
    });
    ws.on('close', () => this.sessions.delete(session));
  }

  private send(session: { ws: WebSocket; seq: number }, t: string, d: unknown): void {
    session.seq++;
    session.ws.send(JSON.stringify({ op: 0, t, s: session.seq, d }));
  }

  private ready(session: { ws: WebSocket; seq: number }): void {
    const f = this.discord;
    this.send(session, 'READY', {
      v: 10,
      user: userObject(f.bot),
      guilds: [{ id: f.guildId, unavailable: true }],
      session_id: snowflake(),
      resume_gateway_url: `ws://127.0.0.1:${f.port}/gateway`,
      application: { id: f.applicationId, flags: 0 },
      shard: [0, 1],
      private_channels: [],
    });
    const all = [...f.channels.values()];
    this.send(
      session,
      'GUILD_CREATE',
      guildObject(
        f.guildId,
        all.filter((c) => c.type !== 11),
        all.filter((c) => c.type === 11),
        f.bot,
      ),
    );
  }

  /** Sends a dispatch to every identified session. */
  dispatch(t: string, d: unknown): void {
    for (const s of this.sessions) this.send(s, t, d);
  }

  dispatchInteraction(i: FakeInteraction, spec: InteractionSpec, type: number): void {
    const f = this.discord;
    const channel = f.channels.get(spec.channelId);
    const user: FakeUser = spec.user ?? { id: '400000000000000001', username: 'analyst' };
    this.dispatch('INTERACTION_CREATE', {
      id: i.id,
      application_id: f.applicationId,
      type,
      token: i.token,
      version: 1,
      guild_id: f.guildId,
      channel_id: spec.channelId,
      ...(channel ? { channel: channelObject(channel) } : {}),
      member: {
        user: userObject(user),
        roles: [],
        joined_at: new Date().toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
        permissions: '2248473465835073',
      },
      app_permissions: '2248473465835073',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': f.guildId },
      context: 0,
      attachment_size_limit: 8_388_608,
      data: {
        id: '500000000000000001',
        name: 'trade',
        type: 1,
        guild_id: f.guildId,
        options: optionTree(spec),
      },
    });
  }

  /** A user's (or another bot's) message in a channel or thread. */
  dispatchMessage(channelId: string, content: string, author: FakeUser, mentions: FakeUser[] = []): string {
    const id = snowflake();
    this.dispatch('MESSAGE_CREATE', {
      id,
      channel_id: channelId,
      guild_id: this.discord.guildId,
      author: userObject(author),
      member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: mentions.map(userObject),
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
      flags: 0,
    });
    return id;
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}
