import { randomBytes } from 'node:crypto';
import { parseChannel } from '../channels.ts';
import type { Watch } from '../domain.ts';
import { TradewireError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { formatQuery, parseQuery } from './query.ts';

/** Watch management shared by the CLI and the chat commands. */

export async function addWatch(
  store: Store,
  channel: string,
  query: string,
  opts: { maxPerChannel: number; createdBy?: string | null },
): Promise<Watch> {
  parseChannel(channel);
  const canonical = formatQuery(parseQuery(query)); // throws query/parse with the column at fault
  const existing = (await store.listWatches(channel)).find(
    (w) => formatQuery(parseQuery(w.query)) === canonical,
  );
  if (existing) return existing;
  return store.addWatch(
    {
      id: `w${randomBytes(4).toString('hex')}`,
      channel,
      query: query.trim(),
      createdAt: new Date().toISOString(),
      createdBy: opts.createdBy ?? null,
    },
    opts.maxPerChannel,
  );
}

export async function removeWatch(store: Store, id: string, channel?: string): Promise<void> {
  if (channel) {
    const mine = (await store.listWatches(channel)).some((w) => w.id === id);
    if (!mine)
      throw new TradewireError('watch/not-found', `no watch ${id} in this channel`, {
        hint: 'list them with /trade watches',
      });
  }
  if (!(await store.removeWatch(id))) {
    throw new TradewireError('watch/not-found', `no watch with id ${id}`, {
      hint: 'see `tradewire watch list`',
    });
  }
}
