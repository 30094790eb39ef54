import { describe, expect, it } from 'vitest';
import { terms } from '../../src/text/tokens.ts';

describe('terms', () => {
  it('stems and drops stopwords', () => {
    expect(terms('The tariffs were raised on steel imports')).toEqual(['tariff', 'rais', 'steel', 'import']);
  });
});
