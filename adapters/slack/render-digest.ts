import type { DigestMessage, StoryItem } from '../../src/messages.ts';
import type { PlatformLimits } from '../platform.ts';
import {
  type Block,
  context,
  divider,
  header,
  payloadChars,
  SLACK_LIMITS,
  type SlackPayload,
  section,
} from './blocks.ts';
import { escapeText, truncate } from './escape.ts';
import { storyBlocks, storyFallback } from './render-story.ts';

const moreLine = (n: number): string => `…and ${n} more ${n === 1 ? 'story' : 'stories'}.`;

/**
 * A digest as one or more Slack messages: the first opens with a header (and the intro), every story
 * is a section, a context line of its sources and a divider. Stories are packed greedily while a
 * message stays under 50 blocks, `storiesPerMessage` and the character budget; past `messagesPerPost` messages the rest
 * are summarised as "…and N more".
 */
export function renderDigest(m: DigestMessage, limits: PlatformLimits): SlackPayload[] {
  const title = `Trade digest — ${m.periodLabel}`;
  const opening: Block[] = [header(title), context(escapeText(`${m.timezone} · ${countLine(m)}`))];
  if (m.stories.length === 0) {
    return [
      {
        text: escapeText(`${title}: no new trade stories.`),
        blocks: [...opening, section('No new trade stories in this period.')],
      },
    ];
  }
  if (m.intro) opening.push(section(escapeText(m.intro)));

  // Room kept in every message for the closing "…and N more" / continuation context line.
  const reserveBlocks = 1;
  const reserveChars = 200;
  const messages: Array<{ blocks: Block[]; stories: StoryItem[] }> = [{ blocks: [...opening], stories: [] }];
  let placed = 0;
  for (const [i, story] of m.stories.entries()) {
    const blocks = [...storyBlocks(story, i + 1), divider];
    let cur = messages[messages.length - 1]!;
    const full = cur.stories.length >= limits.storiesPerMessage;
    if (full || !fits(cur, blocks, reserveBlocks, limits.messageChars - reserveChars)) {
      if (messages.length >= limits.messagesPerPost) break;
      cur = { blocks: [context(escapeText(`${title} (continued)`))], stories: [] };
      messages.push(cur);
    }
    cur.blocks.push(...blocks);
    cur.stories.push(story);
    placed += 1;
  }
  const more = m.more + (m.stories.length - placed);
  const last = messages[messages.length - 1]!;
  if (more > 0) last.blocks.push(context(escapeText(moreLine(more))));
  return messages.map((msg, i) => ({
    text: fallback(title, msg.stories, i, messages.length, i === messages.length - 1 ? more : 0),
    blocks: msg.blocks,
  }));
}

function countLine(m: DigestMessage): string {
  const n = m.stories.length + m.more;
  return `${n} ${n === 1 ? 'story' : 'stories'}`;
}

function fits(cur: { blocks: Block[] }, add: Block[], reserveBlocks: number, maxChars: number): boolean {
  if (cur.blocks.length + add.length + reserveBlocks > SLACK_LIMITS.blocksPerMessage) return false;
  const chars = payloadChars({ text: '', blocks: [...cur.blocks, ...add] });
  // The fallback text is capped separately (SLACK_LIMITS.fallbackChars).
  return chars + SLACK_LIMITS.fallbackChars <= maxChars;
}

function fallback(title: string, stories: StoryItem[], i: number, of: number, more: number): string {
  const part = of > 1 ? ` (${i + 1}/${of})` : '';
  const heads = stories.map(storyFallback).join('; ');
  const tail = more > 0 ? ` ${moreLine(more)}` : '';
  return truncate(`${escapeText(title)}${part}: ${heads}${tail}`, SLACK_LIMITS.fallbackChars);
}
