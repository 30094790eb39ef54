import type { Delivery, DeliveryKind, DeliveryStatus } from '../domain.ts';

/** The delivery ledger: the exactly-once guard for posts, and the record of why something was not posted. */

export interface ClaimResult {
  /**
   * `claimed`: the caller holds the lease and may post; `settled`: already delivered or filtered out;
   * `busy`: another worker holds an unexpired lease (retry later).
   */
  outcome: 'claimed' | 'settled' | 'busy';
  delivery: Delivery;
  /** For `busy`: how long until the other worker's lease runs out. */
  retryInMs: number;
}

export interface DigestCursor {
  channel: string;
  /** Highest story sequence number included in a delivered digest. */
  lastSeq: number;
  lastPeriodKey: string | null;
  updatedAt: string;
}

export interface SettleOptions {
  /** The first platform message the post became. */
  messageRef?: string | null | undefined;
  /** Every platform message the post became, in order (a split digest has several). */
  messageRefs?: readonly string[] | undefined;
  reason?: string | null | undefined;
  /** For a delivered digest: the cursor moves in the same transaction as the settlement. */
  digestCursor?: { channel: string; seq: number; periodKey: string } | undefined;
}

/** What a worker claims before posting: the ledger row it creates or leases. */
export interface DeliveryClaim {
  id: string;
  channel: string;
  kind: DeliveryKind;
  storyIds: string[];
  watchId?: string | null;
  leaseMs: number;
}

export interface DeliveryLedger {
  /** Records the delivery as pending (first call) and takes a lease on posting it. */
  claimDelivery(d: DeliveryClaim): Promise<ClaimResult>;
  /**
   * Records the outcome and releases the lease; for a delivered digest it also moves the channel's
   * cursor, in the same transaction. Resolves once that is committed.
   */
  settleDelivery(id: string, status: Exclude<DeliveryStatus, 'pending'>, opts?: SettleOptions): Promise<void>;
  getDelivery(id: string): Promise<Delivery | null>;
  /** Most recent first. */
  listDeliveries(opts?: { channel?: string; limit?: number }): Promise<Delivery[]>;

  getDigestCursor(channel: string): Promise<DigestCursor | null>;
  /** Moves the cursor forward only (never back), so a late or repeated write cannot re-open a period. */
  advanceDigestCursor(channel: string, lastSeq: number, periodKey: string): Promise<void>;
}
