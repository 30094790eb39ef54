import { randomBytes } from 'node:crypto';
import type { Watch } from '../domain.ts';
import { TradewireError } from '../errors.ts';
import { formatQuery, parseQuery } from '../watch/query.ts';
import type { UseCaseDeps } from './deps.ts';

type Deps = Pick<UseCaseDeps, 'store' | 'platforms' | 'config'>;

/**
 * Adds a keyword watch to a channel. The channel's platform must be configured here; the query is
 * parsed (query/parse with the column at fault); the same query twice returns the existing watch.
 */
export async function addWatch(
  deps: Deps,
  input: { channel: string; query: string; createdBy?: string | null },
): Promise<Watch> {
  deps.platforms.requireChannel(input.channel);
  const query = input.query.trim();
  const canonical = formatQuery(parseQuery(query));
  const existing = (await deps.store.listWatches(input.channel)).find(
    (w) => formatQuery(parseQuery(w.query)) === canonical,
  );
  if (existing) return existing;
  return deps.store.addWatch(
    {
      id: `w${randomBytes(4).toString('hex')}`,
      channel: input.channel,
      query,
      createdAt: new Date().toISOString(),
      createdBy: input.createdBy ?? null,
    },
    deps.config.maxWatchesPerChannel,
  );
}

/**
 * Removes a watch; with `channel`, only one of that channel's own (a chat user cannot remove another
 * channel's watch by guessing its id). Throws `watch/not-found`; each surface says how to list them.
 */
export async function removeWatch(
  deps: Pick<UseCaseDeps, 'store'>,
  input: { id: string; channel?: string | undefined },
): Promise<void> {
  if (input.channel) {
    const mine = (await deps.store.listWatches(input.channel)).some((w) => w.id === input.id);
    if (!mine) throw new TradewireError('watch/not-found', `no watch ${input.id} in this channel`);
  }
  if (!(await deps.store.removeWatch(input.id))) {
    throw new TradewireError('watch/not-found', `no watch with id ${input.id}`);
  }
}

export function listWatches(deps: Pick<UseCaseDeps, 'store'>, channel?: string): Promise<Watch[]> {
  return deps.store.listWatches(channel);
}
