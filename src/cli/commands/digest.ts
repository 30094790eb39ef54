import { parseChannel } from '../../channels.ts';
import {
  type DigestJson,
  digestForWindow,
  digestMessage,
  periodLabel,
  storyJson,
} from '../../digest/build-digest.ts';
import { TradewireError } from '../../errors.ts';
import type { App } from '../app.ts';

export interface DigestCommandOptions {
  channel?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
  render?: string | undefined;
  timezone?: string | undefined;
}

export function parseDay(value: string, flag: string): string {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(t)) {
    throw new TradewireError('cli/usage', `${flag} "${value}" is not a date`, {
      hint: 'use YYYY-MM-DD or an ISO time',
    });
  }
  return new Date(t).toISOString();
}

/** `tradewire digest`: stories whose articles were published in [since, until). */
export async function digestCommand(
  app: App,
  o: DigestCommandOptions,
): Promise<{ json: DigestJson; rendered: unknown }> {
  if (o.channel) parseChannel(o.channel);
  const until = o.until ? parseDay(o.until, '--until') : new Date().toISOString();
  const since = o.since
    ? parseDay(o.since, '--since')
    : new Date(Date.parse(until) - 86_400_000).toISOString();
  if (since >= until)
    throw new TradewireError('cli/usage', `--since (${since}) must be before --until (${until})`);
  const schedule = o.channel ? await app.store.getSchedule(o.channel) : null;
  const timezone = o.timezone ?? schedule?.timezone ?? 'UTC';
  const views = await digestForWindow(app.store, {
    since,
    until,
    limit: o.limit,
    minRelevance: schedule?.minRelevance ?? app.config.minRelevance,
  });
  const json: DigestJson = { channel: o.channel ?? null, since, until, stories: views.map(storyJson) };
  let rendered: unknown = null;
  if (o.render) {
    // `text` is the console rendering; `slack` and `discord` are their adapters' payloads.
    const renderer =
      o.render === 'text' ? app.console : app.platforms.get(o.render === 'slack' ? 'slack' : 'discord');
    if (!renderer) {
      throw new TradewireError('cli/usage', `--render ${o.render} is not available`, {
        hint: 'use --render text (slack and discord arrive with their adapters)',
      });
    }
    const label = periodLabel(new Date(Date.parse(until) - 1), timezone);
    const max = o.limit ?? schedule?.maxStories ?? app.config.digestMaxStories;
    const payloads = renderer.render(
      digestMessage(o.channel ?? 'console:preview', views, { label, timezone, max }),
    );
    // Text reads as one document; a platform payload prints as itself, or as the list of messages a split makes.
    rendered = o.render === 'text' ? payloads.join('\n\n') : payloads.length === 1 ? payloads[0] : payloads;
  }
  return { json, rendered };
}
