import { platformOf } from '../channels.ts';
import { TradewireError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { type OutgoingMessage, storyIdsOf } from '../messages.ts';
import { deliveries } from '../metrics.ts';
import type { DeliveryTarget, PostedMessage } from '../platform/port.ts';
import type { DeliveryClaim, Store } from '../store/store.ts';

/** A delivery job: everything needed to post once, with no further reads. */
export interface DeliveryRequest {
  /** Ledger id, deterministic: `digest:<channel>:<period>`, `alert:<watch>:<story>`, … */
  deliveryId: string;
  channel: string;
  message: OutgoingMessage;
  threadRef?: string | undefined;
  /** Answer an inbound request in place (see PostOptions.replyRef). */
  replyRef?: string | undefined;
  /** For digests: the story sequence the channel's cursor moves to once this is delivered. */
  digestCursor?: { seq: number; periodKey: string } | undefined;
}

export type DeliveryOutcome =
  | { status: 'delivered'; posted: PostedMessage; recovered: boolean }
  | { status: 'already-delivered' };

/** How long a claim protects a delivery from a second worker (a post should take far less). */
export const DELIVERY_LEASE_MS = 60_000;

/**
 * Posts a message exactly once per ledger id.
 *
 * Crash between posting and recording: the ledger row stays `pending` with attempts ≥ 1. The next
 * attempt asks the platform whether a message with this idempotency key already exists
 * (`findPosted`) and records that one instead of posting again.
 */
export async function deliver(
  store: Store,
  target: DeliveryTarget,
  req: DeliveryRequest,
  opts: { leaseMs?: number; log?: Logger } = {},
): Promise<DeliveryOutcome> {
  const log = (opts.log ?? silentLogger).child({ delivery: req.deliveryId, channel: req.channel });
  const platform = platformOf(req.channel) ?? 'unknown';
  const claim = await store.claimDelivery(claimOf(req, opts.leaseMs ?? DELIVERY_LEASE_MS));
  if (claim.outcome === 'settled') {
    deliveries.inc({ platform, status: 'already-delivered' });
    log.debug('already delivered: not posting again');
    return { status: 'already-delivered' };
  }
  if (claim.outcome === 'busy') {
    // Another worker holds the lease (or died holding it). The queue delays the job without using an
    // attempt, so a crashed holder can never exhaust the survivor's retries.
    throw new TradewireError(
      'delivery/in-progress',
      `delivery ${req.deliveryId} is being posted by another worker`,
      {
        retryable: true,
        // Check back soon: the holder usually settles within moments; a dead one's lease runs out.
        retryAfterMs: Math.min(Math.max(500, claim.retryInMs), 2_000),
      },
    );
  }
  let posted: PostedMessage | null = null;
  let recovered = false;
  if (claim.delivery.attempts > 1) {
    posted = await target.findPosted(req.channel, req.deliveryId);
    recovered = posted !== null;
  }
  if (!posted) {
    try {
      posted = await target.post(req.channel, req.message, {
        idempotencyKey: req.deliveryId,
        threadRef: req.threadRef,
        replyRef: req.replyRef,
      });
    } catch (err) {
      const status =
        err instanceof TradewireError && err.code === 'platform/rate-limited' ? 'rate-limited' : 'failed';
      // Release the lease so a retry can claim it; the queue decides from the error whether to retry.
      await store.settleDelivery(req.deliveryId, status, {
        reason: err instanceof Error ? err.message : String(err),
      });
      deliveries.inc({ platform, status });
      log.warn(status === 'rate-limited' ? 'delivery rate-limited' : 'delivery failed', {
        attempt: claim.delivery.attempts,
        err,
      });
      throw err;
    }
  }
  // Settling and moving a digest's cursor happen in one transaction: no story is dropped or repeated.
  await store.settleDelivery(req.deliveryId, 'delivered', {
    messageRef: posted.ref,
    messageRefs: posted.refs,
    reason: null,
    digestCursor: req.digestCursor ? { channel: req.channel, ...req.digestCursor } : undefined,
  });
  await rememberThread(store, req, posted);
  deliveries.inc({ platform, status: 'delivered' });
  log.info(recovered ? 'delivered (recovered: already posted before a crash)' : 'delivered', {
    kind: req.message.kind,
    ref: posted.ref,
  });
  return { status: 'delivered', posted, recovered };
}

/** The ledger row a delivery request claims (`leaseMs` 0: only recorded, as the outbox does). */
export function claimOf(req: DeliveryRequest, leaseMs = 0): DeliveryClaim {
  return {
    id: req.deliveryId,
    channel: req.channel,
    kind: req.message.kind,
    storyIds: storyIdsOf(req.message),
    watchId: req.message.kind === 'alert' ? req.message.watchId : null,
    leaseMs,
  };
}

/**
 * Records a delivery no process here can post (its platform is not configured) as failed, with the
 * reason, so "why wasn't this posted?" has an answer instead of a silent drop. Once only: a row that
 * already exists keeps its outcome.
 */
export async function recordUndeliverable(store: Store, req: DeliveryRequest, reason: string): Promise<void> {
  const claim = await store.claimDelivery(claimOf(req, 1_000));
  if (claim.outcome !== 'claimed') return;
  await store.settleDelivery(req.deliveryId, 'failed', { reason });
  deliveries.inc({ platform: platformOf(req.channel) ?? 'unknown', status: 'failed' });
}

/**
 * A message the bot posted starts a conversation: a reply in its thread is a follow-up about its
 * stories (and, for an answer, its question). The state is keyed as inbound replies will name it,
 * `<channel>:<threadRef>`; an existing conversation (an answer posted in its own thread) is kept.
 */
async function rememberThread(store: Store, req: DeliveryRequest, posted: PostedMessage): Promise<void> {
  const threadId = `${req.channel}:${posted.threadRef}`;
  if (await store.getThread(threadId)) return;
  const at = new Date().toISOString();
  const m = req.message;
  const storyIds = storyIdsOf(m);
  await store.saveThread({
    threadId,
    channel: req.channel,
    storyIds,
    turns: m.kind === 'answer' ? [{ question: m.question, answer: m.answer, storyIds, at }] : [],
    updatedAt: at,
  });
}
