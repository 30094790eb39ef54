import type { ChatRequest } from '../platform.ts';
import { encodeReplyRef } from './reply-ref.ts';

/**
 * `/trade …` interactions → the core's ChatRequest. Shared by the gateway (discord.js objects) and
 * the HTTP endpoint (raw JSON): both hand over the option tree in Discord's shape
 * (`{ name, type, value?, options? }`) and where the interaction happened.
 */

/** `POST /discord/interactions`: Discord's HTTP delivery of interactions, for deployments without a gateway. */
export const INTERACTIONS_PATH = '/discord/interactions';

export interface OptionNode {
  name: string;
  value?: string | number | boolean | undefined;
  focused?: boolean | undefined;
  options?: readonly OptionNode[] | undefined;
}

export interface InteractionContext {
  applicationId: string;
  token: string;
  receivedAt: number;
  userId: string;
  channelId: string;
  /** Set when the interaction happened in a thread: its parent channel. */
  parentId: string | null;
}

export interface TradeInvocation {
  /** Subcommand path: `['ask']`, `['digest', 'at']`. */
  path: string[];
  options: Record<string, string>;
  focused: string | null;
}

/** Discord channel types that are threads (announcement, public, private). */
export const THREAD_TYPES = new Set([10, 11, 12]);

export function readInvocation(options: readonly OptionNode[] | undefined): TradeInvocation {
  const path: string[] = [];
  const values: Record<string, string> = {};
  let focused: string | null = null;
  let level = options ?? [];
  // Walk down subcommand groups and subcommands (nodes without a value) to the leaf options.
  for (;;) {
    const sub = level.length === 1 && level[0]!.value === undefined ? level[0]! : null;
    if (!sub) break;
    path.push(sub.name);
    level = sub.options ?? [];
  }
  for (const o of level) {
    if (o.value === undefined) continue;
    values[o.name] = String(o.value).trim();
    if (o.focused) focused = o.name;
  }
  return { path, options: values, focused };
}

/** The command text the core parses (`ask …`, `digest at 08:00 Europe/Berlin`, `watch …`). */
export function commandText(inv: TradeInvocation): string {
  const o = inv.options;
  switch (inv.path.join(' ')) {
    case 'ask':
      return `ask ${o.question ?? ''}`.trim();
    case 'digest now':
      return 'digest now';
    case 'digest at':
      return ['digest at', o.time ?? '', o.timezone ?? ''].join(' ').trim();
    case 'digest off':
      return 'digest off';
    case 'watch':
      return `watch ${o.query ?? ''}`.trim();
    case 'unwatch':
      return `unwatch ${o.id ?? ''}`.trim();
    default:
      return inv.path.join(' ') || 'help';
  }
}

/** Help, the watch list and the sources list are for the person asking; the rest the channel sees. */
export function isPrivate(inv: TradeInvocation): boolean {
  return ['help', 'watches', 'sources'].includes(inv.path[0] ?? 'help');
}

export function chatRequest(inv: TradeInvocation, ctx: InteractionContext): ChatRequest {
  const inThread = ctx.parentId !== null;
  return {
    kind: 'command',
    channel: `discord:${inThread ? ctx.parentId : ctx.channelId}`,
    user: ctx.userId,
    text: commandText(inv),
    threadRef: inThread ? ctx.channelId : undefined,
    replyRef:
      inv.path[0] === 'ask'
        ? encodeReplyRef({ applicationId: ctx.applicationId, token: ctx.token, issuedAt: ctx.receivedAt })
        : undefined,
  };
}

/** The request autocomplete sends for `/trade unwatch id:` — the channel's watch list use case. */
export function watchesRequest(ctx: InteractionContext): ChatRequest {
  return {
    kind: 'command',
    channel: `discord:${ctx.parentId ?? ctx.channelId}`,
    user: ctx.userId,
    text: 'watches',
  };
}
