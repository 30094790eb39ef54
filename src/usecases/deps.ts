import type { Config } from '../config.ts';
import type { Llm } from '../llm/client.ts';
import type { Logger } from '../log.ts';
import type { Platform } from '../platform/port.ts';
import type { PlatformRegistry } from '../platform/registry.ts';
import type { ReconcileReport } from '../queue/reconcile.ts';
import type { QueueRuntime } from '../queue/runtime.ts';
import type { FeedStore } from '../store/feeds.ts';
import type { Store } from '../store/store.ts';

/**
 * What every use case may reach: explicit, so a test can pass its own and every surface (CLI, chat
 * adapters, HTTP API, feed poller) calls the same functions with the same guarantees.
 */
export interface UseCaseDeps {
  config: Config;
  store: Store;
  /** Feed subscriptions (absent where a caller has no feeds: `/trade sources` then lists articles only). */
  feeds?: FeedStore | undefined;
  llm: Llm | null;
  log: Logger;
  /** Platforms configured in this deployment, by name. */
  platforms: PlatformRegistry;
  /** BullMQ queues (starts the private Redis on first use). */
  queues(): Promise<QueueRuntime>;
  /**
   * A platform's renderer even where it is not configured (no credentials needed to render), for
   * `digest --render`; never used to post.
   */
  renderer?(name: string): Pick<Platform, 'render'> | undefined;
  /** Starts this process's workers, for a caller that waits for the pipeline (idempotent). */
  startWorkers(): Promise<void>;
  /**
   * Puts the work the store names as unfinished (unsummarised or unalerted stories, unsettled
   * deliveries) back on the queue under its deterministic job ids (absent: nothing to reconcile).
   */
  reconcile?(): Promise<ReconcileReport>;
}
