import type { Summary } from '../domain.ts';
import { splitParagraphs, splitSentences } from '../text/sentences.ts';
import { terms } from '../text/tokens.ts';
import { detectInstruments, extractEntities } from './entities.ts';
import { compressHeadline, DATELINE, fitClause } from './headline.ts';

/**
 * Extractive summariser used when no LLM is configured (and as its fallback). Sentences are scored
 * by graph centrality over TF-IDF term overlap (degree centrality, i.e. LexRank without the power
 * iteration), plus a lead prior, title overlap and a trade-vocabulary boost, damped for very short or
 * long sentences and quotations; picks are made with MMR so they do not repeat each other.
 * Deterministic: no randomness, ties go to the earlier sentence.
 */

export interface OfflineArticle {
  title: string;
  titleDerived: boolean;
  body: string;
  source: string;
  published: string;
}

/** Work caps: long texts (reports, transcripts) only contribute their opening. */
const MAX_SENTENCES = 200;
const MAX_BODY_CHARS = 60_000;
const MAX_KEY_POINTS = 5;

/** Stems of words that make a sentence about trade policy rather than colour. */
const TRADE_STEMS = new Set(
  terms(`tariff duties levy quota dumping countervailing export import sanction embargo subsidy trade deal
agreement pact negotiations negotiators talks WTO retaliation retaliatory restrictions controls licence`),
);
/** Newswire table words: a line made of these and numbers is a table row, not a sentence. */
const TABLE_WORDS = new Set('vs cts mln bln dlrs pct avg shr shrs revs net qtr oper'.split(' '));
/** Anchored, so non-matching sentences fail on their first letters. */
const BOILERPLATE =
  /^\(?(?:(?:reporting|writing|editing|additional reporting) by\b|click here|sign up|subscribe\b|read more|follow us|copyright|all rights reserved|related:|advertisement|share this)/i;
const PRONOUN_START = /^(?:He|She|It|They|This|That|These|Those|His|Her|Its|Their)\b/;
/** Narration is third person: a sentence in the first person is almost always inside a quotation. */
const FIRST_PERSON = /^(?:I|We|My|Our)\b|\b(?:I|we)\b(?! said)/;
/** Sentences are joined around this for one terms() call per article (per-call setup dominated). */
const BREAK = 'qqsentencebreakqq';
const BREAK_TERM = terms(BREAK)[0];

interface Candidate {
  text: string;
  article: number;
  /** Sentence position within its article's prose (0 = lead). */
  pos: number;
  order: number;
  ids: number[];
  weights: number[];
  words: number;
  score: number;
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Summarise one story (its articles, earliest first) without a model. */
export function summariseOffline(articles: OfflineArticle[], opts: { maxSentences?: number } = {}): Summary {
  const maxSentences = Math.max(1, opts.maxSentences ?? 3);
  const given = articles[0] ? squash(articles[0].title) : '';
  const title = articles[0]?.titleDerived ? '' : given;
  const text = articles
    .map((a) => `${a.titleDerived ? '' : `${a.title}\n\n`}${a.body.slice(0, MAX_BODY_CHARS)}`)
    .join('\n\n');
  const base = { entities: extractEntities(text), instruments: detectInstruments(text) };
  const cands = rank(articles, title);

  if (cands.length === 0) {
    // Nothing reads as prose (empty body or a raw table): report the first lines as they are.
    const lines = articles.flatMap((a) => splitParagraphs(a.body.slice(0, MAX_BODY_CHARS)).map(squash));
    return {
      headline: given || compressHeadline(lines[0] ?? ''),
      summary: lines.length ? lines.slice(0, 3).join('; ') : given,
      keyPoints: lines.slice(3, 3 + MAX_KEY_POINTS).map((l) => fitClause(l, 200)),
      ...base,
      sourceSentences: lines.slice(0, 3 + MAX_KEY_POINTS),
    };
  }
  const picks = mmr(cands, maxSentences + MAX_KEY_POINTS);
  const summary = picks.slice(0, maxSentences).sort((a, b) => a.order - b.order);
  // Key points stay in rank order: the most informative first.
  const points = picks.slice(maxSentences).filter((c) => c.words >= 6);
  return {
    headline: title || compressHeadline(summary[0]!.text), // earliest pick: see deriveHeadline
    // Datelines ("BEIJING, Oct 8 (Reuters) -") are dropped for reading; sourceSentences keep them.
    summary: summary.map((c) => c.text.replace(DATELINE, '')).join(' '),
    keyPoints: points.map((c) => fitClause(c.text.replace(DATELINE, ''), 200)),
    ...base,
    sourceSentences: [...summary, ...points].map((c) => c.text),
  };
}

/** Headline for an untitled article (seed format): its best sentence, compressed. */
export function deriveHeadline(body: string): string {
  const cands = rank([{ title: '', titleDerived: true, body, source: '', published: '' }], '');
  // The earliest of the top picks: news states its main point first, so among sentences that score
  // alike the earlier one is the lede; the single best can be a late, well-connected detail.
  if (cands.length > 0) return compressHeadline(mmr(cands, 3).sort((a, b) => a.order - b.order)[0]!.text);
  return compressHeadline(squash(splitParagraphs(body.slice(0, 2000))[0] ?? ''));
}

/** A sentence worth considering: enough real words, not a table row or a feed's boilerplate. */
function isProse(s: string): boolean {
  if (s.length < 20 || BOILERPLATE.test(s) || s.includes('contributed to this report')) return false;
  // One char scan (no split): words, numeric words, and real lower-case words of 3+ letters.
  let total = 0;
  let numeric = 0;
  let real = 0;
  for (let i = 0; i < s.length; ) {
    let j = s.indexOf(' ', i);
    if (j < 0) j = s.length;
    const c = s.charCodeAt(i);
    total++;
    if ((c >= 48 && c <= 57) || c === 36) numeric++;
    else if (c >= 97 && c <= 122 && j - i >= 3 && (j - i > 4 || !TABLE_WORDS.has(s.slice(i, j)))) real++;
    i = j + 1;
  }
  return total >= 5 && real >= 2 && numeric / total < 0.4;
}

function wordCount(s: string): number {
  let n = 1;
  for (let i = s.indexOf(' '); i >= 0; i = s.indexOf(' ', i + 1)) n++;
  return n;
}

/** Score every candidate sentence of the story (empty when none reads as prose). */
function rank(articles: OfflineArticle[], title: string): Candidate[] {
  const cands: Candidate[] = [];
  const vocab = new Map<string, number>();
  const df: number[] = [];
  const titleStems = new Set(terms(title));
  const flags: number[] = []; // per term: bit 1 in the title, bit 2 trade vocabulary
  const perArticle = Math.max(20, Math.floor(MAX_SENTENCES / Math.max(1, articles.length)));
  for (let article = 0; article < articles.length && cands.length < MAX_SENTENCES; article++) {
    const body = articles[article]!.body.slice(0, MAX_BODY_CHARS);
    const prose = splitSentences(body)
      .filter(isProse)
      .slice(0, Math.min(perArticle, MAX_SENTENCES - cands.length));
    const stems = terms(prose.join(` ${BREAK} `));
    let k = 0;
    prose.forEach((text, pos) => {
      const ids: number[] = [];
      const weights: number[] = [];
      for (; k < stems.length && stems[k] !== BREAK_TERM; k++) {
        const t = stems[k]!;
        let id = vocab.get(t);
        if (id === undefined) {
          id = vocab.size;
          vocab.set(t, id);
          df.push(0);
          flags.push((titleStems.has(t) ? 1 : 0) | (TRADE_STEMS.has(t) ? 2 : 0));
        }
        const at = ids.indexOf(id);
        if (at >= 0) weights[at]!++;
        else {
          ids.push(id);
          weights.push(1);
          df[id]!++;
        }
      }
      k++;
      const words = wordCount(text);
      cands.push({ text, article, pos, order: cands.length, ids, weights, words, score: 0 });
    });
  }
  const n = cands.length;
  if (n === 0) return cands;
  // TF-IDF over the story's own sentences, L2-normalised so a dot product is a cosine.
  for (const c of cands) {
    let norm = 0;
    for (let k = 0; k < c.ids.length; k++) {
      const w = (1 + Math.log(c.weights[k]!)) * (1 + Math.log(n / df[c.ids[k]!]!));
      c.weights[k] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < c.weights.length; k++) c.weights[k]! /= norm;
  }
  const centrality = degreeCentrality(cands, new Float64Array(vocab.size));
  for (let i = 0; i < n; i++) {
    const c = cands[i]!;
    let inTitle = 0;
    let trade = 0;
    for (const id of c.ids) {
      inTitle += flags[id]! & 1;
      trade += (flags[id]! >> 1) & 1;
    }
    const lead = (1 / Math.sqrt(1 + c.pos) + (c.pos === 0 ? 0.3 : 0)) * (c.article === 0 ? 1 : 0.7);
    const score =
      0.5 * centrality[i]! +
      0.3 * lead +
      (titleStems.size ? (0.3 * inTitle) / titleStems.size : 0) +
      0.05 * Math.min(trade, 3);
    c.score = score * lengthFactor(c.words) * styleFactor(c.text);
  }
  return cands;
}

/** Cosine of `c` with the sentence spread into `dense` (vectors are L2-normalised). */
function dot(dense: Float64Array, c: Candidate): number {
  let sum = 0;
  for (let k = 0; k < c.ids.length; k++) sum += dense[c.ids[k]!]! * c.weights[k]!;
  return sum;
}

function spread(dense: Float64Array, c: Candidate, on: boolean): void {
  for (let k = 0; k < c.ids.length; k++) dense[c.ids[k]!] = on ? c.weights[k]! : 0;
}

/** Sum of cosine similarity to every other sentence, scaled to 0..1. */
function degreeCentrality(cands: Candidate[], dense: Float64Array): Float64Array {
  const out = new Float64Array(cands.length);
  for (let i = 0; i < cands.length; i++) {
    spread(dense, cands[i]!, true);
    for (let j = i + 1; j < cands.length; j++) {
      const sim = dot(dense, cands[j]!);
      out[i]! += sim;
      out[j]! += sim;
    }
    spread(dense, cands[i]!, false);
  }
  const max = Math.max(...out);
  if (max > 0) for (let i = 0; i < out.length; i++) out[i]! /= max;
  return out;
}

const lengthFactor = (words: number): number =>
  words < 6 ? 0.3 : words < 10 ? 0.75 : words > 80 ? 0.5 : words > 55 ? 0.8 : 1;

/** Quotations carry colour rather than news; a sentence opening on a pronoun needs its context. */
function styleFactor(text: string): number {
  let quotes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 0x201c || c === 0x201d) quotes++;
  }
  const first = text.charAt(0);
  let f = PRONOUN_START.test(text) ? 0.9 : FIRST_PERSON.test(text) ? 0.7 : 1;
  if (first === '"' || first === '“') {
    const close = text.slice(1).search(/["”]/);
    f *= close < 0 || close > text.length * 0.6 ? 0.6 : 0.85;
  } else if (quotes % 2 === 1) f *= 0.6; // the tail of a quotation split over sentences
  return f;
}

/** Maximal marginal relevance: best score minus redundancy with what is already picked. */
function mmr(cands: Candidate[], k: number): Candidate[] {
  let size = 0;
  for (const c of cands) for (const id of c.ids) size = Math.max(size, id + 1);
  const dense = new Float64Array(size);
  const top = Math.max(...cands.map((c) => c.score)) || 1;
  const picked: Candidate[] = [];
  const redundancy = new Float64Array(cands.length);
  const used = new Uint8Array(cands.length);
  while (picked.length < k) {
    let best = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < cands.length; i++) {
      if (used[i] || redundancy[i]! > 0.6) continue; // a near-copy of a pick (another source's version)
      const value = cands[i]!.score / top - 0.6 * redundancy[i]!;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    if (best < 0) break;
    used[best] = 1;
    const chosen = cands[best]!;
    picked.push(chosen);
    spread(dense, chosen, true);
    for (let i = 0; i < cands.length; i++)
      if (!used[i]) redundancy[i] = Math.max(redundancy[i]!, dot(dense, cands[i]!));
    spread(dense, chosen, false);
  }
  return picked;
}
