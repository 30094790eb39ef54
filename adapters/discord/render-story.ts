import type { APIEmbed } from 'discord.js';
import type { StoryItem } from '../../src/messages.ts';
import { escapeLine, escapeText, safeUrl, truncate } from './render-escape.ts';

/** Discord's own caps (discord-api-docs, "embed limits"). */
export const DISCORD = {
  content: 2_000,
  embedsPerMessage: 10,
  embedChars: 6_000,
  title: 256,
  description: 4_096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
} as const;

/**
 * Our own, smaller caps per story, so at least three stories fit in one message's 6,000 characters
 * and a digest reads as a list rather than one wall of text.
 */
export const STORY = { description: 1_400, sources: 6, sourcesValue: 600 } as const;

export const COLOUR = { digest: 0x1f6feb, alert: 0xd29922, update: 0x8957e5, answer: 0x2da44e } as const;

const day = (iso: string) => iso.slice(0, 10);

/** Characters Discord counts toward the 6,000 of a message. */
export function embedChars(e: APIEmbed): number {
  let n = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0);
  n += e.author?.name.length ?? 0;
  for (const f of e.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/** `[Reuters](https://…) · 2026-11-30`, or the plain name when the URL is not a safe http(s) link. */
export function sourceLine(s: { source: string; url: string | null; published: string }, n?: number): string {
  const name = escapeLine(s.source) || 'source';
  const url = safeUrl(s.url);
  const label = n === undefined ? name : `\\[${n}\\] ${name}`;
  return `${url ? `[${label}](${url})` : label} · ${day(s.published)}`;
}

/** Lines joined until `max` characters; the rest is counted as "+N more". */
export function joinWithin(lines: string[], max: number, sep = '\n'): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const rest = lines.length - i - 1;
    const tail = rest > 0 ? `${sep}+${rest} more`.length : 0;
    if (used + line.length + sep.length + tail > max) {
      out.push(`+${lines.length - i} more`);
      break;
    }
    out.push(line);
    used += line.length + sep.length;
  }
  return truncate(out.join(sep), max);
}

export function storyEmbed(item: StoryItem, colour: number, index?: number): APIEmbed {
  const head = `${index === undefined ? '' : `${index}. `}${escapeLine(item.headline)}`;
  const body = [escapeText(item.summary), ...item.keyPoints.map((p) => `• ${escapeLine(p)}`)]
    .filter(Boolean)
    .join('\n');
  const sources = item.sources.slice(0, STORY.sources).map((s) => sourceLine(s));
  if (item.sources.length > STORY.sources) sources.push(`+${item.sources.length - STORY.sources} more`);
  const url = safeUrl(item.sources.find((s) => safeUrl(s.url))?.url ?? null);
  return {
    title: truncate(head || 'Untitled story', DISCORD.title),
    ...(url ? { url } : {}),
    ...(body ? { description: truncate(body, STORY.description) } : {}),
    color: colour,
    fields: [
      {
        name: `Sources (${item.sources.length})`,
        value: joinWithin(sources, STORY.sourcesValue) || 'none',
      },
    ],
  };
}
