import type { OutgoingMessage } from '../messages.ts';

/** What delivery needs from a platform; adapters/platform.ts extends it into the full port. */

export interface PostOptions {
  /** Stable id of this delivery (the ledger id): lets a platform detect a post it already made. */
  idempotencyKey: string;
  /** Post as a reply in this thread (platform thread reference). */
  threadRef?: string | undefined;
}

export interface PostedMessage {
  /** Platform reference to the message (Slack ts, Discord message id, console line number). */
  ref: string;
  /** Reference replies use to land in this message's thread. */
  threadRef: string;
}

export interface DeliveryTarget {
  /**
   * Sends a message. Throws TradewireError `platform/rate-limited` (retryable; `retryAfterMs` set)
   * or `platform/rejected` (not retryable).
   */
  post(channel: string, message: OutgoingMessage, opts: PostOptions): Promise<PostedMessage>;
  /**
   * Finds a message this bot already posted for `idempotencyKey`, so a delivery retried after a crash
   * between posting and recording does not post twice.
   */
  findPosted(channel: string, idempotencyKey: string): Promise<PostedMessage | null>;
}
