import type { StoryItem } from '../../src/messages.ts';
import { type Block, context, joinWithin, SLACK_LIMITS, section } from './blocks.ts';
import { escapeText, link } from './escape.ts';

/** One story as Block Kit: a section (headline, summary, key points) and a context line of sources. */

const day = (iso: string): string => iso.slice(0, 10);
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

export function storyText(item: StoryItem, index?: number): string {
  const n = index === undefined ? '' : `${index}. `;
  const lines = [`*${n}${escapeText(oneLine(item.headline))}*`];
  if (item.summary) lines.push(escapeText(item.summary.trim()));
  for (const p of item.keyPoints) lines.push(`• ${escapeText(oneLine(p))}`);
  return lines.join('\n');
}

export function sourcesText(item: StoryItem): string {
  const links = item.sources.map((s) => `${link(s.url, s.source || 'source')} (${day(s.published)})`);
  const label = item.sources.length === 1 ? 'Source' : `Sources (${item.sources.length})`;
  return `${label}: ${joinWithin(links, ' · ', SLACK_LIMITS.sectionChars - label.length - 2)}`;
}

export function storyBlocks(item: StoryItem, index?: number): Block[] {
  return [section(storyText(item, index)), context(sourcesText(item))];
}

/** The plain fallback line for notifications and clients without Block Kit. */
export function storyFallback(item: StoryItem): string {
  return escapeText(oneLine(item.headline));
}
