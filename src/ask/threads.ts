import type { ThreadState, ThreadTurn } from '../domain.ts';
import { type QuestionTerm, questionTerms } from '../search/question-terms.ts';

/** Turns kept per thread: enough context for follow-ups, bounded storage. */
export const MAX_TURNS = 10;
/** Earlier questions whose words may carry into a follow-up. */
const CONTEXT_QUESTIONS = 2;
/** Recent turns whose stories are boosted. */
const CONTEXT_TURNS = 3;

export interface ThreadContext {
  /** Stories the conversation is about: the latest turn's first, then earlier ones, then the thread's seed. */
  storyIds: string[];
  /** Content words of the latest question(s) that had any, newest first, for a follow-up's search. */
  extraTerms: string[];
  /** Recent turns, oldest first (for the model's view of the conversation). */
  recentTurns: ThreadTurn[];
}

const EMPTY: ThreadContext = { storyIds: [], extraTerms: [], recentTurns: [] };

/** What a follow-up question inherits from the thread it is asked in. */
export function threadContext(state: ThreadState | null | undefined): ThreadContext {
  if (!state) return EMPTY;
  const turns = state.turns.slice(-MAX_TURNS);
  const storyIds: string[] = [];
  const addStories = (ids: readonly string[]) => {
    for (const id of ids) if (!storyIds.includes(id)) storyIds.push(id);
  };
  for (const turn of turns.slice(-CONTEXT_TURNS).reverse()) addStories(turn.storyIds);
  addStories(state.storyIds);

  // Words of the latest questions that had content ("what about it?" has none: look further back).
  const extraTerms: string[] = [];
  const seen = new Set<string>();
  let used = 0;
  for (const turn of [...turns].reverse()) {
    const terms = questionTerms(turn.question);
    if (terms.length === 0) continue;
    for (const t of terms) {
      if (seen.has(t.key)) continue;
      seen.add(t.key);
      extraTerms.push(surfaceWord(t));
    }
    if (++used >= CONTEXT_QUESTIONS) break;
  }
  return { storyIds, extraTerms, recentTurns: turns.slice(-CONTEXT_TURNS) };
}

/** One searchable word for a term; names keep a capital so "US" is not read as the pronoun "us". */
function surfaceWord(t: QuestionTerm): string {
  const word = t.forms.find((f) => !f.includes(' ')) ?? t.forms[0] ?? t.key;
  if (!t.entity) return word;
  return word.length <= 3 ? word.toUpperCase() : `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}

/** A new state with `turn` appended, keeping only the last MAX_TURNS turns. Does not modify `state`. */
export function appendTurn(state: ThreadState, turn: ThreadTurn): ThreadState {
  return { ...state, turns: [...state.turns, turn].slice(-MAX_TURNS), updatedAt: turn.at };
}

export function newThread(threadId: string, channel: string, at: string): ThreadState {
  return { threadId, channel, storyIds: [], turns: [], updatedAt: at };
}

/** Pronouns and demonstratives that point back into the conversation ("what did China say about it?"). */
export function isFollowUp(question: string): boolean {
  return /\b(it|its|they|them|their|that|this|those|these|he|she|him|her|there|then)\b/i.test(question);
}
