import { describe, expect, it } from 'vitest';
import { appendTurn, isFollowUp, MAX_TURNS, newThread, threadContext } from '../../../src/ask/threads.ts';
import type { ThreadState, ThreadTurn } from '../../../src/domain.ts';

const turn = (question: string, storyIds: string[], n = 0): ThreadTurn => ({
  question,
  answer: `answer ${n}`,
  storyIds,
  at: new Date(Date.UTC(2026, 10, 27, 0, n)).toISOString(),
});

describe('threads', () => {
  it('an empty or missing thread gives no context', () => {
    expect(threadContext(null)).toEqual({ storyIds: [], extraTerms: [], recentTurns: [] });
    expect(threadContext(newThread('t', 'c', '2026-11-27T00:00:00Z')).extraTerms).toEqual([]);
  });

  it('takes story ids newest first, then the seed stories, and the latest questions’ words', () => {
    const state: ThreadState = {
      ...newThread('slack:C1:1', 'slack:C1', '2026-11-27T00:00:00Z'),
      storyIds: ['seed'],
      turns: [
        turn('What did the US do on chip exports?', ['chips'], 1),
        turn('what did they say?', ['chips2'], 2),
      ],
    };
    const ctx = threadContext(state);
    expect(ctx.storyIds).toEqual(['chips2', 'chips', 'seed']);
    // "what did they say?" has no content words, so the one before it supplies them; "US" keeps its capital.
    expect(ctx.extraTerms).toEqual(['US', 'chip', 'exports']);
    expect(ctx.recentTurns).toHaveLength(2);
  });

  it('appendTurn keeps the last MAX_TURNS turns and does not modify the input', () => {
    let state = newThread('t', 'c', '2026-11-27T00:00:00Z');
    const first = state;
    for (let i = 0; i < MAX_TURNS + 3; i++) state = appendTurn(state, turn(`question ${i}`, [], i));
    expect(first.turns).toEqual([]);
    expect(state.turns).toHaveLength(MAX_TURNS);
    expect(state.turns[0]?.question).toBe('question 3');
    expect(state.updatedAt).toBe(state.turns.at(-1)?.at);
  });

  it('recognises questions that point back', () => {
    expect(isFollowUp('what did China say about it?')).toBe(true);
    expect(isFollowUp('Why did they do that')).toBe(true);
    expect(isFollowUp('What tariff did Mexico put on steel?')).toBe(false);
  });
});
