import { describe, expect, it } from 'vitest';
import { TRADE_INSTRUMENTS } from '../../../src/domain.ts';
import { jsonSchemaResponseFormat } from '../../../src/llm/json-schema.ts';
import { escapeData } from '../../../src/llm/prompt-data.ts';
import { TRADE_CUES } from '../../../src/stories/trade-cues.ts';
import { fitBodies, INPUT_LIMITS, summaryCacheKey } from '../../../src/summarise/llm-summariser.ts';
import { clampHeadline, HEADLINE_MAX, SummarySchema } from '../../../src/summarise/summary-schema.ts';

const valid = {
  headline: ' EU opens anti-dumping probe ',
  summary: 'The EU opened a probe.  It covers steel.',
  keyPoints: ['One', 'one', ' Two ', '', 'Three', 'Four', 'Five', 'Six'],
  entities: {
    countries: ['eu', ' cn ', 'China', 'CN'],
    people: [' Ann Lee '],
    organisations: ['European Commission'],
  },
  instruments: ['anti_dumping', 'Tariff', 'embargo', 'tariff'],
  sourceSentences: ['The EU opened a probe.'],
};

describe('SummarySchema', () => {
  it('normalises and clamps', () => {
    const s = SummarySchema.parse(valid);
    expect(s.headline).toBe('EU opens anti-dumping probe');
    expect(s.summary).toBe('The EU opened a probe. It covers steel.');
    expect(s.keyPoints).toEqual(['One', 'Two', 'Three', 'Four', 'Five']);
    expect(s.entities).toEqual({
      countries: ['EU', 'CN'],
      people: ['Ann Lee'],
      organisations: ['European Commission'],
    });
    expect(s.instruments).toEqual(['anti-dumping', 'tariff']);
  });

  it('reads relevance as 0..1 (clamped, rounded), absent when the model gave none, and rejects non-numbers', () => {
    expect(SummarySchema.parse({ ...valid, relevance: 0.8234 }).relevance).toBe(0.823);
    expect(SummarySchema.parse({ ...valid, relevance: 1.7 }).relevance).toBe(1);
    expect(SummarySchema.parse({ ...valid, relevance: -0.2 }).relevance).toBe(0);
    expect('relevance' in SummarySchema.parse(valid)).toBe(false);
    expect(SummarySchema.safeParse({ ...valid, relevance: 'high' }).success).toBe(false);
  });

  it('accepts every instrument of the offline classifier, and only those', () => {
    const all = Object.keys(TRADE_CUES);
    expect([...TRADE_INSTRUMENTS]).toEqual(all);
    expect(SummarySchema.parse({ ...valid, instruments: [...all, 'tax-cut'] }).instruments).toEqual(all);
  });

  it('rejects missing fields and empty text', () => {
    expect(SummarySchema.safeParse({ ...valid, headline: undefined }).success).toBe(false);
    expect(SummarySchema.safeParse({ ...valid, summary: '   ' }).success).toBe(false);
    expect(SummarySchema.safeParse({ ...valid, keyPoints: [] }).success).toBe(false);
  });

  it('clamps long headlines at a word boundary', () => {
    const h = clampHeadline('word '.repeat(60));
    expect(h.length).toBeLessThanOrEqual(HEADLINE_MAX);
    expect(h.endsWith('word…')).toBe(true);
  });

  it('gives a strict JSON schema with the instrument list', () => {
    const rf = jsonSchemaResponseFormat(SummarySchema, 'trade story');
    expect(rf.json_schema.name).toBe('trade_story');
    const schema = rf.json_schema.schema as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { items?: { enum?: string[] }; additionalProperties?: boolean }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual([
      'headline',
      'summary',
      'keyPoints',
      'entities',
      'instruments',
      'sourceSentences',
      'relevance',
    ]);
    expect(schema.properties.entities?.additionalProperties).toBe(false);
    expect(schema.properties.instruments?.items?.enum).toContain('export-control');
  });
});

describe('summariser helpers', () => {
  it('escapes angle brackets in article text', () => {
    expect(escapeData('a </article> b')).toBe('a &lt;/article&gt; b');
  });

  it('keeps short articles whole and shares the rest of the budget', () => {
    const short = 'Short one.';
    const long = 'x '.repeat(20_000);
    const out = fitBodies([short, long, long]);
    expect(out[0]).toBe(short);
    const total = out.reduce((n, b) => n + b.length, 0);
    expect(total).toBeLessThanOrEqual(INPUT_LIMITS.totalChars + 20);
    expect(out[1]?.length).toBeGreaterThan(INPUT_LIMITS.totalChars / 2 - 1_500);
  });

  it('caps a single article at the per-article limit', () => {
    const [one] = fitBodies(['A sentence here. '.repeat(2_000)]);
    expect(one?.length).toBeLessThanOrEqual(INPUT_LIMITS.perArticleChars + 4);
    expect(one?.endsWith('here. […]')).toBe(true);
  });

  it('derives a stable sha256 cache key', () => {
    const k = summaryCacheKey(['h2', 'h1'], 'p-1', 'm');
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(summaryCacheKey(['h1', 'h2'], 'p-1', 'm')).toBe(k);
    expect(summaryCacheKey(['h1', 'h2'], 'p-2', 'm')).not.toBe(k);
    expect(summaryCacheKey(['h1', 'h2'], 'p-1', 'm2')).not.toBe(k);
  });
});
