import type { ArticleInput } from '../../src/domain.ts';

const TOPICS = [
  ['steel', 'Mexico', 'safeguard duty of 25 percent on hot-rolled coil'],
  ['soybeans', 'China', 'purchase commitment of 12 million tonnes'],
  ['semiconductors', 'Japan', 'licence requirement for lithography equipment'],
] as const;

/**
 * Copy `copy` of synthetic trade event `event`: copies differ in URL, source and sign-off only, so they
 * belong to one story; events are `spacingDays` apart (from 2026-11-20), so with spacing ≥ 4 no two
 * events fall in one grouping window.
 */
export function eventCopy(event: number, copy: number, spacingDays = 1): ArticleInput {
  const [good, country, measure] = TOPICS[event % TOPICS.length]!;
  const body = [
    `${country} announced a ${measure} on Tuesday, trade officials said, in a move aimed at ${good} imports.`,
    'The measure takes effect on the first of next month and runs for three years, according to the notice.',
    `Industry groups said the ${good} decision followed months of complaints about a surge in shipments.`,
    `Officials in ${country} said they would review the ${measure} after eighteen months.`,
    'Trading partners were notified through the usual channels, the ministry said in its statement.',
    copy === 0 ? '' : `Reporting by desk ${copy}.`,
  ].join('\n\n');
  return {
    url: `https://news${copy}.example.test/event-${event}`,
    source: `Outlet ${copy}`,
    title: `${country} sets ${good} measure`,
    published: new Date(Date.parse('2026-11-20T12:00:00Z') + event * spacingDays * 86_400_000).toISOString(),
    body,
  };
}
