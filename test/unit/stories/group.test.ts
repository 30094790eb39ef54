import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src/stories/fingerprint.ts';
import {
  assessPair,
  chooseStory,
  newContentRatio,
  RESUMMARY_NEW_CONTENT,
  type StoryCandidate,
} from '../../../src/stories/group.ts';
import { MemoryStoryIndex } from '../../../src/stories/memory-index.ts';
import { windowAround } from '../../../src/stories/story-index.ts';
import { articles, type FixtureArticle } from './fixtures.ts';

const base = fingerprint(articles.base);
const asCandidate = (a: FixtureArticle, storyId = 'story-1', articleId = 'a-1'): StoryCandidate => ({
  articleId,
  storyId,
  published: a.published,
  fingerprint: fingerprint(a),
});
const existing = asCandidate(articles.base);

describe('chooseStory', () => {
  it('joins a syndicated copy with a new opening sentence and a dropped paragraph', () => {
    const fp = fingerprint(articles.syndicated);
    expect(chooseStory(fp, [existing])).toMatchObject({ storyId: 'story-1', articleId: 'a-1' });
    expect(assessPair(fp, existing).score).toBeGreaterThan(0.6);
  });

  it('keeps an unrelated trade article from the same day apart', () => {
    const fp = fingerprint(articles.unrelated);
    expect(chooseStory(fp, [existing])).toBeNull();
    expect(assessPair(fp, existing).reason).toBe('too-different');
  });

  it('keeps templated daily reports with different figures apart', () => {
    const day1 = asCandidate(articles.fedDay1, 'fed-1');
    const day2 = fingerprint(articles.fedDay2);
    const a = assessPair(day2, day1);
    expect(a.jaccard).toBeGreaterThan(0.3); // the template alone makes them look alike
    expect(a.templated).toBe(true);
    expect(chooseStory(day2, [day1])).toBeNull();
  });

  it('still joins a same-template report re-sent the same day with a corrected figure', () => {
    const resend = fingerprint({ ...articles.fedDay2, published: '1987-03-03T12:30:00Z' });
    const first = asCandidate(articles.fedDay2, 'fed-2');
    expect(chooseStory(resend, [first])?.storyId).toBe('fed-2');
    const corrected = fingerprint({
      ...articles.fedDay2,
      body: articles.fedDay2.body.replace('6-1/4 pct', '6-5/16 pct'),
      published: '1987-03-03T13:10:00Z',
    });
    expect(chooseStory(corrected, [first])?.storyId).toBe('fed-2');
  });

  it('joins an expanded version (original plus two paragraphs) by containment', () => {
    const fp = fingerprint(articles.expanded);
    const a = assessPair(fp, existing);
    expect(a.containment).toBeGreaterThanOrEqual(0.8);
    expect(chooseStory(fp, [existing])?.storyId).toBe('story-1');
  });

  it('does not join outside the date window', () => {
    const fp = fingerprint(articles.lateCopy);
    expect(assessPair(fp, existing).reason).toBe('out-of-window');
    expect(chooseStory(fp, [existing])).toBeNull();
    expect(chooseStory(fp, [existing], { windowDays: 7 })?.storyId).toBe('story-1');
  });

  it('picks the best of several candidates', () => {
    const other = asCandidate(articles.unrelated, 'story-2', 'a-2');
    const fp = fingerprint(articles.exactCopy);
    expect(chooseStory(fp, [other, existing])).toMatchObject({ storyId: 'story-1', score: 1 });
    expect(chooseStory(fp, [])).toBeNull();
  });
});

describe('newContentRatio', () => {
  it('is 0 for an exact copy and at least the re-summary threshold for an expanded version', () => {
    expect(newContentRatio(fingerprint(articles.exactCopy), [base])).toBe(0);
    const ratio = newContentRatio(fingerprint(articles.expanded), [base]);
    expect(ratio).toBeGreaterThanOrEqual(RESUMMARY_NEW_CONTENT);
    expect(ratio).toBeLessThan(0.5);
  });

  it('counts sentences from any article of the story', () => {
    const synd = fingerprint(articles.syndicated);
    expect(newContentRatio(synd, [base])).toBeGreaterThan(0);
    expect(newContentRatio(synd, [base, synd])).toBe(0);
    expect(newContentRatio(fingerprint({ title: 'x', body: '', published: '' }), [base])).toBe(0);
  });
});

describe('MemoryStoryIndex', () => {
  it('finds look-alikes through band keys within the window only', () => {
    const index = new MemoryStoryIndex();
    index.add('a-1', 'story-1', base);
    index.add('a-2', 'story-2', fingerprint(articles.unrelated));
    index.add('a-3', 'story-3', fingerprint(articles.sports));
    const synd = fingerprint(articles.syndicated);
    const found = index.candidatesNear(synd, 3).map((c) => c.articleId);
    expect(found).toEqual(['a-1']);
    const { from, to } = windowAround('2020-06-01T00:00:00Z', 3);
    expect(index.candidates(synd, from, to)).toEqual([]);
    expect(index.size).toBe(3);
  });

  it('groups a stream end to end', () => {
    const index = new MemoryStoryIndex({ retainDays: 12 });
    const stream = [
      articles.unrelated,
      articles.base,
      articles.syndicated,
      articles.expanded,
      articles.sports,
    ];
    const stories = stream.map((a, i) => {
      const fp = fingerprint(a);
      const match = chooseStory(fp, index.candidatesNear(fp, 3));
      const storyId = match?.storyId ?? `s${i}`;
      index.add(`a${i}`, storyId, fp);
      return storyId;
    });
    expect(stories).toEqual(['s0', 's1', 's1', 's1', 's4']);
  });

  it('caps buckets so a recurring key cannot grow lookups', () => {
    const index = new MemoryStoryIndex({ maxBucket: 4 });
    for (let d = 1; d <= 9; d++) {
      index.add(
        `fed-${d}`,
        `s-${d}`,
        fingerprint({ ...articles.fedDay1, published: `1987-03-0${d}T11:45:00Z` }),
      );
    }
    const probe = fingerprint({ ...articles.fedDay1, published: '1987-03-09T12:00:00Z' });
    const found = index.candidatesNear(probe, 30).map((c) => c.articleId);
    expect(found).toEqual(['fed-6', 'fed-7', 'fed-8', 'fed-9']);
  });
});
