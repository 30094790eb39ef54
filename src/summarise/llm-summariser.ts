import { createHash } from 'node:crypto';
import type { Summary } from '../domain.ts';
import type { Llm, LlmUsage } from '../llm/client.ts';
import { escapeAttr, escapeData, unescapeData } from '../llm/prompt-data.ts';
import { loadPrompt } from '../llm/prompts.ts';
import { splitSentences } from '../text/sentences.ts';
import {
  type BatchSummaryItem,
  BatchSummarySchema,
  parseBatchItem,
  SummarySchema,
} from './summary-schema.ts';

export interface SummariserArticle {
  title: string;
  body: string;
  source: string;
  published: string;
}

export interface LlmSummaryResult {
  summary: Summary;
  promptVersion: string;
  usage: LlmUsage;
}

/** Input bounds, so one story costs a bounded number of tokens (~4 chars a token). */
export const INPUT_LIMITS = { perArticleChars: 12_000, totalChars: 24_000, maxArticles: 12 } as const;
const MAX_OUTPUT_TOKENS = 1_200;

export function summariseWithLlm(llm: Llm, articles: SummariserArticle[]): Promise<LlmSummaryResult> {
  return summariseInputWithLlm(llm, storyInput(articles));
}

/** One story, already built as prompt input (storyInput), in a call of its own. */
export async function summariseInputWithLlm(llm: Llm, story: StoryInput): Promise<LlmSummaryResult> {
  const prompt = loadPrompt('summarise');
  const user = prompt.renderUser({ count: String(story.count), articles: story.blocks });
  const { value, usage } = await llm.completeJson({
    system: prompt.system,
    user,
    schema: SummarySchema,
    schemaName: 'trade_story_summary',
    maxTokens: MAX_OUTPUT_TOKENS,
  });
  return { summary: grounded(value, story.sourceText), promptVersion: prompt.version, usage };
}

/** The prompt version of a summary written in a batch: the single-story prompt plus the batch framing. */
export function batchPromptVersion(): string {
  return `${loadPrompt('summarise').version}+${loadPrompt('summarise-batch').version}`;
}

/**
 * Several stories in one call (prompts/summarise-batch.md): the instructions are sent once instead of
 * once per story. Each story (built by storyInput) is its own `<story id="Sn">` block of article blocks,
 * bounded as in a single call. The result has one entry per story, in order: its summary, or null when the reply left it
 * out or its entry failed validation (the caller then summarises that story alone). Usage is shared
 * among the stories in proportion to their input. Throws as `completeJson` does (the whole call failed).
 */
export async function summariseBatchWithLlm(
  llm: Llm,
  inputs: StoryInput[],
): Promise<Array<LlmSummaryResult | null>> {
  if (inputs.length === 0) return [];
  const single = loadPrompt('summarise');
  const batch = loadPrompt('summarise-batch');
  const blocks = inputs.map(
    (story, i) => `<story id="S${i + 1}" articles="${story.count}">\n${story.blocks}\n</story>`,
  );
  const { value, usage } = await llm.completeJson({
    system: `${single.system}\n\n${batch.system}`,
    user: batch.renderUser({ count: String(inputs.length), stories: blocks.join('\n\n') }),
    schema: BatchSummarySchema,
    schemaName: 'trade_story_summaries',
    maxTokens: MAX_OUTPUT_TOKENS * inputs.length,
  });
  const byId = new Map<string, BatchSummaryItem>();
  for (const item of value.stories) {
    const id = item.story.trim().toUpperCase();
    if (!byId.has(id)) byId.set(id, item);
  }
  const shares = shareUsage(
    usage,
    inputs.map((story) => story.blocks.length),
  );
  const promptVersion = batchPromptVersion();
  return inputs.map((story, i) => {
    const item = byId.get(`S${i + 1}`);
    const summary = item ? parseBatchItem(item) : null;
    if (!summary) return null;
    return { summary: grounded(summary, story.sourceText), promptVersion, usage: shares[i] ?? ZERO_USAGE };
  });
}

const ZERO_USAGE: LlmUsage = { promptTokens: 0, completionTokens: 0 };

/** Splits a call's tokens by weight; the parts add up to the whole. */
export function shareUsage(usage: LlmUsage, weights: number[]): LlmUsage[] {
  const total = weights.reduce((sum, w) => sum + w, 0) || 1;
  const split = (tokens: number): number[] => {
    const parts = weights.map((w) => Math.floor((tokens * w) / total));
    let rest = tokens - parts.reduce((sum, n) => sum + n, 0);
    for (let i = 0; rest > 0; i = (i + 1) % parts.length, rest--) parts[i] = (parts[i] ?? 0) + 1;
    return parts;
  };
  const prompt = split(usage.promptTokens);
  const completion = split(usage.completionTokens);
  return weights.map((_, i) => ({ promptTokens: prompt[i] ?? 0, completionTokens: completion[i] ?? 0 }));
}

export interface StoryInput {
  count: number;
  /** The story's article blocks, joined. */
  blocks: string;
  /** Its titles and bodies, normalised, to check quoted sentences against. */
  sourceText: string;
}

/** A story's articles as prompt blocks: at most `maxArticles`, copies' repeated sentences left out, bodies fitted to the budget. */
export function storyInput(articles: SummariserArticle[]): StoryInput {
  if (articles.length === 0) throw new RangeError('a story to summarise needs at least one article');
  const used = articles.slice(0, INPUT_LIMITS.maxArticles);
  const bodies = fitBodies(onlyNewSentences(used.map((a) => a.body.trim())));
  return {
    count: used.length,
    blocks: used.map((a, i) => articleBlock(i + 1, a, bodies[i] ?? '')).join('\n\n'),
    sourceText: normaliseForMatch(used.map((a) => `${a.title}\n${a.body}`).join('\n')),
  };
}

/** Keeps only the quoted sentences that really are in the articles. */
function grounded(summary: Summary, sourceText: string): Summary {
  const sourceSentences = summary.sourceSentences
    .map(unescapeData)
    .filter((s) => sourceText.includes(normaliseForMatch(s)));
  return { ...summary, sourceSentences };
}

/** sha256 over the (order-independent) article content hashes, the prompt version and the model. */
export function summaryCacheKey(contentHashes: string[], promptVersion: string, model: string): string {
  const payload = JSON.stringify({ contentHashes: [...contentHashes].sort(), promptVersion, model });
  return createHash('sha256').update(payload).digest('hex');
}

function articleBlock(id: number, article: SummariserArticle, body: string): string {
  const title = escapeData(article.title.replace(/\s+/g, ' ').trim().slice(0, 300));
  return [
    `<article id="${id}" source="${escapeAttr(article.source)}" published="${escapeAttr(article.published, 40)}">`,
    `Title: ${title}`,
    '',
    escapeData(body),
    '</article>',
  ].join('\n');
}

/**
 * Shares the total budget fairly: short articles keep all their text, long ones are cut to the
 * same cap (water-filling), never above the per-article limit. Cuts end at a sentence or word boundary.
 */
export function fitBodies(bodies: string[]): string[] {
  const lengths = bodies.map((b) => Math.min(b.length, INPUT_LIMITS.perArticleChars));
  let cap: number = INPUT_LIMITS.perArticleChars;
  const total = lengths.reduce((sum, n) => sum + n, 0);
  if (total > INPUT_LIMITS.totalChars) {
    const sorted = [...lengths].sort((a, b) => a - b);
    let budget: number = INPUT_LIMITS.totalChars;
    for (let i = 0; i < sorted.length; i++) {
      const share = Math.floor(budget / (sorted.length - i));
      const n = sorted[i] ?? 0;
      if (n > share) {
        cap = share;
        break;
      }
      budget -= n;
    }
  }
  return bodies.map((b) => truncate(b, cap));
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const sentenceEnd = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('.\n'));
  const end =
    sentenceEnd > max * 0.6 ? sentenceEnd + 1 : Math.max(cut.lastIndexOf(' '), Math.floor(max * 0.9));
  return `${cut.slice(0, end).trimEnd()} […]`;
}

function normaliseForMatch(text: string): string {
  return text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Syndicated copies repeat what the story's first article says. Each later article contributes only
 * the sentences not already given (its attribution line stays), so a story with five copies costs
 * about one article's worth of tokens, not five.
 */
export function onlyNewSentences(bodies: string[]): string[] {
  const seen = new Set<string>();
  return bodies.map((body, i) => {
    const kept: string[] = [];
    for (const sentence of splitSentences(body)) {
      const key = sentence
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim();
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      kept.push(sentence);
    }
    if (i === 0) return body;
    return kept.length === 0 ? '(Same text as an earlier article.)' : kept.join(' ');
  });
}
