import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readMark } from '../../../adapters/discord/delivery-marks.ts';
import { escapeText, safeUrl, truncate } from '../../../adapters/discord/render-escape.ts';
import {
  DISCORD_LIMITS,
  type DiscordPayload,
  markPayloads,
  payloadChars,
  renderDiscord,
} from '../../../adapters/discord/render-message.ts';
import { DISCORD, embedChars } from '../../../adapters/discord/render-story.ts';
import type { DigestMessage, StoryItem } from '../../../src/messages.ts';
import { rng } from '../../helpers/rng.ts';

const words = (r: () => number, n: number) =>
  Array.from(
    { length: n },
    () => ['tariff', 'steel', 'quota', 'export', 'control', 'EU', 'deal'][Math.floor(r() * 7)],
  ).join(' ');

function story(i: number, size: number, r = rng(i + 1)): StoryItem {
  return {
    storyId: `s${i}`,
    headline: `${words(r, Math.ceil(size / 20))} ${i}`,
    summary: words(r, size),
    keyPoints: Array.from({ length: 6 }, () => words(r, Math.ceil(size / 4))),
    sources: Array.from({ length: 40 }, (_, k) => ({
      articleId: `a${i}-${k}`,
      source: `Wire ${k} ${words(r, 3)}`,
      url: `https://news.example/${i}/${k}?q=${words(r, 2).replace(/ /g, '_')}`,
      title: 't',
      published: '2026-11-30T08:00:00Z',
    })),
    published: '2026-11-30T08:00:00Z',
    summarisedBy: 'offline',
  };
}

const digest = (stories: StoryItem[], intro: string | null = null): DigestMessage => ({
  kind: 'digest',
  channel: 'discord:123456789',
  periodLabel: 'Mon 30 Nov 2026',
  timezone: 'Europe/Berlin',
  intro,
  stories,
  more: 0,
});

function expectWithinLimits(p: DiscordPayload): void {
  expect(p.content.length).toBeLessThanOrEqual(DISCORD.content);
  expect(p.embeds.length).toBeLessThanOrEqual(DISCORD.embedsPerMessage);
  expect(payloadChars(p)).toBeLessThanOrEqual(DISCORD_LIMITS.messageChars);
  expect(p.allowed_mentions).toEqual({ parse: [] });
  for (const e of p.embeds) {
    expect(e.title?.length ?? 0).toBeLessThanOrEqual(DISCORD.title);
    expect(e.description?.length ?? 0).toBeLessThanOrEqual(DISCORD.description);
    expect(e.fields?.length ?? 0).toBeLessThanOrEqual(DISCORD.fields);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeLessThanOrEqual(DISCORD.fieldName);
      expect(f.value.length).toBeLessThanOrEqual(DISCORD.fieldValue);
      expect(f.value.length).toBeGreaterThan(0);
    }
    expect(e.footer?.text.length ?? 0).toBeLessThanOrEqual(DISCORD.footer);
  }
}

describe('Discord digest rendering', () => {
  it('a long digest splits across messages, each within every Discord limit, marks included', () => {
    const stories = Array.from({ length: 30 }, (_, i) => story(i, 400));
    const msg = { ...digest(stories, words(rng(9), 800)), more: 4 };
    const payloads = markPayloads(renderDiscord(msg), 'digest:discord:123456789:2026-11-30');
    expect(payloads.length).toBeGreaterThan(1);
    expect(payloads.length).toBeLessThanOrEqual(DISCORD_LIMITS.messagesPerPost);
    for (const p of payloads) expectWithinLimits(p);
    const shown = payloads.reduce((n, p) => n + p.embeds.filter((e) => e.title).length, 0);
    // Stories that did not fit are counted with the ones that never made the cut.
    expect(payloads.at(-1)!.content).toContain(`…and ${30 - shown + 4} more stories.`);
    payloads.forEach((p, i) => {
      const footer = p.embeds.at(-1)!.footer!.text;
      expect(readMark(footer, 'digest:discord:123456789:2026-11-30')).toEqual({
        part: i,
        parts: payloads.length,
      });
    });
  });

  it('stays within limits for any number and size of stories (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 1, max: 3000 }), (n, size) => {
        const payloads = markPayloads(
          renderDiscord(digest(Array.from({ length: n }, (_, i) => story(i, size)))),
          'k',
        );
        for (const p of payloads) expectWithinLimits(p);
        const embeds = payloads.flatMap((p) => p.embeds).filter((e) => e.title);
        expect(embeds.length).toBeLessThanOrEqual(n);
      }),
      { numRuns: 40, seed: 1124215499 },
    );
  });

  it('an empty digest says so in one message', () => {
    const [p, ...rest] = renderDiscord(digest([]));
    expect(rest).toEqual([]);
    expect(p!.content).toContain('No new trade stories');
  });

  it('embeds count toward the 6,000 characters as Discord counts them', () => {
    const e = renderDiscord(digest([story(1, 50)]))[0]!.embeds[0]!;
    const manual =
      e.title!.length +
      (e.description?.length ?? 0) +
      e.fields!.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(embedChars(e)).toBe(manual);
  });
});

describe('untrusted text is inert on Discord', () => {
  const hostile =
    'Breaking @everyone @here <@123456789012345678> <@&998877665544332211> **bold** [click](https://evil.example) https://evil.example/x ||spoiler|| `code` discord.gg/abc\n# Heading\n> quote\n- list';

  it('no mention, link or markdown survives escaping', () => {
    const out = escapeText(hostile);
    expect(out).not.toMatch(/@everyone|@here/);
    expect(out).not.toMatch(/(?<!\\)<@/);
    expect(out).not.toMatch(/(?<!\\)\*\*/);
    expect(out).not.toMatch(/(?<!\\)\[click(?<!\\)\]/);
    expect(out).not.toMatch(/https:\/\//);
    expect(out).not.toMatch(/discord\.gg\//);
    expect(out).not.toMatch(/^#|^>|^-/m);
  });

  it('a mass-mention article renders with no mention anywhere in the payload', () => {
    const s = { ...story(1, 20), headline: hostile, summary: hostile, keyPoints: [hostile] };
    s.sources = [{ ...s.sources[0]!, source: '@everyone wire' }];
    const alert = renderDiscord({
      kind: 'alert',
      watchId: 'w1',
      query: '@here steel',
      matchedTerms: ['@everyone'],
      story: s,
    });
    const text = JSON.stringify(alert);
    expect(text).not.toMatch(/@everyone|@here/);
    expect(alert[0]!.allowed_mentions).toEqual({ parse: [] });
  });

  it('cutting text never leaves a dangling escape or half a surrogate pair', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.integer({ min: 2, max: 200 }),
        (s, max) => {
          const out = truncate(escapeText(s), max);
          expect(out.length).toBeLessThanOrEqual(max);
          expect(out).not.toMatch(/(?<!\\)(\\\\)*\\…$/);
          expect(out).not.toMatch(/[\uD800-\uDBFF]…$/);
        },
      ),
    );
  });

  it('only http(s) links without credentials become link targets, with brackets encoded', () => {
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('https://user:pw@x.example/')).toBeNull();
    expect(safeUrl('https://x.example/a_(b)')).toBe('https://x.example/a_%28b%29');
  });
});

describe('Discord answers', () => {
  it('a long answer with many citations stays in one message within limits', () => {
    const r = rng(3);
    const [p, ...rest] = renderDiscord({
      kind: 'answer',
      question: words(r, 200),
      answer: words(r, 2000),
      grounded: false,
      citations: Array.from({ length: 30 }, (_, n) => ({
        n: n + 1,
        articleId: `a${n}`,
        storyId: `s${n}`,
        source: 'Wire',
        url: `https://news.example/${n}`,
        published: '2026-11-30T08:00:00Z',
        quote: words(r, 200),
      })),
    });
    expect(rest).toEqual([]);
    expectWithinLimits(markPayloads([p!], 'answer:x')[0]!);
    expect(p!.embeds[0]!.description).toContain('Not grounded');
  });
});
