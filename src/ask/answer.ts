import { z } from 'zod';
import { isTradewireError } from '../errors.ts';
import type { Llm } from '../llm/client.ts';
import { escapeAttr, escapeData } from '../llm/prompt-data.ts';
import { loadPrompt } from '../llm/prompts.ts';
import type { Logger } from '../log.ts';
import type { AnswerCitation } from '../messages.ts';
import { withArticleContext } from '../search/article-context.ts';
import { questionTerms, textKeys } from '../search/question-terms.ts';
import { retrieve } from '../search/retrieve.ts';
import type { Passage, Store } from '../store/store.ts';
import { splitSentences } from '../text/sentences.ts';
import type { AbstainReason } from './constraints.ts';
import { answerOffline, NOT_FOUND_ANSWER } from './offline-answer.ts';
import { appendTurn, isFollowUp, newThread, type ThreadContext, threadContext } from './threads.ts';

export type AnsweredBy = 'offline' | `llm:${string}`;

/** What `tradewire ask --json` prints and what channels render as an answer message. */
export interface AnswerResult {
  question: string;
  answer: string;
  grounded: boolean;
  answeredBy: AnsweredBy;
  citations: AnswerCitation[];
  /** Stories the answer cites, in citation order (thread context for follow-ups). */
  storyIds: string[];
  /** When not grounded: which of the question's constraints the sources did not support. */
  abstainedBecause?: AbstainReason;
}

export interface AnswerDeps {
  store: Store;
  llm: Llm | null;
  log: Logger;
  /** Set only when an embedding model is configured: enables hybrid retrieval. */
  embedder?: Llm | null;
  now?: () => Date;
}

export interface AskQuestion {
  question: string;
  threadId?: string | undefined;
  channel?: string | undefined;
}

export const ANSWER_LIMITS = {
  passages: 8,
  perStory: 2,
  questionChars: 500,
  sourceChars: 1_600,
  historyChars: 400,
  quoteChars: 300,
  maxTokens: 700,
} as const;
/** Weight of a thread's earlier words: high when the question points back ("it", "they"), else low. */
const CONTEXT_WEIGHT = { followUp: 0.8, topic: 0.3 } as const;

const AnswerSchema = z.object({
  answer: z.string().min(1).describe('The answer, with [n] citations after each claim.'),
  citations: z.array(z.number().int()).describe('Numbers of the sources cited, in order of first use.'),
  grounded: z.boolean().describe('True when the sources support the answer.'),
});

/**
 * Answers a question from the stored articles with numbered citations. Uses the LLM when one is
 * configured (its citations checked against the sources it was given) and the extractive offline
 * answerer otherwise or when the LLM fails. In a thread, earlier turns steer retrieval and the new
 * turn is saved.
 */
export async function answerQuestion(deps: AnswerDeps, q: AskQuestion): Promise<AnswerResult> {
  const question = q.question.replace(/\s+/g, ' ').trim().slice(0, ANSWER_LIMITS.questionChars);
  const thread = q.threadId ? await deps.store.getThread(q.threadId) : null;
  const ctx = threadContext(thread);
  const own = questionTerms(question).length;
  const extraWeight = isFollowUp(question) || own <= 1 ? CONTEXT_WEIGHT.followUp : CONTEXT_WEIGHT.topic;
  const passages = await retrieve(deps.store, question, {
    limit: ANSWER_LIMITS.passages,
    perStory: ANSWER_LIMITS.perStory,
    boostStoryIds: ctx.storyIds,
    extraTerms: ctx.extraTerms,
    extraWeight,
    llm: deps.embedder ?? null,
    log: deps.log,
  });

  let result: AnswerResult | undefined;
  if (deps.llm && passages.length > 0) {
    try {
      result = await answerWithLlm(deps.llm, question, passages, ctx);
    } catch (err) {
      if (!isTradewireError(err)) throw err;
      deps.log.warn('ask: LLM failed, answering offline', { code: err.code, error: err.message });
    }
  }
  if (!result) {
    // The extractive answerer reads the best-ranked articles whole (the figure is often a paragraph
    // below the passage that matched the question's names).
    const read = await withArticleContext(deps.store, passages);
    const offline = answerOffline(question, read, { extraTerms: ctx.extraTerms, extraWeight });
    const citations = offline.citations.map((c) => toCitation(c.n, read[c.passageIndex]!, c.quote));
    result = finish(question, offline.answer, offline.grounded, 'offline', citations);
    if (offline.abstainedBecause) result.abstainedBecause = offline.abstainedBecause;
  }
  deps.log.info('ask: answered', {
    answeredBy: result.answeredBy,
    grounded: result.grounded,
    passages: passages.length,
    citations: result.citations.length,
  });

  if (q.threadId) {
    const at = (deps.now?.() ?? new Date()).toISOString();
    const state = thread ?? newThread(q.threadId, q.channel ?? 'unknown', at);
    const turn = { question, answer: result.answer, storyIds: result.storyIds, at };
    try {
      await deps.store.saveThread(appendTurn(state, turn));
    } catch (err) {
      deps.log.error('ask: could not save the thread turn', { threadId: q.threadId, error: err });
    }
  }
  return result;
}

async function answerWithLlm(
  llm: Llm,
  question: string,
  passages: Passage[],
  ctx: ThreadContext,
): Promise<AnswerResult> {
  const prompt = loadPrompt('answer');
  const user = prompt.renderUser({
    history: historyBlock(ctx),
    question: escapeData(question),
    count: String(passages.length),
    sources: passages.map((p, i) => sourceBlock(i + 1, p)).join('\n\n'),
  });
  const { value } = await llm.completeJson({
    system: prompt.system,
    user,
    schema: AnswerSchema,
    schemaName: 'tradewire_answer',
    maxTokens: ANSWER_LIMITS.maxTokens,
  });
  const checked = checkCitations(value.answer, passages.length, (n) => passages[n - 1]?.articleId ?? '');
  const citations = checked.order.map((original, i) =>
    toCitation(i + 1, passages[original - 1]!, bestQuote(passages[original - 1]!, checked.claims[i] ?? '')),
  );
  const text = checked.text || NOT_FOUND_ANSWER;
  const grounded = value.grounded && citations.length > 0;
  const result = finish(question, text, grounded, `llm:${llm.model}`, citations);
  if (!grounded)
    result.abstainedBecause = {
      constraint: 'model',
      detail: value.grounded
        ? 'the model cited none of the sources it was given'
        : 'the model found that the sources do not answer the question',
    };
  return result;
}

export interface CheckedCitations {
  /** The answer with invalid markers removed and valid ones renumbered 1..k in order of first use. */
  text: string;
  /** Original source numbers, in new-number order: `order[0]` is the source `[1]` now points at. */
  order: number[];
  /** Per new number, the text of the claims it was cited for. */
  claims: string[];
}

const MARKER = /(\s*)\[(\s*\d+(?:\s*[-–,;]\s*\d+)*\s*)\]/g;

/**
 * Keeps only `[n]` markers with 1 ≤ n ≤ `given`, renumbered densely in order of first use. Sources
 * with the same `keyOf` (passages of one article) share a number.
 */
export function checkCitations(
  answer: string,
  given: number,
  keyOf: (n: number) => string = String,
): CheckedCitations {
  const renumber = new Map<string, number>();
  const first: number[] = [];
  const claims: string[] = [];
  let last = 0;
  const text = answer
    .replace(MARKER, (match, space: string, inner: string, offset: number) => {
      const claim = answer.slice(last, offset);
      last = offset + match.length;
      const valid = expand(inner).filter((n) => n >= 1 && n <= given);
      if (valid.length === 0) return '';
      const out = new Set<number>();
      for (const n of valid) {
        let m = renumber.get(keyOf(n));
        if (m === undefined) {
          m = renumber.size + 1;
          renumber.set(keyOf(n), m);
          first.push(n);
          claims.push('');
        }
        if (!out.has(m)) claims[m - 1] = `${claims[m - 1]} ${claim}`;
        out.add(m);
      }
      return `${space}${[...out].map((m) => `[${m}]`).join('')}`;
    })
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  return { text, order: first, claims };
}

function expand(inner: string): number[] {
  const out: number[] = [];
  for (const part of inner.split(/[,;]/)) {
    const [from, to] = part.split(/[-–]/).map((x) => Number.parseInt(x.trim(), 10));
    if (from === undefined || Number.isNaN(from)) continue;
    if (to === undefined || Number.isNaN(to)) out.push(from);
    else for (let n = from; n <= Math.min(to, from + 20); n++) out.push(n);
  }
  return out;
}

/** The passage sentence sharing the most words with the claim it was cited for. */
function bestQuote(p: Passage, claim: string): string {
  const claimKeys = textKeys(claim);
  let best = '';
  let bestHits = -1;
  for (const s of splitSentences(p.text)) {
    let hits = 0;
    for (const k of textKeys(s)) if (claimKeys.has(k)) hits++;
    if (hits > bestHits) {
      best = s;
      bestHits = hits;
    }
  }
  return clip(best || p.text, ANSWER_LIMITS.quoteChars);
}

function toCitation(n: number, p: Passage, quote: string): AnswerCitation {
  return {
    n,
    articleId: p.articleId,
    storyId: p.storyId,
    source: p.source,
    url: p.url,
    published: p.published,
    quote: clip(quote, ANSWER_LIMITS.quoteChars * 2),
  };
}

function finish(
  question: string,
  answer: string,
  grounded: boolean,
  answeredBy: AnsweredBy,
  citations: AnswerCitation[],
): AnswerResult {
  // A thread is about the stories an answer rests on, not the near misses an abstention shows.
  const storyIds = grounded ? [...new Set(citations.map((c) => c.storyId))] : [];
  return { question, answer, grounded, answeredBy, citations, storyIds };
}

function sourceBlock(n: number, p: Passage): string {
  const attrs = `n="${n}" source="${escapeAttr(p.source)}" published="${escapeAttr(p.published, 40)}" title="${escapeAttr(p.title, 300)}"`;
  return `<source ${attrs}>\n${escapeData(clip(p.text, ANSWER_LIMITS.sourceChars))}\n</source>`;
}

function historyBlock(ctx: ThreadContext): string {
  if (ctx.recentTurns.length === 0) return '(none)';
  return ctx.recentTurns
    .map(
      (t) =>
        `<turn>\nQ: ${escapeData(clip(t.question, ANSWER_LIMITS.historyChars))}\nA: ${escapeData(clip(t.answer, ANSWER_LIMITS.historyChars))}\n</turn>`,
    )
    .join('\n');
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 40)).trimEnd()} …`;
}
