import { parseChannel } from '../channels.ts';
import {
  type DigestJson,
  digestForWindow,
  digestMessage,
  periodLabel,
  storyJson,
} from '../digest/build-digest.ts';
import { validSchedule } from '../digest/schedule-schema.ts';
import { TradewireError } from '../errors.ts';
import type { DigestJob } from '../queue/jobs.ts';
import { DIGEST_QUEUE, type JobRef, jobId } from '../queue/names.ts';
import type { UseCaseDeps } from './deps.ts';

/**
 * `/trade digest now`: queues this channel's digest for now. It takes what arrived since the channel's
 * last digest, like a scheduled one, and is posted once per channel and local day through the ledger.
 */
export async function digestNow(deps: UseCaseDeps, channel: string): Promise<JobRef> {
  deps.platforms.requireChannel(channel);
  const data: DigestJob = { channel, trigger: 'now', at: new Date().toISOString() };
  const ref: JobRef = { queue: DIGEST_QUEUE, id: jobId('digest-now', channel, data.at!) };
  await (await deps.queues()).queue(DIGEST_QUEUE).add('digest', data, { jobId: ref.id });
  return ref;
}

export interface PreviewOptions {
  channel?: string | undefined;
  /** ISO times; stories are selected by their articles' published dates in [since, until). */
  since: string;
  until: string;
  limit?: number | undefined;
  /** A platform name: also return the payloads that platform would be sent. */
  render?: string | undefined;
}

/**
 * A digest of the stories published in a window, as data, and optionally as a platform would render it
 * (`tradewire digest`). Reads only: nothing is posted or recorded.
 */
export async function previewDigest(
  deps: UseCaseDeps,
  o: PreviewOptions,
): Promise<{ json: DigestJson; rendered: unknown[] | null }> {
  if (o.channel) parseChannel(o.channel);
  if (o.since >= o.until) {
    throw new TradewireError('cli/usage', `the window must start (${o.since}) before it ends (${o.until})`);
  }
  const stored = o.channel ? await deps.store.getSchedule(o.channel) : null;
  const schedule = stored ? validSchedule(stored) : null;
  const timezone = schedule?.timezone ?? 'UTC';
  const views = await digestForWindow(deps.store, {
    since: o.since,
    until: o.until,
    limit: o.limit,
    minRelevance: schedule?.minRelevance ?? deps.config.minRelevance,
  });
  const json: DigestJson = {
    channel: o.channel ?? null,
    since: o.since,
    until: o.until,
    stories: views.map(storyJson),
  };
  if (!o.render) return { json, rendered: null };
  const renderer = deps.platforms.get(o.render) ?? deps.renderer?.(o.render);
  if (!renderer) {
    throw new TradewireError('platform/not-configured', `no renderer for platform "${o.render}"`);
  }
  const label = periodLabel(new Date(Date.parse(o.until) - 1), timezone);
  const max = o.limit ?? schedule?.maxStories ?? deps.config.digestMaxStories;
  const channel = o.channel ?? `${o.render}:preview`;
  return { json, rendered: renderer.render(digestMessage(channel, views, { label, timezone, max })) };
}
