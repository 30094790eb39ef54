import type { Watch } from '../../src/domain.ts';
import type { ChatReply } from '../platform.ts';
import { escapeLine, truncate } from './render-escape.ts';
import { DISCORD } from './render-story.ts';

/** How the bot words the core's answer to a `/trade` command, as the reply to the interaction. */

export interface ReplyPayload {
  content: string;
  embeds: [];
  allowed_mentions: { parse: [] };
}

const code = (s: string) => `\`${s.replace(/`/g, '')}\``;
const watchLine = (w: Watch) => `• ${code(w.id)} ${escapeLine(w.query)}`;

function lines(reply: ChatReply): string[] {
  switch (reply.kind) {
    case 'help':
      return [
        '**/trade** — trade news: tariffs, deals, export controls, sanctions',
        ...reply.verbs.map((v) => `• \`/trade ${v.usage.replace(/`/g, '')}\` — ${escapeLine(v.description)}`),
      ];
    case 'answer-queued':
      return [`Looking into: “${escapeLine(reply.question)}” — the answer will appear here.`];
    case 'digest-queued':
      return ['A digest for this channel is on its way.'];
    case 'watch-added':
      return [
        `Watching ${code(reply.watch.id)}: ${escapeLine(reply.watch.query)}`,
        'Matching stories will be posted in this channel.',
      ];
    case 'watch-removed':
      return [`Removed watch ${code(reply.watchId)}.`];
    case 'watches':
      return reply.watches.length === 0
        ? ['No watches in this channel. Add one with `/trade watch`.']
        : [`**Watches in this channel (${reply.watches.length})**`, ...reply.watches.map(watchLine)];
    case 'schedule-set': {
      const s = reply.schedule;
      return [
        `Daily digest at **${escapeLine(s.time)}** (${escapeLine(s.timezone)}); next one ${escapeLine(reply.next)}.`,
      ];
    }
    case 'schedule-removed':
      return [reply.removed ? 'Scheduled digest turned off.' : 'This channel had no scheduled digest.'];
    case 'sources':
      return reply.sources.length === 0
        ? ['No articles stored yet.']
        : [
            `**Sources (${reply.sources.length})**`,
            ...reply.sources.map(
              (s) =>
                `• ${escapeLine(s.source)} — ${s.articles} article${s.articles === 1 ? '' : 's'}${s.lastPublished ? `, latest ${s.lastPublished.slice(0, 10)}` : ''}`,
            ),
          ];
    case 'ignored':
      return ['Nothing to do here.'];
    case 'error':
      return [`⚠️ ${escapeLine(reply.message)}`];
  }
}

export function renderReply(reply: ChatReply): ReplyPayload {
  const all = lines(reply);
  const out: string[] = [];
  let used = 0;
  for (const [i, l] of all.entries()) {
    if (used + l.length + 1 > DISCORD.content - 40) {
      out.push(`…and ${all.length - i} more`);
      break;
    }
    out.push(l);
    used += l.length + 1;
  }
  return { content: truncate(out.join('\n'), DISCORD.content), embeds: [], allowed_mentions: { parse: [] } };
}

/** Autocomplete choices for `/trade unwatch id:` (Discord allows 25, names ≤ 100 characters). */
export function watchChoices(reply: ChatReply, typed: string): Array<{ name: string; value: string }> {
  if (reply.kind !== 'watches') return [];
  const q = typed.toLowerCase();
  return reply.watches
    .filter((w) => !q || w.id.toLowerCase().includes(q) || w.query.toLowerCase().includes(q))
    .slice(0, 25)
    .map((w) => ({ name: truncate(`${w.id} — ${w.query.replace(/\s+/g, ' ')}`, 100), value: w.id }));
}
