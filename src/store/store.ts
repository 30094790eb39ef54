import type { ArticleStore } from './articles.ts';
import type { DeliveryLedger } from './ledger.ts';
import type { PassageSearch } from './retrieval.ts';
import type { ScheduleStore, ThreadStore, WatchStore } from './subscriptions.ts';
import type { SummaryStore } from './summaries.ts';
import type { UnfinishedWorkStore } from './unfinished.ts';

export type * from './articles.ts';
export type * from './ledger.ts';
export type * from './retrieval.ts';
export type * from './subscriptions.ts';
export type * from './summaries.ts';
export type * from './unfinished.ts';

/**
 * The repository port, one interface per aggregate. SQLite (embedded default) implements it in
 * ./sqlite; a PostgreSQL adapter implements the same interface for multi-machine deployments, and
 * both must pass the store conformance suite (test/conformance/store.ts). Every method is atomic on
 * its own (callers never need a transaction that spans calls), and its promise resolves only once
 * its write is committed.
 */
export interface Store
  extends ArticleStore,
    PassageSearch,
    SummaryStore,
    DeliveryLedger,
    WatchStore,
    ScheduleStore,
    ThreadStore,
    UnfinishedWorkStore {
  close(): Promise<void>;
}
