import type { ChatReply } from '../platform.ts';
import { escapeText, truncate } from './escape.ts';

/** Where a reply is shown: an ephemeral answer to a command or button, or to a mention / thread reply. */
export type ReplySurface = 'command' | 'mention' | 'thread-reply' | 'action';

const code = (s: string): string => `\`${escapeText(s.replace(/`/g, "'"))}\``;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * Words a ChatReply as the short ephemeral message the asker sees (mrkdwn, user text escaped).
 * Null means say nothing: the request was not for the bot, or the answer itself is on its way into
 * the thread the question was asked in.
 */
export function replyText(reply: ChatReply, surface: ReplySurface): string | null {
  switch (reply.kind) {
    case 'ignored':
      return null;
    case 'answer-queued':
      if (surface !== 'command') return null;
      return `:mag: Looking into “${escapeText(truncate(reply.question, 300))}” — the answer will be posted in this channel in a moment. Reply in its thread to ask a follow-up.`;
    case 'digest-queued':
      return ':newspaper: Building the digest for this channel; it will be posted here shortly.';
    case 'watch-added':
      return `:bell: Watching ${code(reply.watch.query)} (id ${code(reply.watch.id)}). Matching stories will be posted here; stop with \`/trade unwatch ${escapeText(reply.watch.id)}\` or the button on any alert.`;
    case 'watch-removed':
      return `:no_bell: Stopped watch ${code(reply.watchId)}.`;
    case 'watches':
      if (reply.watches.length === 0)
        return 'No watches in this channel. Add one with `/trade watch <query>`.';
      return [
        `*Watches in this channel (${reply.watches.length})*`,
        ...reply.watches.map((w) => `• ${code(w.id)} ${code(w.query)}`),
      ].join('\n');
    case 'schedule-set': {
      const s = reply.schedule;
      const days =
        s.weekdays.length === 0 ? 'every day' : s.weekdays.map((d) => WEEKDAYS[d - 1] ?? d).join(', ');
      return `:calendar: Digest scheduled at ${escapeText(s.time)} ${escapeText(s.timezone)}, ${days}. Next: ${escapeText(reply.next)}.`;
    }
    case 'schedule-removed':
      return reply.removed
        ? 'Scheduled digest turned off for this channel.'
        : 'This channel had no scheduled digest.';
    case 'sources':
      if (reply.sources.length === 0) return 'No sources yet: nothing has been ingested.';
      return [
        `*Sources (${reply.sources.length})*`,
        ...reply.sources
          .slice(0, 40)
          .map(
            (s) =>
              `• ${escapeText(s.source)} — ${s.articles} articles, latest ${escapeText(s.lastPublished?.slice(0, 10) ?? 'n/a')}`,
          ),
        ...(reply.sources.length > 40 ? [`…and ${reply.sources.length - 40} more`] : []),
      ].join('\n');
    case 'help':
      return [
        '*Tradewire* — trade news, digests, watches and answers with sources',
        ...reply.verbs.map((v) => `• \`/trade ${escapeText(v.usage)}\` — ${escapeText(v.description)}`),
      ].join('\n');
    case 'error':
      return `:warning: ${escapeText(truncate(reply.message, 1_000))}`;
  }
}
