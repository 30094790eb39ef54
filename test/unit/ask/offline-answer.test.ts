import { describe, expect, it } from 'vitest';
import { answerOffline, NOT_FOUND_ANSWER } from '../../../src/ask/offline-answer.ts';
import type { Passage } from '../../../src/store/store.ts';

let seq = 0;
function passage(title: string, text: string, over: Partial<Passage> = {}): Passage {
  seq++;
  return {
    articleId: `a${seq}`,
    storyId: `s${seq}`,
    source: 'Wire',
    url: `https://example.com/${seq}`,
    title,
    published: '2026-11-20T00:00:00Z',
    text,
    score: 1,
    ...over,
  };
}

const wine = passage(
  'India halves tariff on Australian wine under interim trade pact',
  "India will cut its tariff on Australian wine to 75% from 150% under an interim trade agreement that takes effect on December 29, Australia's trade minister Don Farrell said on Saturday.\nThe duty on premium bottles will fall further, to 25%, over ten years.",
  { score: 9 },
);
const meeting = passage(
  'Goyal and Farrell seal interim deal',
  'Indian Commerce Minister Piyush Goyal met Australian Trade Minister Don Farrell in New Delhi on Monday to finalise the interim agreement. Officials said talks on a fuller deal would resume in March.',
  { score: 7 },
);
const nickel = passage(
  'Indonesia to ban nickel ore exports from January',
  'Indonesia will ban exports of nickel ore from January 1, the energy ministry said on Friday.\nPresident Joko Widodo said the ban was meant to force miners to process ore at home and build a domestic battery industry.\nNickel prices jumped 4% after the announcement.',
  { score: 8 },
);
const soy = passage(
  'China books record U.S. soybean cargoes',
  'Chinese importers booked at least 1.2 million tonnes of U.S. soybeans this week, traders said. Soybean futures in Chicago rose 2% on the news.',
  { score: 5 },
);
const all = [wine, meeting, nickel, soy];

describe('answerOffline', () => {
  it('who: quotes the sentence naming the person, with its citation', () => {
    const r = answerOffline('Who did Piyush Goyal meet?', all);
    expect(r.grounded).toBe(true);
    expect(r.answer).toContain('Don Farrell');
    expect(r.answer).toMatch(/^Indian Commerce Minister Piyush Goyal met .* \[1\]/);
    expect(r.citations[0]).toMatchObject({ n: 1, passageIndex: 1 });
    expect(meeting.text).toContain(r.citations[0]?.quote.split(' … ')[0] ?? '-');
  });

  it('how much: prefers the sentence with the rate', () => {
    const r = answerOffline('What tariff will India charge on Australian wine?', all);
    expect(r.grounded).toBe(true);
    expect(r.answer).toContain('75%');
    expect(r.citations.map((c) => c.passageIndex)).toEqual([0]);
  });

  it('how much: numbers with units', () => {
    const r = answerOffline('How many soybeans did China buy?', all);
    expect(r.answer).toContain('1.2 million tonnes');
  });

  it('when: picks the sentence with the date', () => {
    const r = answerOffline('When does the wine tariff cut take effect?', all);
    expect(r.grounded).toBe(true);
    expect(r.answer).toContain('December 29');
  });

  it('why: picks the sentence that gives a reason', () => {
    const r = answerOffline('Why is Indonesia banning nickel ore exports?', all);
    expect(r.grounded).toBe(true);
    expect(r.answer).toContain('meant to force miners');
    expect(r.citations).toHaveLength(1);
  });

  it('cites two sentences of one article with one number, quoting both', () => {
    const r = answerOffline('Why is Indonesia banning nickel ore exports?', all);
    if (r.answer.split('[1]').length > 2) expect(r.citations[0]?.quote).toContain(' … ');
    expect(r.answer).not.toContain('[2]');
  });

  it('says it cannot answer when the evidence is weak', () => {
    for (const q of ['What did Peru say about copper royalties?', 'Who won the cup final?']) {
      const r = answerOffline(q, all);
      expect(r, q).toMatchObject({ answer: NOT_FOUND_ANSWER, grounded: false, citations: [] });
      expect(r.abstainedBecause?.constraint).toBe('no-evidence');
    }
  });

  it('is not grounded when a name in the question is missing from the evidence, and says so', () => {
    // "tariff" and "wine" match, but nothing is about Brazil.
    const r = answerOffline('What tariff did Brazil put on wine?', all);
    expect(r.grounded).toBe(false);
    expect(r.abstainedBecause).toEqual({ constraint: 'entity', detail: 'the sources do not mention brazil' });
    expect(r.answer).toContain('the sources do not mention brazil');
    expect(r.citations[0]?.passageIndex).toBe(0);
  });

  it('abstains when the period asked for is not the one reported, with paraphrases understood', () => {
    const uk = passage(
      'UK trade deficit narrows',
      'Britain had a visible trade deficit of 2.6 billion stg in the fourth quarter of 2025, official statistics show.',
    );
    const q4 = answerOffline("What was Britain's trade deficit in October-December 2025?", [uk]);
    expect(q4.grounded).toBe(true);
    expect(q4.answer).toContain('2.6 billion stg');
    const q1 = answerOffline("What was Britain's trade deficit in January-March 2025?", [uk]);
    expect(q1.grounded).toBe(false);
    expect(q1.abstainedBecause?.constraint).toBe('period');
    expect(q1.abstainedBecause?.detail).toContain('January–March');
  });

  it('abstains when the product asked about is not the one reported', () => {
    const r = answerOffline('How much coffee did China book from the U.S.?', all);
    expect(r.grounded).toBe(false);
    expect(r.abstainedBecause).toMatchObject({ constraint: 'product' });
  });

  it('abstains on a who question whose evidence names no one new', () => {
    const sefcovic = passage(
      'Sefcovic named trade commissioner',
      'Maros Sefcovic was appointed trade commissioner in 2024.',
    );
    const r = answerOffline('Who will succeed Maros Sefcovic as trade commissioner?', [sefcovic]);
    expect(r.grounded).toBe(false);
    expect(r.abstainedBecause?.constraint).toBe('answer-type');
  });

  it('understands Washington as the U.S.', () => {
    const r = answerOffline('How many tonnes of soybeans did China buy from Washington?', all);
    expect(r.grounded).toBe(true);
    expect(r.answer).toContain('1.2 million tonnes');
  });

  it('is not grounded with no passages or no content words', () => {
    expect(answerOffline('What tariff did India put on wine?', []).grounded).toBe(false);
    expect(answerOffline('what about it?', all).grounded).toBe(false);
  });

  it('uses thread context words when the question has none of its own', () => {
    // As threadContext gives them after "Is Indonesia banning nickel ore exports?".
    const extraTerms = ['Indonesia', 'banning', 'nickel', 'ore', 'exports'];
    const r = answerOffline('and why?', all, { extraTerms, extraWeight: 0.8 });
    expect(r.grounded).toBe(true);
    expect(r.answer).toContain('meant to force miners');
  });

  it('prefers the better-ranked passage when sentences fit equally', () => {
    const text = 'Canada will impose a 25% tariff on Chinese steel from December 15.';
    const low = passage('Canada steel', text, { score: 2, articleId: 'low' });
    const high = passage('Canada steel', `${text} `, { score: 6, articleId: 'high' });
    const r = answerOffline('What tariff will Canada impose on steel?', [low, high]);
    expect(r.citations[0]?.passageIndex).toBe(1);
  });

  it('answers for a period the source words differently, and reads a comparison year as a comparison', () => {
    const china = passage(
      'China reports two-month trade deficit',
      "China's trade deficit totalled 700 mln dlrs in the first two months of this year, figures showed. Exports rose 18 pct against the same period of 1986.",
      { published: '1987-03-16T00:00:00Z' },
    );
    const r = answerOffline('What trade deficit did China run in January-February 1987?', [china]);
    expect(r.grounded).toBe(true);
    expect(r.answer).toContain('700 mln dlrs');
    const coffee = passage(
      'Brazil coffee earnings',
      'Coffee earnings were down to 110 mln dlrs against 295 mln in February 1986, he added.',
      { published: '1987-03-20T00:00:00Z' },
    );
    const c = answerOffline('How much did Brazil earn from coffee in February 1987?', [coffee]);
    expect(c.grounded).toBe(true);
    expect(c.answer).toContain('110 mln');
  });

  it('abstains when the sentence dates its figure to another year, and says which', () => {
    const canada = passage(
      'Canada trade',
      'Canada said its merchandise trade surplus was pared to 10.13 billion dlrs in 1986 from 17.48 billion dlrs in 1985.',
      { published: '1987-03-14T00:00:00Z' },
    );
    const r = answerOffline('What trade surplus did Canada post in 1987?', [canada]);
    expect(r.grounded).toBe(false);
    expect(r.abstainedBecause).toEqual({
      constraint: 'period',
      detail: 'the question asks about 1987; the closest source reports 1986',
    });
  });
});
