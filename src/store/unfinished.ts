import type { DeliveryKind, DeliveryStatus } from '../domain.ts';
import type { DeliveryClaim } from './ledger.ts';

/**
 * The store as the truth about unfinished work. Redis may lose a job (a failed enqueue, a crash
 * between a commit and its enqueue, a restarted server): everything a job would have done is named
 * here, so a starting process can put it back on the queue under its deterministic job id.
 */

/** A delivery written to the ledger before its job is enqueued (the outbox): enough to enqueue it again. */
export interface PendingDelivery {
  claim: Omit<DeliveryClaim, 'leaseMs'>;
  /** The delivery job's payload, plain JSON; the store keeps it opaque. */
  request: unknown;
}

/** A ledger row not yet delivered or filtered out: `pending` (queued, or claimed and maybe posted) or `rate-limited`. */
export interface UnsettledDelivery {
  id: string;
  channel: string;
  kind: DeliveryKind;
  status: Extract<DeliveryStatus, 'pending' | 'rate-limited'>;
  /** Claims so far: ≥ 1 means a worker may have posted it (deliver() asks the platform before posting again). */
  attempts: number;
  /** The payload recorded with the outbox row; null for rows written before the outbox existed. */
  request: unknown;
  updatedAt: string;
}

export interface UnfinishedCounts {
  /** Stories whose wanted summary version is not written. */
  unsummarised: number;
  /** Stories summarised but not yet matched against the watches for that summary. */
  unalerted: number;
  /** Deliveries (alerts, digests, answers) recorded but not settled. */
  unsettled: number;
}

export interface UnfinishedWorkStore {
  /**
   * Records each delivery as `pending` with its job payload, before the job is enqueued. A row that
   * exists keeps its status and attempts (only a missing payload is filled in), so recording twice
   * is harmless and a settled delivery is never re-opened.
   */
  recordPendingDeliveries(entries: readonly PendingDelivery[]): Promise<void>;
  /** Watch matching ran for summary version `version` of the story and its alerts are recorded. Forward only. */
  markStoryMatched(storyId: string, version: number): Promise<void>;
  unfinishedCounts(): Promise<UnfinishedCounts>;
  /** Oldest first (by story sequence), at most `limit`. */
  unsummarisedStories(limit: number): Promise<Array<{ storyId: string; version: number }>>;
  /** Summarised at its wanted version but not matched since; oldest first, at most `limit`. */
  unalertedStories(limit: number): Promise<Array<{ storyId: string; version: number }>>;
  /** Oldest first, at most `limit`. */
  unsettledDeliveries(limit: number): Promise<UnsettledDelivery[]>;
}
