import type { types } from '@slack/bolt';
import { truncate } from './escape.ts';

/** Block Kit limits (Slack docs: blocks, section, header, context, message text). */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionChars: 3_000,
  headerChars: 150,
  contextElements: 10,
  buttonLabelChars: 75,
  /** Slack truncates `text` past 40,000; a message's blocks fail near 13,200 in total (bolt-js #2509). */
  fallbackChars: 3_000,
  messageChars: 12_000,
} as const;

export type Block = types.KnownBlock;

/** One Slack message as `post` sends it (before channel, thread and metadata are added). */
export interface SlackPayload {
  text: string;
  blocks: Block[];
}

export function mrkdwn(text: string): types.MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionChars), verbatim: true };
}

export function section(text: string): types.SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

export function header(text: string): types.HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.headerChars) } };
}

export function context(...texts: string[]): types.ContextBlock {
  return { type: 'context', elements: texts.slice(0, SLACK_LIMITS.contextElements).map(mrkdwn) };
}

export const divider: types.DividerBlock = { type: 'divider' };

export function button(label: string, actionId: string, value: string): types.ActionsBlock {
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: actionId,
        value,
        text: { type: 'plain_text', text: truncate(label, SLACK_LIMITS.buttonLabelChars) },
      },
    ],
  };
}

/** Every character of text a message carries (what Slack's size limits count). */
export function payloadChars(p: SlackPayload): number {
  let n = p.text.length;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') n += x.length;
        else visit(x);
      }
    }
  };
  visit(p.blocks);
  return n;
}

/** Joins pieces with `sep` while they fit in `max`, ending with `…+N more` when some did not. */
export function joinWithin(pieces: string[], sep: string, max: number): string {
  const reserve = sep.length + 16;
  let out = '';
  for (const [i, p] of pieces.entries()) {
    const next = out ? `${out}${sep}${p}` : p;
    const rest = pieces.length - i;
    if (next.length > (rest === 1 ? max : max - reserve)) {
      const head = out || truncate(p, max - reserve);
      const left = out ? rest : rest - 1;
      return left > 0 ? `${head}${sep}…+${left} more` : head;
    }
    out = next;
  }
  return out;
}
