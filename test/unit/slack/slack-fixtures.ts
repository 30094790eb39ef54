import type { DigestMessage, StoryItem } from '../../../src/messages.ts';

/** Synthetic stories for the Slack renderer tests. */
export function story(
  i: number,
  o: Partial<Omit<StoryItem, 'sources'>> & { sources?: number; pad?: number } = {},
): StoryItem {
  const pad = ' Officials said the measure would be reviewed next quarter.'.repeat(o.pad ?? 0);
  return {
    storyId: `s${i}`,
    headline: o.headline ?? `Country ${i} raises steel tariffs to ${10 + i}%`,
    summary: o.summary ?? `The trade ministry of country ${i} raised duties on imported steel coils.${pad}`,
    keyPoints: o.keyPoints ?? [`Tariff rises to ${10 + i}%`, 'Applies from 1 January'],
    sources: Array.from({ length: o.sources ?? 2 }, (_, k) => ({
      articleId: `a${i}-${k}`,
      source: `Wire ${k}`,
      url: `https://news.example/${i}/${k}`,
      title: `Steel ${i}`,
      published: '2026-11-20T08:00:00Z',
    })),
    published: '2026-11-20T08:00:00Z',
    summarisedBy: 'offline',
  };
}

export function digest(stories: StoryItem[], more = 0, intro: string | null = null): DigestMessage {
  return {
    kind: 'digest',
    channel: 'slack:C1',
    periodLabel: 'Fri 20 Nov 2026',
    timezone: 'UTC',
    intro,
    stories,
    more,
  };
}

/** Strings that would ping, link or format if they reached Slack unescaped. */
export const HOSTILE = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U012ABCDEF>',
  '<!subteam^S0123|@trade-team>',
  '<https://evil.example|click here>',
  '<javascript:alert(1)|x>',
  '@channel @here @everyone',
  '&lt;!channel&gt;',
].join(' ');
