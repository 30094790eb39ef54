import type { DigestJson } from '../../digest/build-digest.ts';
import { TradewireError } from '../../errors.ts';
import { previewDigest } from '../../usecases/digest.ts';
import type { App } from '../app.ts';

export interface DigestCommandOptions {
  channel?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
  render?: string | undefined;
}

/** The default window when neither --since nor --until is given: the last 24 hours. */
export const DEFAULT_WINDOW_MS = 86_400_000;

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
  const until = o.until ? parseDay(o.until, '--until') : new Date().toISOString();
  const since = o.since
    ? parseDay(o.since, '--since')
    : new Date(Date.parse(until) - DEFAULT_WINDOW_MS).toISOString();
  if (since >= until) {
    throw new TradewireError('cli/usage', `--since (${since}) must be before --until (${until})`);
  }
  // `text` is the console's rendering; `slack` and `discord` are their adapters' payloads.
  const platform = o.render === 'text' ? 'console' : o.render;
  const { json, rendered } = await previewDigest(app.deps, {
    channel: o.channel,
    since,
    until,
    limit: o.limit,
    render: platform,
  });
  if (rendered === null) return { json, rendered: null };
  // Text reads as one document; a payload prints as itself, or as the list of messages a split makes.
  const out = o.render === 'text' ? rendered.join('\n\n') : rendered.length === 1 ? rendered[0] : rendered;
  return { json, rendered: out };
}
