import type { APIEmbed } from 'discord.js';
import type { AnswerMessage, DigestMessage, OutgoingMessage } from '../../src/messages.ts';
import type { PlatformLimits } from '../platform.ts';
import { partMark } from './delivery-marks.ts';
import { escapeLine, escapeText, truncate } from './render-escape.ts';
import { COLOUR, DISCORD, embedChars, sourceLine, storyEmbed } from './render-story.ts';

/** One Discord message as sent to `POST /channels/{id}/messages` (nonce added when posting). */
export interface DiscordPayload {
  content: string;
  embeds: APIEmbed[];
  allowed_mentions: { parse: [] };
}

export const DISCORD_LIMITS: PlatformLimits = {
  // Content and embeds together, kept within Discord's 6,000 embed characters (content alone ≤ 2,000).
  messageChars: DISCORD.embedChars,
  storiesPerMessage: DISCORD.embedsPerMessage,
  messagesPerPost: 5,
};

/** Room kept in every message for the delivery mark in its footer (see delivery-marks.ts). */
const MARK_ROOM = 40;
const HEAD_CONTENT = 1_200;

export function payloadChars(p: DiscordPayload): number {
  return p.content.length + p.embeds.reduce((n, e) => n + embedChars(e), 0);
}

const payload = (content: string, embeds: APIEmbed[]): DiscordPayload => ({
  content: truncate(content, DISCORD.content),
  embeds,
  allowed_mentions: { parse: [] },
});

/** How a digest's first message begins (article text cannot: its `*` are escaped). */
export const DIGEST_HEAD = '**Trade digest — ';

const plural = (n: number) => `${n} more ${n === 1 ? 'story' : 'stories'}`;

function renderDigest(m: DigestMessage, limits: PlatformLimits): DiscordPayload[] {
  const head = `${DIGEST_HEAD}${escapeLine(m.periodLabel)}** (${escapeLine(m.timezone)})`;
  if (m.stories.length === 0) return [payload(`${head}\nNo new trade stories in this period.`, [])];
  const intro = m.intro ? truncate(escapeText(m.intro), HEAD_CONTENT - head.length - 1) : '';
  const messages: Array<{ content: string; embeds: APIEmbed[] }> = [
    { content: intro ? `${head}\n${intro}` : head, embeds: [] },
  ];
  // The "…and N more" line is added to the last message after packing: its room is kept in every one.
  const budget = limits.messageChars - MARK_ROOM - `\n…and ${plural(99_999)}.`.length;
  const perMessage = Math.min(limits.storiesPerMessage, DISCORD.embedsPerMessage);
  let placed = 0;
  for (const [i, story] of m.stories.entries()) {
    const embed = storyEmbed(story, COLOUR.digest, i + 1);
    let cur = messages[messages.length - 1]!;
    const size = cur.content.length + cur.embeds.reduce((n, e) => n + embedChars(e), 0);
    if (cur.embeds.length >= perMessage || size + embedChars(embed) > budget) {
      if (messages.length >= limits.messagesPerPost) break;
      cur = { content: `${head} (continued)`, embeds: [] };
      messages.push(cur);
    }
    cur.embeds.push(embed);
    placed++;
  }
  const more = m.more + (m.stories.length - placed);
  const last = messages[messages.length - 1]!;
  if (more > 0) last.content += `\n…and ${plural(more)}.`;
  return messages.map((x) => payload(x.content, x.embeds));
}

function renderAnswer(m: AnswerMessage): DiscordPayload {
  const fields = m.citations.slice(0, 10).map((c) => ({
    name: truncate(`[${c.n}] ${escapeLine(c.source) || 'source'}`, DISCORD.fieldName),
    value: truncate(
      [
        sourceLine({ source: 'link', url: c.url, published: c.published }),
        c.quote && `“${escapeLine(c.quote)}”`,
      ]
        .filter(Boolean)
        .join('\n'),
      300,
    ),
  }));
  const note = m.grounded ? '' : '\n\n*Not grounded: the stored articles do not clearly support an answer.*';
  const embed: APIEmbed = {
    title: truncate(`Q: ${escapeLine(m.question)}`, DISCORD.title),
    description: truncate(escapeText(m.answer), 2_500) + note,
    color: COLOUR.answer,
    ...(fields.length > 0 ? { fields } : {}),
  };
  return payload('', [embed]);
}

/** The Discord messages a message becomes, in order; `limits` caps how a digest splits. */
export function renderDiscord(message: OutgoingMessage, limits = DISCORD_LIMITS): DiscordPayload[] {
  switch (message.kind) {
    case 'digest':
      return renderDigest(message, limits);
    case 'alert': {
      const terms = message.matchedTerms.length
        ? ` — matched ${message.matchedTerms.map(escapeLine).join(', ')}`
        : '';
      const content = truncate(
        `**Watch \`${message.watchId.replace(/`/g, '')}\`** (${escapeLine(message.query)})${terms}`,
        HEAD_CONTENT,
      );
      return [payload(content, [storyEmbed(message.story, COLOUR.alert)])];
    }
    case 'update':
      return [payload(`**Story updated** (v${message.version})`, [storyEmbed(message.story, COLOUR.update)])];
    case 'answer':
      return [renderAnswer(message)];
    case 'notice':
      return [
        payload('', [
          {
            title: truncate(escapeLine(message.title), DISCORD.title),
            description: truncate(escapeText(message.text), DISCORD.description),
            color: COLOUR.alert,
          },
        ]),
      ];
  }
}

/**
 * Adds this delivery's mark to each message's last footer (a message without embeds gets a small
 * footer embed) so `findPosted` can recognise every part later.
 */
export function markPayloads(payloads: DiscordPayload[], idempotencyKey: string): DiscordPayload[] {
  return payloads.map((p, i) => {
    const mark = partMark(idempotencyKey, i, payloads.length);
    const embeds = p.embeds.map((e) => ({ ...e }));
    const last = embeds[embeds.length - 1];
    if (last) last.footer = { text: last.footer ? `${last.footer.text} · ${mark}` : mark };
    else embeds.push({ footer: { text: mark } });
    return { ...p, embeds };
  });
}
