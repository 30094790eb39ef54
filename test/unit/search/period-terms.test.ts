import { describe, expect, it } from 'vitest';
import { periodForms, withPeriodTerms } from '../../../src/search/period-terms.ts';
import { questionTerms } from '../../../src/search/question-terms.ts';

const formsOf = (q: string) => withPeriodTerms(q, questionTerms(q)).map((t) => t.forms[0]);

describe('withPeriodTerms', () => {
  it('makes a month range one term searched in every wording of it', () => {
    const terms = withPeriodTerms(
      'What trade deficit did China run in January-February 1987?',
      questionTerms('What trade deficit did China run in January-February 1987?'),
    );
    const period = terms.find((t) => t.key === 'period:1-2');
    expect(period?.forms).toEqual(['january february', 'first two months', 'first 2 months']);
    expect(terms.map((t) => t.key)).not.toContain('januari');
    expect(terms.map((t) => t.key)).toContain('china');
  });

  it('reads quarters both ways, and "first-quarter" as a period, not a word', () => {
    expect(periodForms({ from: 10, to: 12 })).toEqual([
      'october december',
      'fourth quarter',
      'q4',
      'final quarter',
      'last quarter',
    ]);
    expect(formsOf("Japan's first-quarter exports")).toContain('january march');
    expect(formsOf('first half steel output')[0]).toBe('january june');
  });

  it('leaves single months and questions without a period alone', () => {
    const q = 'What surplus did Brazil post in February?';
    expect(withPeriodTerms(q, questionTerms(q))).toEqual(questionTerms(q));
    const r = 'Who won the first round of talks?';
    expect(withPeriodTerms(r, questionTerms(r))).toEqual(questionTerms(r));
  });
});
