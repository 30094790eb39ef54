import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * Slack's Socket Mode side: `apps.connections.open` hands out `url()`, the client connects, gets
 * `{"type":"hello"}`, then envelopes (`envelope_id`, `type`, `payload`, `accepts_response_payload`)
 * which it acks with `{ envelope_id, payload? }`. The server pings, as Slack does, or the client
 * decides the connection is dead.
 */
export type EnvelopeType = 'slash_commands' | 'events_api' | 'interactive';

export interface Ack {
  envelope_id: string;
  payload?: unknown;
  /** When the ack arrived, relative to when the envelope was sent (ms). */
  afterMs: number;
}

export class FakeSocketMode {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<WebSocket>();
  private readonly waiting = new Map<string, (a: Ack) => void>();
  private readonly sentAt = new Map<string, number>();
  private ping: NodeJS.Timeout | undefined;
  private onConnect: Array<() => void> = [];
  connections = 0;

  constructor(private readonly pingIntervalMs = 2_000) {}

  url(port: number): string {
    return `ws://127.0.0.1:${port}/socket?ticket=${randomUUID()}`;
  }

  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket')) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
    this.ping = setInterval(() => {
      for (const ws of this.clients) ws.ping();
    }, this.pingIntervalMs);
  }

  /** Resolves once a client is connected and has been sent hello. */
  async connected(timeoutMs = 10_000): Promise<void> {
    if (this.clients.size > 0) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no Socket Mode client connected')), timeoutMs);
      this.onConnect.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Sends one envelope to the connected client and resolves with its ack. */
  send(type: EnvelopeType, payload: unknown, timeoutMs = 5_000): Promise<Ack> {
    const ws = [...this.clients][0];
    if (!ws) throw new Error('no Socket Mode client connected');
    const envelope_id = randomUUID();
    const acked = new Promise<Ack>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`envelope ${type} was not acknowledged`)), timeoutMs);
      this.waiting.set(envelope_id, (a) => {
        clearTimeout(t);
        resolve(a);
      });
    });
    this.sentAt.set(envelope_id, Date.now());
    ws.send(
      JSON.stringify({
        envelope_id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        retry_attempt: 0,
        retry_reason: '',
      }),
    );
    return acked;
  }

  async close(): Promise<void> {
    clearInterval(this.ping);
    for (const ws of this.clients) ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }

  private accept(ws: WebSocket): void {
    this.clients.add(ws);
    this.connections += 1;
    ws.on('close', () => this.clients.delete(ws));
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      if (!msg.envelope_id) return;
      const resolve = this.waiting.get(msg.envelope_id);
      this.waiting.delete(msg.envelope_id);
      const at = this.sentAt.get(msg.envelope_id) ?? Date.now();
      resolve?.({ envelope_id: msg.envelope_id, payload: msg.payload, afterMs: Date.now() - at });
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake', approximate_connection_time: 3600 },
        connection_info: { app_id: 'AFAKE' },
      }),
    );
    for (const f of this.onConnect.splice(0)) f();
  }
}
