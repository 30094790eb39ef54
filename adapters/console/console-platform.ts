import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseChannel } from '../../src/channels.ts';
import { TradewireError } from '../../src/errors.ts';
import { type OutgoingMessage, storyIdsOf } from '../../src/messages.ts';
import { readCappedBody, sendJson } from '../../src/platform/http.ts';
import { replyText } from '../../src/usecases/chat.ts';
import type {
  ChatHandler,
  ChatRequest,
  HttpRoute,
  InboundConnection,
  Platform,
  PlatformLimits,
  PostedMessage,
  PostOptions,
} from '../platform.ts';
import { renderText } from './render-text.ts';

/** One line of `<data-dir>/channels/<name>.jsonl`: the console channel's wire format. */
export interface ConsoleLine {
  kind: OutgoingMessage['kind'];
  text: string;
  storyIds: string[];
  watchId?: string;
  postedAt: string;
  deliveryId: string;
  threadRef?: string;
}

/**
 * `console:<name>`: a real channel for local use, the demo and tests. Each message is appended as
 * one JSON line and echoed to `echo` (stdout, or stderr when stdout carries --json output).
 */
export class ConsolePlatform implements Platform {
  readonly name = 'console';
  /** A line in a file has no platform cap; these keep a digest readable on a terminal. */
  readonly limits: PlatformLimits = { messageChars: 100_000, storiesPerMessage: 100, messagesPerPost: 1 };

  constructor(
    private readonly dataDir: string,
    private readonly echo: NodeJS.WritableStream | null,
  ) {}

  channelFile(channel: string): string {
    const { platform, id } = parseChannel(channel);
    if (platform !== 'console') {
      throw new TradewireError('platform/unknown-channel', `${channel} is not a console channel`);
    }
    return join(this.dataDir, 'channels', `${id}.jsonl`);
  }

  render(message: OutgoingMessage): string[] {
    return [renderText(message, this.limits.messageChars)];
  }

  /**
   * The console's inbound side: `POST /console/commands` with `{ "channel": "console:desk", "text":
   * "watch steel tariffs" }` (optionally `kind`, `user`, `threadRef`) runs a chat command exactly as a
   * Slack or Discord user would, and answers with the reply as data and as text. Loopback only.
   */
  connect(handler: ChatHandler): InboundConnection {
    const route: HttpRoute = async (req, res) => {
      if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: 'loopback only' });
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST a JSON command' });
      const raw = await readCappedBody(req, res, MAX_COMMAND_BYTES, 'a command is a few words');
      if (!raw) return;
      const parsed = parseCommand(raw.toString('utf8'));
      if ('error' in parsed) return sendJson(res, 400, parsed);
      const reply = await handler(parsed);
      sendJson(res, 200, { reply, text: replyText(reply) });
    };
    return {
      routes: new Map([['/console/commands', route]]),
      start: async () => {},
      stop: async () => {},
    };
  }

  async post(channel: string, message: OutgoingMessage, opts: PostOptions): Promise<PostedMessage> {
    const file = this.channelFile(channel);
    mkdirSync(join(this.dataDir, 'channels'), { recursive: true });
    const line: ConsoleLine = {
      kind: message.kind,
      text: renderText(message, this.limits.messageChars),
      storyIds: storyIdsOf(message),
      ...(message.kind === 'alert' ? { watchId: message.watchId } : {}),
      postedAt: new Date().toISOString(),
      deliveryId: opts.idempotencyKey,
      ...(opts.threadRef ? { threadRef: opts.threadRef } : {}),
    };
    // One write() of one line: appends of a line this size are atomic, so concurrent writers never interleave.
    appendFileSync(file, `${JSON.stringify(line)}\n`);
    this.echo?.write(`[${channel}] ${line.text}\n\n`);
    const ref = `${channel}#${opts.idempotencyKey}`;
    return { ref, refs: [ref], threadRef: opts.threadRef ?? ref };
  }

  async findPosted(channel: string, idempotencyKey: string): Promise<PostedMessage | null> {
    const file = this.channelFile(channel);
    if (!existsSync(file)) return null;
    const needle = `"deliveryId":${JSON.stringify(idempotencyKey)}`;
    for (const raw of readFileSync(file, 'utf8').split('\n')) {
      if (!raw.includes(needle)) continue;
      const line = JSON.parse(raw) as ConsoleLine;
      const ref = `${channel}#${idempotencyKey}`;
      return { ref, refs: [ref], threadRef: line.threadRef ?? ref };
    }
    return null;
  }

  /** Messages posted so far (for tests and `tradewire channel show`). */
  read(channel: string): ConsoleLine[] {
    const file = this.channelFile(channel);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ConsoleLine);
  }

  async close(): Promise<void> {}
}

const isLoopback = (addr: string | undefined): boolean =>
  addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';

const KINDS: ReadonlyArray<ChatRequest['kind']> = ['command', 'mention', 'thread-reply'];
const MAX_COMMAND_BYTES = 16 * 1024;

function parseCommand(raw: string): ChatRequest | { error: string } {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { error: 'body must be JSON: { "channel": "console:<name>", "text": "…" }' };
  }
  const { channel, text, user, kind, threadRef } = body;
  if (typeof channel !== 'string' || !channel.startsWith('console:') || typeof text !== 'string') {
    return { error: 'channel (console:<name>) and text are required' };
  }
  const k = typeof kind === 'string' ? kind : 'command';
  if (!(KINDS as readonly string[]).includes(k)) return { error: `kind must be one of ${KINDS.join(', ')}` };
  return {
    kind: k as ChatRequest['kind'],
    channel,
    text,
    user: typeof user === 'string' ? user : 'console',
    ...(typeof threadRef === 'string' ? { threadRef } : {}),
  };
}
