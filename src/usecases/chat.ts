import { type ErrorCode, isTradewireError } from '../errors.ts';
import type { ChatHandler, ChatReply, ChatRequest } from '../platform/port.ts';
import { requestAnswer } from './ask.ts';
import type { UseCaseDeps } from './deps.ts';
import { digestNow } from './digest.ts';
import { removeSchedule, setSchedule } from './schedules.ts';
import { listFeedSources, listSources } from './sources.ts';
import { addWatch, listWatches, removeWatch } from './watches.ts';

/** The chat verbs, the same on every platform (`/trade <verb> …`). */
export const CHAT_VERBS: ReadonlyArray<{ usage: string; description: string }> = [
  { usage: 'ask <question>', description: 'answer from stored articles, with numbered sources' },
  { usage: 'digest now', description: "post this channel's digest now" },
  { usage: 'digest at HH:MM [timezone]', description: 'post a digest here every day at that local time' },
  { usage: 'digest off', description: "stop this channel's daily digest" },
  { usage: 'watch <query>', description: 'alert this channel when a matching story arrives' },
  { usage: 'unwatch <id>', description: 'stop one of this channel’s watches' },
  { usage: 'watches', description: "list this channel's watches" },
  { usage: 'sources', description: 'list the sources articles come from, and subscribed feeds' },
  { usage: 'help', description: 'show this list' },
];

class UsageError extends Error {}

/**
 * The one inbound handler: adapters turn a slash command, mention, thread reply or button press into
 * a ChatRequest, and word the ChatReply in their own format. Work that takes longer than a platform's
 * acknowledgement window (answers, digests) is queued and arrives later as a delivery.
 */
export function chatHandler(deps: UseCaseDeps): ChatHandler {
  return async (req) => {
    try {
      return await dispatch(deps, req);
    } catch (err) {
      if (err instanceof UsageError)
        return { kind: 'error', code: 'chat/unknown-verb', message: err.message };
      if (isTradewireError(err)) return { kind: 'error', code: err.code, message: err.message };
      deps.log.error('chat request failed', {
        channel: req.channel,
        kind: req.kind,
        err: err instanceof Error ? err.message : String(err),
      });
      return {
        kind: 'error',
        code: 'chat/failed' satisfies ErrorCode,
        message: 'something went wrong; try again',
      };
    }
  };
}

async function dispatch(deps: UseCaseDeps, req: ChatRequest): Promise<ChatReply> {
  switch (req.kind) {
    case 'mention': {
      if (req.text.trim() === '') return { kind: 'help', verbs: [...CHAT_VERBS] };
      return ask(deps, req, req.text);
    }
    case 'thread-reply': {
      if (!req.threadRef) return { kind: 'ignored', reason: 'not in a thread' };
      const thread = await deps.store.getThread(`${req.channel}:${req.threadRef}`);
      if (!thread) return { kind: 'ignored', reason: 'a thread the bot did not start' };
      if (req.text.trim() === '') return { kind: 'ignored', reason: 'empty reply' };
      return ask(deps, req, req.text);
    }
    case 'action': {
      if (req.action?.name !== 'unwatch')
        return { kind: 'ignored', reason: `unknown action ${req.action?.name}` };
      await removeWatch(deps, { id: req.action.value, channel: req.channel });
      return { kind: 'watch-removed', watchId: req.action.value };
    }
    case 'command':
      return command(deps, req);
  }
}

async function ask(deps: UseCaseDeps, req: ChatRequest, question: string): Promise<ChatReply> {
  const r = await requestAnswer(deps, {
    question,
    channel: req.channel,
    user: req.user,
    threadRef: req.threadRef,
    replyRef: req.replyRef,
  });
  return { kind: 'answer-queued', question: r.question, threadId: r.threadId };
}

async function command(deps: UseCaseDeps, req: ChatRequest): Promise<ChatReply> {
  const text = req.text.trim();
  const space = text.search(/\s/);
  const verb = (space < 0 ? text : text.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : text.slice(space + 1).trim();
  switch (verb) {
    case '':
    case 'help':
      return { kind: 'help', verbs: [...CHAT_VERBS] };
    case 'ask':
      return ask(deps, req, rest);
    case 'digest':
      return digest(deps, req, rest);
    case 'watch': {
      if (rest === '') throw new UsageError('say what to watch, e.g. `watch steel tariffs -canada`');
      const watch = await addWatch(deps, { channel: req.channel, query: rest, createdBy: req.user });
      return { kind: 'watch-added', watch };
    }
    case 'unwatch': {
      if (!/^\S+$/.test(rest)) throw new UsageError('give one watch id, e.g. `unwatch w1a2b3c4d`');
      await removeWatch(deps, { id: rest, channel: req.channel });
      return { kind: 'watch-removed', watchId: rest };
    }
    case 'watches':
      return { kind: 'watches', watches: await listWatches(deps, req.channel) };
    case 'sources':
      return { kind: 'sources', sources: await listSources(deps), feeds: await listFeedSources(deps) };
    default:
      throw new UsageError(`unknown command "${verb}"; try \`help\``);
  }
}

async function digest(deps: UseCaseDeps, req: ChatRequest, rest: string): Promise<ChatReply> {
  const [sub = '', ...args] = rest.split(/\s+/).filter(Boolean);
  switch (sub.toLowerCase()) {
    case 'now':
      await digestNow(deps, req.channel);
      return { kind: 'digest-queued', channel: req.channel };
    case 'at': {
      const [time, timezone, ...extra] = args;
      if (!time || extra.length > 0)
        throw new UsageError('use `digest at HH:MM [timezone]`, e.g. `digest at 08:00 Europe/Berlin`');
      const v = await setSchedule(deps, { channel: req.channel, time, ...(timezone ? { timezone } : {}) });
      return { kind: 'schedule-set', schedule: v.schedule, next: v.next };
    }
    case 'off':
      return {
        kind: 'schedule-removed',
        channel: req.channel,
        removed: await removeSchedule(deps, req.channel),
      };
    default:
      throw new UsageError('use `digest now`, `digest at HH:MM [timezone]` or `digest off`');
  }
}

/** A plain-text wording of a reply, for surfaces with no richer format of their own (console, tests). */
export function replyText(r: ChatReply): string {
  switch (r.kind) {
    case 'help':
      return ['Commands:', ...r.verbs.map((v) => `  ${v.usage} — ${v.description}`)].join('\n');
    case 'answer-queued':
      return `Looking into “${r.question}”…`;
    case 'digest-queued':
      return 'Building the digest; it will be posted here shortly.';
    case 'watch-added':
      return `Watching ${r.watch.query} (id ${r.watch.id}).`;
    case 'watch-removed':
      return `Stopped watch ${r.watchId}.`;
    case 'watches':
      return r.watches.length === 0
        ? 'No watches in this channel.'
        : r.watches.map((w) => `${w.id}  ${w.query}`).join('\n');
    case 'schedule-set':
      return `Daily digest at ${r.schedule.time} ${r.schedule.timezone}; next ${r.next}.`;
    case 'schedule-removed':
      return r.removed ? 'Daily digest turned off.' : 'This channel had no daily digest.';
    case 'sources': {
      const lines =
        r.sources.length === 0
          ? ['No articles stored yet.']
          : r.sources.map((s) => `${s.source} (${s.articles})`);
      for (const f of r.feeds ?? []) {
        const health =
          f.status === 'disabled' ? 'disabled' : f.lastSuccessAt ? `ok ${f.lastSuccessAt}` : 'not polled yet';
        lines.push(`feed ${f.id} ${f.title ?? f.url} (${health})`);
      }
      return lines.join('\n');
    }
    case 'ignored':
      return '';
    case 'error':
      return `Sorry: ${r.message}.`;
  }
}
