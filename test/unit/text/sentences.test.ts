import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { splitParagraphs, splitSentences } from '../../../src/text/sentences.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/articles');

describe('splitSentences', () => {
  it('splits plain sentences on . ! and ?', () => {
    expect(splitSentences('Tariffs rose. Will talks resume? Nobody knows! Markets fell.')).toEqual([
      'Tariffs rose.',
      'Will talks resume?',
      'Nobody knows!',
      'Markets fell.',
    ]);
  });

  it('returns nothing for empty or blank text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\n \t')).toEqual([]);
  });

  it.each([
    'The U.S. and the U.K. asked the U.N. to act.',
    'Mr. Liu met Mrs. Chen, Ms. Park and Dr. Smith.',
    'Gov. Newsom, Sen. Warren, Rep. Pelosi and Gen. Milley spoke.',
    'Talks in St. Louis resume on Jan. 5 and end on Feb. 12, not Mar. 3 or Dec. 1.',
    'Acme Corp. and Widget Inc. joined Foo Co. and Bar Ltd. in the suit.',
    'China is the No. 2 economy, ahead of Japan.',
    'It was Germany vs. France in the final.',
    'Some goods, e.g. steel, and others, i.e. aluminium, face duties.',
    'Exports fell approx. five pct last month.',
    'Output rose 3.5 pct to 1.2 mln tonnes, worth $6.4 bln.',
    'J. Smith and A. B. Jones wrote the report.',
    'Shares rose at 10 a.m. EST on the news.',
  ])('does not split inside: %s', (text) => {
    expect(splitSentences(text)).toEqual([text]);
  });

  it('splits after an abbreviation when the next word opens a sentence', () => {
    expect(splitSentences('They met in the U.S. The talks ended early.')).toEqual([
      'They met in the U.S.',
      'The talks ended early.',
    ]);
    expect(splitSentences('The unit was sold to Acme Corp. It paid cash.')).toEqual([
      'The unit was sold to Acme Corp.',
      'It paid cash.',
    ]);
  });

  it('splits after a closing quote and keeps the quote with its sentence', () => {
    expect(splitSentences('"We will respond," he said. "It is unfair." Next, the ministry spoke.')).toEqual([
      '"We will respond," he said.',
      '"It is unfair."',
      'Next, the ministry spoke.',
    ]);
    expect(splitSentences('He called it “a disgrace.” Markets fell.')).toEqual([
      'He called it “a disgrace.”',
      'Markets fell.',
    ]);
  });

  it('does not split before a lower-case continuation', () => {
    expect(splitSentences('The deal... was signed. Then what?')).toEqual([
      'The deal... was signed.',
      'Then what?',
    ]);
  });

  it('always splits at blank lines, even without punctuation', () => {
    expect(splitSentences('US slaps tariffs on steel\n\nThe U.S. raised duties.\r\n\r\nEU responds')).toEqual(
      ['US slaps tariffs on steel', 'The U.S. raised duties.', 'EU responds'],
    );
  });

  it('joins wrapped lines and collapses whitespace', () => {
    expect(splitSentences('The ministry said\nit would   retaliate.\tMarkets fell.')).toEqual([
      'The ministry said it would retaliate.',
      'Markets fell.',
    ]);
  });

  it('splits a realistic wire story', () => {
    const text = readFileSync(path.join(fixtures, 'offline-steel-tariffs.txt'), 'utf8');
    const sentences = splitSentences(text);
    expect(sentences).toHaveLength(14);
    expect(sentences[0]).toMatch(
      /^WASHINGTON, March 3 \(Reuters\) - The U\.S\. will raise .* since Jan\. 2018\.$/,
    );
    expect(sentences).toContain('"They did not."');
    expect(sentences).toContain(
      'The EU steel industry association Eurofer said the measures would divert approx. 3.5 mln tonnes of steel a year towards Europe.',
    );
  });
});

describe('splitParagraphs', () => {
  it('splits on blank lines and trims', () => {
    expect(splitParagraphs('  One.\n\n\nTwo.\n  \nThree.  ')).toEqual(['One.', 'Two.', 'Three.']);
  });

  it('treats indented lines (newswire plain text) and bullets as new paragraphs', () => {
    expect(splitParagraphs('First line\nwraps here.\n    Second para.\n- item one\n- item two')).toEqual([
      'First line\nwraps here.',
      'Second para.',
      '- item one',
      '- item two',
    ]);
  });

  it('keeps table rows apart', () => {
    const table = readFileSync(path.join(fixtures, 'offline-table.txt'), 'utf8');
    expect(splitParagraphs(table)).toHaveLength(8);
    expect(splitSentences(table)[0]).toBe('Shr 45 cts vs 58 cts');
  });
});
