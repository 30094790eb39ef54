import { z } from 'zod';
import { type Summary, TRADE_INSTRUMENTS, type TradeInstrument } from '../domain.ts';

/**
 * What the model must return, and how its output is cleaned up.
 * Validation is lenient where the fix is obvious (too long, too many, wrong case, unknown instrument)
 * and strict where it is not (missing fields, wrong types, empty text).
 * The JSON schema sent to the model (`io: 'input'`) still carries the limits and the instrument list.
 */

export const HEADLINE_MAX = 120;
export const KEY_POINTS_MAX = 5;
export const SOURCE_SENTENCES_MAX = 8;

/** Blocs accepted next to ISO 3166-1 alpha-2 codes. */
const BLOCS: ReadonlySet<string> = new Set(['EU', 'ASEAN', 'MERCOSUR', 'GCC', 'EAEU', 'AU', 'G7', 'G20']);
const KNOWN_INSTRUMENTS: ReadonlySet<string> = new Set(TRADE_INSTRUMENTS);

const text = z.string();
const list = z.array(z.string());

/** What the model writes for one story, before clean-up (the JSON schema sent is built from it). */
export const SummaryOutputSchema = z.object({
  headline: text.describe(`One-line headline, at most ${HEADLINE_MAX} characters.`),
  summary: text.describe('Two or three sentences.'),
  keyPoints: list.describe('Three to five short key points.'),
  entities: z.object({
    countries: list.describe('ISO 3166-1 alpha-2 country codes (e.g. "US", "CN"), or "EU" for the bloc.'),
    people: list.describe('Full names of people named in the articles.'),
    organisations: list.describe('Companies, agencies and international bodies named in the articles.'),
  }),
  instruments: z
    .array(z.string().meta({ enum: [...TRADE_INSTRUMENTS] }))
    .describe('Trade instruments the story is about, from the fixed list only.'),
  sourceSentences: list.describe('Sentences copied verbatim from the articles that the summary relies on.'),
  // Lenient on range (clamped to 0..1); a reply without it is read as "no judgment" (the classifier decides).
  // The range is in the description, not `minimum`/`maximum` keywords, which not every strict mode accepts.
  relevance: z
    .number()
    .optional()
    .describe(
      'How clearly the story is international trade news: a number from 0 (not at all) to 1 (clearly).',
    ),
});

function clean(values: string[], max = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of values) {
    const value = raw.replace(/\s+/g, ' ').trim();
    const key = value.toLowerCase();
    if (!value || seen.has(key)) continue;
    seen.add(key);
    out.push(value);
    if (out.length >= max) break;
  }
  return out;
}

export function clampHeadline(headline: string): string {
  const oneLine = headline.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= HEADLINE_MAX) return oneLine;
  const cut = oneLine.slice(0, HEADLINE_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > HEADLINE_MAX / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

function normaliseCountries(values: string[]): string[] {
  return clean(values.map((v) => v.trim().toUpperCase())).filter((c) => /^[A-Z]{2}$/.test(c) || BLOCS.has(c));
}

function normaliseInstruments(values: string[]): TradeInstrument[] {
  const out: TradeInstrument[] = [];
  for (const raw of values) {
    const value = raw
      .trim()
      .toLowerCase()
      .replace(/[\s_]+/g, '-');
    if (KNOWN_INSTRUMENTS.has(value) && !out.includes(value as TradeInstrument))
      out.push(value as TradeInstrument);
  }
  return out;
}

type SummaryOutput = z.output<typeof SummaryOutputSchema>;

export const SummarySchema: z.ZodType<Summary> = SummaryOutputSchema.transform(
  (raw, ctx): Summary => toSummary(raw, ctx),
);

/**
 * Several stories in one reply (prompts/summarise-batch.md): structure is checked for the whole reply,
 * the clean-up rules per story (`parseBatchItem`), so one story's empty headline costs that story a
 * call of its own, not the whole batch.
 */
export const BatchSummarySchema = z.object({
  stories: z
    .array(
      SummaryOutputSchema.extend({
        story: z.string().describe('The id of the story this summary is for, as given in its <story> tag.'),
      }),
    )
    .describe('One summary per story, in the order given.'),
});

export type BatchSummaryItem = z.output<typeof BatchSummarySchema>['stories'][number];

/** One story of a batch reply through the same clean-up as a single reply; null when it fails it. */
export function parseBatchItem(item: BatchSummaryItem): Summary | null {
  const { story: _story, ...raw } = item;
  const parsed = SummarySchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

function toSummary(raw: SummaryOutput, ctx: z.RefinementCtx): Summary {
  const headline = clampHeadline(raw.headline);
  const summary = raw.summary.replace(/\s+/g, ' ').trim();
  const keyPoints = clean(raw.keyPoints, KEY_POINTS_MAX);
  if (!headline) ctx.addIssue({ code: 'custom', message: 'headline is empty', path: ['headline'] });
  if (!summary) ctx.addIssue({ code: 'custom', message: 'summary is empty', path: ['summary'] });
  if (keyPoints.length === 0) ctx.addIssue({ code: 'custom', message: 'no key points', path: ['keyPoints'] });
  return {
    headline,
    summary,
    keyPoints,
    entities: {
      countries: normaliseCountries(raw.entities.countries),
      people: clean(raw.entities.people),
      organisations: clean(raw.entities.organisations),
    },
    instruments: normaliseInstruments(raw.instruments),
    sourceSentences: clean(raw.sourceSentences, SOURCE_SENTENCES_MAX),
    ...(raw.relevance === undefined ? {} : { relevance: clampRelevance(raw.relevance) }),
  };
}

/** 0..1, rounded to three places; out-of-range values are clamped (the fix is obvious). */
export function clampRelevance(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}
