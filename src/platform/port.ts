import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Schedule, SourceInfo, Watch } from '../domain.ts';
import type { ErrorCode } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { OutgoingMessage } from '../messages.ts';

/**
 * The platform port: the only thing the core knows about chat. `adapters/<platform>/` implement it
 * (console, Slack, Discord) and own their rendering, escaping of untrusted text, and limits.
 *
 * Two sides:
 * - outbound — post a message (which may become several platform messages), find an earlier post after
 *   a crash, render without sending (`digest --render`);
 * - inbound — optional: HTTP routes to mount on the shared server, long-lived connections to start and
 *   stop (Socket Mode, the Discord gateway), and every command, mention, thread reply or button press
 *   handed to one `ChatHandler`, which calls the use cases.
 */

/** Lower-case platform name; it is also the channel id prefix (`slack:C0123`). */
export type PlatformName = string;

export interface PostOptions {
  /** Stable id of this delivery (the ledger id): lets a platform detect a post it already made. */
  idempotencyKey: string;
  /** Post as a reply in this thread (a `PostedMessage.threadRef` or an inbound `ChatRequest.threadRef`). */
  threadRef?: string | undefined;
  /**
   * Opaque handle an adapter issued with an inbound request (`ChatRequest.replyRef`: a Slack
   * `response_url`, a Discord interaction token) to answer that request in place. Adapters fall back to
   * an ordinary post when it has expired.
   */
  replyRef?: string | undefined;
}

export interface PostedMessage {
  /** Reference to the first platform message (Slack ts, Discord message id, console line ref). */
  ref: string;
  /** Every platform message this post became, in order (a long digest may be split). */
  refs: string[];
  /** Reference replies use to land in this message's thread. */
  threadRef: string;
}

/** The limits a platform's renderer keeps to; the platform conformance suite checks them. */
export interface PlatformLimits {
  /** Characters of text in one platform message (all text fields together). */
  messageChars: number;
  /** Stories one platform message may carry before a digest is split across messages. */
  storiesPerMessage: number;
  /** Messages one post may become; stories beyond that are summarised as "…and N more". */
  messagesPerPost: number;
}

export interface DeliveryTarget {
  /**
   * Sends a message, possibly as several platform messages. Throws TradewireError
   * `platform/rate-limited` (retryable; `retryAfterMs` set) or `platform/rejected` (not retryable).
   */
  post(channel: string, message: OutgoingMessage, opts: PostOptions): Promise<PostedMessage>;
  /**
   * Finds messages this bot already posted for `idempotencyKey`, so a delivery retried after a crash
   * between posting and recording does not post twice.
   */
  findPosted(channel: string, idempotencyKey: string): Promise<PostedMessage | null>;
}

export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** What inbound adapters hand to the core. Channel ids carry their platform (`slack:C0123`). */
export interface ChatRequest {
  kind: 'command' | 'mention' | 'thread-reply' | 'action';
  channel: string;
  /** Platform user id of whoever asked (for `createdBy` and logs). */
  user: string;
  /**
   * `command`: the text after `/trade` (`ask what did Canada…`, `watch steel -canada`);
   * `mention`: the message without the bot's mention; `thread-reply`: the reply's text;
   * `action`: unused.
   */
  text: string;
  /** The thread the request was made in, or for a mention the message to answer in the thread of. */
  threadRef?: string | undefined;
  /** Handle to answer this request in place later (see PostOptions.replyRef). */
  replyRef?: string | undefined;
  /** For `action`: the button pressed and its value (e.g. `{ name: 'unwatch', value: 'w1a2b3c4' }`). */
  action?: { name: string; value: string } | undefined;
}

/** A subscribed feed as `/trade sources` shows it. */
export interface FeedInfo {
  id: string;
  url: string;
  title: string | null;
  status: 'active' | 'disabled';
  lastSuccessAt: string | null;
  lastError: string | null;
}

/**
 * What the core answers to a chat request: data, not text. Each adapter words it for its users
 * (ephemeral message, interaction reply). An answer or digest itself arrives later as a delivery.
 */
export type ChatReply =
  | { kind: 'help'; verbs: Array<{ usage: string; description: string }> }
  | { kind: 'answer-queued'; question: string; threadId: string }
  | { kind: 'digest-queued'; channel: string }
  | { kind: 'watch-added'; watch: Watch }
  | { kind: 'watch-removed'; watchId: string }
  | { kind: 'watches'; watches: Watch[] }
  | { kind: 'schedule-set'; schedule: Schedule; next: string }
  | { kind: 'schedule-removed'; channel: string; removed: boolean }
  | { kind: 'sources'; sources: SourceInfo[]; feeds?: FeedInfo[] }
  /** Not for the bot (a reply in a thread it did not start, an empty mention): say nothing. */
  | { kind: 'ignored'; reason: string }
  | { kind: 'error'; code: ErrorCode; message: string };

export type ChatHandler = (req: ChatRequest) => Promise<ChatReply>;

/** The inbound side of one platform, made when a process connects it to the core. */
export interface InboundConnection {
  /** Routes to mount on the shared HTTP server (`/slack/events`, `/discord/interactions`), by path. */
  routes: Map<string, HttpRoute>;
  /** Opens long-lived connections (Socket Mode, gateway); resolves once they are ready. */
  start(): Promise<void>;
  /** Closes them; in-flight requests finish first. */
  stop(): Promise<void>;
}

export interface Platform extends DeliveryTarget {
  readonly name: PlatformName;
  readonly limits: PlatformLimits;
  /** The payloads `post` would send, one per platform message (for `digest --render`). */
  render(message: OutgoingMessage): unknown[];
  /** Inbound side; absent on output-only platforms. */
  connect?(handler: ChatHandler, log: Logger): InboundConnection;
  close(): Promise<void>;
}
