import { createHash } from 'node:crypto';
import type { Summary } from '../domain.ts';
import type { Llm, LlmUsage } from '../llm/client.ts';
import { escapeAttr, escapeData, unescapeData } from '../llm/prompt-data.ts';
import { loadPrompt } from '../llm/prompts.ts';
import { splitSentences } from '../text/sentences.ts';
import { SummarySchema } from './summary-schema.ts';

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

export async function summariseWithLlm(llm: Llm, articles: SummariserArticle[]): Promise<LlmSummaryResult> {
  if (articles.length === 0) throw new RangeError('summariseWithLlm needs at least one article');
  const prompt = loadPrompt('summarise');
  const used = articles.slice(0, INPUT_LIMITS.maxArticles);
  const bodies = fitBodies(onlyNewSentences(used.map((a) => a.body.trim())));
  const blocks = used.map((a, i) => articleBlock(i + 1, a, bodies[i] ?? ''));
  const user = prompt.renderUser({ count: String(used.length), articles: blocks.join('\n\n') });
  const { value, usage } = await llm.completeJson({
    system: prompt.system,
    user,
    schema: SummarySchema,
    schemaName: 'trade_story_summary',
    maxTokens: MAX_OUTPUT_TOKENS,
  });
  const sourceText = normaliseForMatch(used.map((a) => `${a.title}\n${a.body}`).join('\n'));
  const sourceSentences = value.sourceSentences
    .map(unescapeData)
    .filter((s) => sourceText.includes(normaliseForMatch(s)));
  return { summary: { ...value, sourceSentences }, promptVersion: prompt.version, usage };
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
