import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHtml } from '../../../src/ingest/parse-html.ts';
import { parseJsonDocument, parseJsonLine, toArticleInput } from '../../../src/ingest/parse-jsonl.ts';
import { parseSeedText } from '../../../src/ingest/parse-seed.ts';
import { decodeText, validateArticle } from '../../../src/ingest/validate.ts';
import { thrown } from '../../helpers/errors.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(repoRoot, 'test/fixtures/ingest');
const realSeed = path.resolve(repoRoot, '../shared/data/seed-article.txt');
const fixture = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');

describe('parseSeedText', () => {
  it('splits the date header from the body', () => {
    const out = validateArticle(parseSeedText(fixture('seed-tariffs.txt')), 'seed-tariffs.txt');
    expect(out.published).toBe('2024-03-12T00:00:00.000Z');
    expect(out.title).toBeUndefined();
    expect(out.url).toBeUndefined();
    expect(out.body.startsWith('Canada said on Tuesday it would impose a 25% surtax')).toBe(true);
    expect(out.body.split('\n\n')).toHaveLength(4);
  });

  it('accepts text without a header as a plain article with no date', () => {
    const text = fixture('plain-brief.txt');
    expect(parseSeedText(text)).toEqual({ body: text });
    const out = validateArticle(parseSeedText(text), 'plain-brief.txt');
    expect(out.published).toBeUndefined();
    expect(out.body).toMatch(/^Indonesia said on Monday .* drawn billions of dollars/);
  });

  it('does not mistake prose starting with "date" for a header', () => {
    expect(parseSeedText('Dates for the next round of talks were not set.')).toEqual({
      body: 'Dates for the next round of talks were not set.',
    });
  });

  it('keeps an impossible header date so validation rejects it', () => {
    const parsed = parseSeedText(' date 2019-02-30 Text.');
    expect(parsed).toEqual({ published: '2019-02-30', body: ' Text.' });
    expect(thrown(() => validateArticle(parsed, 'x.txt')).code).toBe('ingest/bad-date');
  });

  // Reads ../shared/data, which a user's clone does not have: skipped (saying so) without it.
  it.skipIf(!existsSync(realSeed))(
    `reads the real seed article${existsSync(realSeed) ? '' : ' (skipped: ../shared/data/seed-article.txt not found)'}`,
    () => {
      const text = decodeText(readFileSync(realSeed), 'seed-article.txt');
      const out = validateArticle(parseSeedText(text), 'seed-article.txt');
      expect(out.published).toBe('2019-11-26T00:00:00.000Z');
      expect(out.body.startsWith('The U.S. and China')).toBe(true);
      expect(out.body.split('\n\n').length).toBeGreaterThan(3);
    },
  );
});

describe('JSON records', () => {
  it('maps aliases to article fields', () => {
    expect(
      toArticleInput({
        link: 'https://a.example/x',
        headline: 'H',
        date: '2024-03-06',
        text: 'T',
        source: { id: 'x', name: 'Wire' },
      }),
    ).toEqual({ url: 'https://a.example/x', title: 'H', published: '2024-03-06', body: 'T', source: 'Wire' });
    expect(toArticleInput({ content: ['One.', 'Two.'], title: null })).toEqual({ body: 'One.\n\nTwo.' });
  });

  it('accepts Reuters-21578 records and ignores their extra fields', () => {
    const out = toArticleInput({
      id: '1',
      date: '1987-02-26T15:01:01',
      title: 'BAHIA COCOA REVIEW',
      dateline: 'SALVADOR, Feb 26 -',
      body: 'Showers continued.',
      topics: ['cocoa'],
      places: ['brazil'],
    });
    expect(out).toEqual({
      title: 'BAHIA COCOA REVIEW',
      published: '1987-02-26T15:01:01',
      body: 'Showers continued.',
    });
    expect(out.source).toBeUndefined();
  });

  it('reads Unix times as dates', () => {
    expect(toArticleInput({ body: 'x', published: 1574726400 }).published).toBe('2019-11-26T00:00:00.000Z');
    expect(toArticleInput({ body: 'x', published: 1574726400000 }).published).toBe(
      '2019-11-26T00:00:00.000Z',
    );
  });

  it('rejects bad JSON and bad records with one-line messages', () => {
    const badJson = thrown(() => parseJsonLine('{"title": "WTO panel rules", "body": "A panel'));
    expect(badJson.code).toBe('ingest/bad-json');
    expect(badJson.message).toMatch(/^invalid JSON: /);
    expect(thrown(() => parseJsonLine('[1, 2]')).message).toBe('record must be a JSON object, got array');
    expect(thrown(() => parseJsonLine('{"title": 2023, "body": "x"}')).message).toBe(
      'field "title" must be a string, got number',
    );
    expect(thrown(() => parseJsonLine('{"headline_text": "x"}')).message).toBe(
      'record has no article fields (body/text/content, title/headline); has: headline_text',
    );
    expect(thrown(() => parseJsonLine('{"body": "x", "date": true}')).code).toBe('ingest/bad-date');
  });

  it('reads a .json document: one record, an array, or a wrapper', () => {
    expect(parseJsonDocument('{"body": "x"}')).toEqual([{ index: undefined, value: { body: 'x' } }]);
    expect(parseJsonDocument('[{"body": "x"}, 3]')).toEqual([
      { index: 1, value: { body: 'x' } },
      { index: 2, value: 3 },
    ]);
    expect(parseJsonDocument('{"status": "ok", "articles": [{"title": "t"}]}')).toEqual([
      { index: 1, value: { title: 't' } },
    ]);
    expect(thrown(() => parseJsonDocument('"just a string"')).code).toBe('ingest/bad-record');
    expect(thrown(() => parseJsonDocument('{"body": ')).code).toBe('ingest/bad-json');
  });
});

describe('parseHtml', () => {
  it('extracts the story from a page with navigation, ads and related links', () => {
    const raw = parseHtml(fixture('article.html'));
    const out = validateArticle(raw, 'article.html');
    expect(out.title).toBe('U.S. and EU agree to pause steel tariff dispute');
    expect(out.source).toBe('Global Trade Monitor');
    expect(out.published).toBe('2021-10-30T16:45:00.000Z');
    // The canonical link is relative and no page URL was given, so og:url is used.
    expect(out.url).toBe('https://www.globaltrademonitor.example/news/us-eu-steel-truce');
    const paragraphs = out.body.split('\n\n');
    expect(paragraphs[0]).toMatch(/^The United States and the European Union agreed on Saturday/);
    expect(paragraphs).toHaveLength(5);
    expect(paragraphs[1]).toContain('motorcycles and orange juice'); // hard-wrapped source line joined
    for (const boilerplate of [
      'Advertisement',
      'FXPro',
      'Markets',
      'Related stories',
      'Subscribe',
      'Privacy',
    ]) {
      expect(out.body).not.toContain(boilerplate);
    }
  });

  it('resolves a relative canonical link against the page URL', () => {
    const out = parseHtml(fixture('article.html'), 'https://www.globaltrademonitor.example/amp/123');
    expect(out.url).toBe('https://www.globaltrademonitor.example/news/us-eu-steel-truce/?utm_source=rss');
  });

  it('falls back to JSON-LD and <time> for metadata', () => {
    const html = `<html><head><title>Chile lithium deal | Andes Post</title>
      <script type="application/ld+json">{"@graph": [{"@type": "WebSite"}, {"@type": "NewsArticle",
      "datePublished": "2024-01-15T12:00:00-03:00", "publisher": {"name": "Andes Post"}}]}</script></head>
      <body><article><p>Chile's state miner Codelco signed a lithium partnership with SQM on Monday, ending months of
      negotiations over the country's largest salt flat.</p><p>The deal gives the state control from 2031.</p></article></body></html>`;
    const out = validateArticle(parseHtml(html), 'x.html');
    expect(out.source).toBe('Andes Post');
    expect(out.published).toBe('2024-01-15T15:00:00.000Z');
    expect(out.body.split('\n\n')).toHaveLength(2);
  });

  it('still finds the story when furniture removal is too eager', () => {
    const story =
      'Brazil and Argentina agreed to cut the common external tariff on 1,600 goods by 10%, a move both governments said would lower consumer prices and help exporters compete.';
    const html = `<html><body><div class="ad-free-layout"><article><p>${story}</p><p>${story}</p></article></div></body></html>`;
    expect(parseHtml(html).body).toBe(`${story}\n\n${story}`);
  });

  it('fails with ingest/no-text when the page has no main text', () => {
    const err = thrown(() =>
      parseHtml('<html><head><title>Login</title></head><body><nav>Home</nav></body></html>'),
    );
    expect(err.code).toBe('ingest/no-text');
  });
});
