import { describe, expect, it } from 'vitest';
import { checkCitations } from '../../../src/ask/answer.ts';

describe('checkCitations', () => {
  it('keeps valid markers, renumbered densely in order of first use', () => {
    const r = checkCitations(
      'Mexico raised steel tariffs to 35% [3]. Canada followed [1], citing China [3].',
      4,
    );
    expect(r.text).toBe('Mexico raised steel tariffs to 35% [1]. Canada followed [2], citing China [1].');
    expect(r.order).toEqual([3, 1]);
    expect(r.claims[0]).toContain('Mexico raised steel tariffs');
  });

  it('removes markers that point at sources that were not given', () => {
    const r = checkCitations('Liu He spoke with Katherine Tai [1][7]. Tariffs were cancelled [99]. [0]', 3);
    expect(r.text).toBe('Liu He spoke with Katherine Tai [1]. Tariffs were cancelled.');
    expect(r.order).toEqual([1]);
  });

  it('handles lists and ranges inside one bracket', () => {
    expect(checkCitations('A [2, 4]. B [1-2]. C [5; 2]', 4)).toMatchObject({
      text: 'A [1][2]. B [3][1]. C [1]',
      order: [2, 4, 1],
    });
  });

  it('gives passages of the same article one number', () => {
    const article = ['x', 'y', 'x'];
    const r = checkCitations('First [3]. Second [1]. Third [2].', 3, (n) => article[n - 1] ?? '');
    expect(r.text).toBe('First [1]. Second [1]. Third [2].');
    expect(r.order).toEqual([3, 2]);
  });

  it('returns no citations when there are none', () => {
    expect(checkCitations('Tariffs rose.', 3)).toEqual({ text: 'Tariffs rose.', order: [], claims: [] });
  });
});
