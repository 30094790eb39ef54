import type { SourceInfo } from '../domain.ts';
import type { FeedInfo } from '../platform/port.ts';
import type { UseCaseDeps } from './deps.ts';

/** The sources stored articles came from, most articles first (`/trade sources`). */
export function listSources(deps: Pick<UseCaseDeps, 'store'>): Promise<SourceInfo[]> {
  return deps.store.listSources();
}

/** Subscribed feeds with their health, for `/trade sources` (empty where no feed store is wired). */
export async function listFeedSources(deps: Pick<UseCaseDeps, 'feeds'>): Promise<FeedInfo[]> {
  const feeds = (await deps.feeds?.listFeeds()) ?? [];
  return feeds.map((f) => ({
    id: f.id,
    url: f.url,
    title: f.title,
    status: f.status,
    lastSuccessAt: f.lastSuccessAt,
    lastError: f.lastError,
  }));
}
