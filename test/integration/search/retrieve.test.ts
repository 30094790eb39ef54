import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrieve } from '../../../src/search/retrieve.ts';
import { type CorpusStore, openCorpusStore } from '../../helpers/ask-corpus.ts';

let corpus: CorpusStore;
beforeAll(async () => {
  corpus = await openCorpusStore();
});
afterAll(async () => {
  await corpus.close();
});

describe('retrieve against a real SQLite store', () => {
  it('ranks the passage that matches the question first', async () => {
    const out = await retrieve(corpus.store, 'what tariff did Mexico put on steel?');
    expect(out[0]?.storyId).toBe(corpus.storyOf('mexico-steel-tariff'));
    expect(out.length).toBeLessThanOrEqual(8);
  });

  it('returns syndicated copies of the same text once', async () => {
    const out = await retrieve(corpus.store, 'EU steel safeguard quota extension', {
      limit: 20,
      perStory: 20,
    });
    const texts = out.map((p) => p.text.replace(/\s+/g, ' ').trim());
    expect(new Set(texts).size).toBe(texts.length);
    // Five outlets carried the EU story; its paragraphs appear once each, not five times.
    const sefcovic = texts.filter((t) => t.includes('Maros Sefcovic'));
    expect(sefcovic.length).toBeGreaterThan(0);
    expect(sefcovic.length).toBeLessThan(5);
  });

  it('keeps at most perStory passages per story', async () => {
    const out = await retrieve(corpus.store, 'steel tariffs quota imports', { limit: 20, perStory: 1 });
    const stories = out.map((p) => p.storyId);
    expect(new Set(stories).size).toBe(stories.length);
  });

  it('applies source and date filters', async () => {
    const bySource = await retrieve(corpus.store, 'steel', { source: 'northern business' });
    expect(bySource.map((p) => p.source)).toEqual(['Northern Business']);
    const window = await retrieve(corpus.store, 'steel tariff', {
      since: '2026-11-25T00:00:00Z',
      until: '2026-11-26T00:00:00Z',
    });
    expect(window.length).toBeGreaterThan(0);
    for (const p of window) expect(p.published >= '2026-11-25' && p.published < '2026-11-26').toBe(true);
  });

  it('survives hostile input and returns nothing for questions without content words', async () => {
    await expect(retrieve(corpus.store, 'steel" OR title:* NEAR( AND')).resolves.toBeInstanceOf(Array);
    await expect(retrieve(corpus.store, 'what did they say about it?')).resolves.toEqual([]);
  });

  it('lets thread context pick the story a follow-up is about', async () => {
    const plain = await retrieve(corpus.store, 'what did China say about it?');
    const chips = corpus.storyOf('us-chip-export-controls');
    const followUp = await retrieve(corpus.store, 'what did China say about it?', {
      extraTerms: ['US', 'chip', 'exports'],
      extraWeight: 0.8,
      boostStoryIds: [chips],
    });
    expect(followUp[0]?.storyId).toBe(chips);
    expect(plain.length).toBeGreaterThan(0);
  });
});
