import { splitSentences } from '../text/sentences.ts';
import { normaliseText, STOPWORDS, stem, words } from '../text/tokens.ts';
import { collectNumbers, fingerprintTokens } from './figures.ts';
import {
  bandKeys,
  fmix32,
  fnv1a,
  lookupKey,
  minHash,
  mixIn,
  SENTENCE_BAND,
  shingleHashes,
} from './minhash.ts';

export { extractNumbers } from './figures.ts';
export {
  BAND_COUNT,
  BAND_ROWS,
  bandKeys,
  deserialiseSignature,
  fnv1a,
  minHash,
  NUM_HASHES,
  SHINGLE_SIZE,
  serialiseSignature,
  shingleHashes,
} from './minhash.ts';

/**
 * Near-duplicate fingerprints for story grouping: word shingles → MinHash signature → LSH band keys
 * (minhash.ts), plus the small exact signals the grouping decision needs: title terms, figures
 * (figures.ts) and sentence hashes. Deterministic across processes.
 */

/** Sentences shorter than this (in content words) are not hashed ("REUTER", datelines). */
const MIN_SENTENCE_WORDS = 4;
/** Sentence hashes (from the start of the text) that also serve as lookup keys. */
export const SENTENCE_KEYS = 24;

/** The part of a fingerprint worth persisting next to an article. */
export interface StoredFingerprint {
  /** NUM_HASHES MinHash values (store with serialiseSignature). */
  signature: Uint32Array;
  /** Distinct shingles in the text (0 = nothing to compare). */
  shingleCount: number;
  /** Distinct stemmed title terms, sorted. */
  titleTerms: string[];
  /** Figures with their context word, `context:value` (e.g. `arrange:1.5b`), sorted, distinct. */
  numbers: string[];
  /** 32-bit hashes of the normalised sentences, in text order, distinct. */
  sentenceHashes: number[];
}

export interface Fingerprint extends StoredFingerprint {
  published: string;
  /**
   * Lookup keys for a `(band_key, article_id)` table: one per LSH band, plus one per leading sentence
   * (recompute from a StoredFingerprint with `indexKeys`).
   */
  bandKeys: string[];
}

export interface FingerprintInput {
  title: string;
  body: string;
  published: string;
}

/**
 * Every lookup key of a fingerprint: the LSH band keys plus one key per sentence hash (the first
 * SENTENCE_KEYS), so a short brief is found inside a long article that repeats it (shingle Jaccard is
 * too low there for the bands). This is what a `(band_key, article_id)` table stores.
 */
export function indexKeys(fp: StoredFingerprint): string[] {
  const keys = bandKeys(fp.signature, fp.shingleCount);
  const n = Math.min(fp.sentenceHashes.length, SENTENCE_KEYS);
  for (let i = 0; i < n; i++) keys.push(lookupKey(SENTENCE_BAND, fp.sentenceHashes[i]!));
  return keys;
}

// ---- shingle words and sentences ---------------------------------------------------------

/**
 * Shingle words: the tokens split at their inner punctuation ("1,914,388" → 1 914 388, "u.s" → u s),
 * which matched the reference clusters better than whole tokens.
 */
function shingleWords(toks: readonly string[], out: string[]): void {
  for (const t of toks) {
    if (INNER_PUNCT.test(t)) for (const part of t.split(INNER_PUNCT)) out.push(part);
    else out.push(t);
  }
}
const INNER_PUNCT = /['’.,\-/]/;

/** Hash of a sentence's content words (lower-case, stopwords dropped); null when too short. */
function sentenceHashOf(
  ws: readonly string[],
  hashes: ArrayLike<number>,
  from: number,
  to: number,
): number | null {
  let h = 0x3c6ef372;
  let n = 0;
  for (let i = from; i < to; i++) {
    if (STOPWORDS.has(ws[i]!)) continue;
    h = mixIn(h, hashes[i]!);
    n++;
  }
  return n < MIN_SENTENCE_WORDS ? null : fmix32(h ^ n);
}

/** The hash fingerprint() records for one sentence. */
export function sentenceHash(sentence: string): number | null {
  const ws: string[] = [];
  shingleWords(fingerprintTokens(normaliseText(sentence)), ws);
  return sentenceHashOf(ws, ws.map(fnv1a), 0, ws.length);
}

// ---- the fingerprint -----------------------------------------------------------------------

function titleTermsOf(title: string, body: string): string[] {
  // Untitled items (tables, briefs) get their first line as a stand-in title.
  const text = title.trim() !== '' ? title : (body.trim().split('\n', 1)[0] ?? '');
  const out = new Set<string>();
  for (const w of words(text)) {
    const c = w.charCodeAt(0);
    if (STOPWORDS.has(w) || (c >= 48 && c <= 57)) continue;
    out.add(stem(w));
  }
  return [...out].sort();
}

export function fingerprint(input: FingerprintInput): Fingerprint {
  const body = input.body.normalize('NFKC');
  const titleTokens = fingerprintTokens(input.title.normalize('NFKC'));
  const numbers = new Set<string>();
  collectNumbers(titleTokens, numbers);
  // Shingles run over title and body; sentence hashes over body sentences only.
  const ws: string[] = [];
  shingleWords(titleTokens, ws);
  const bodyFrom = ws.length;
  const sentenceEnds: number[] = [];
  for (const sentence of splitSentences(body)) {
    const toks = fingerprintTokens(sentence);
    shingleWords(toks, ws);
    sentenceEnds.push(ws.length);
    collectNumbers(toks, numbers);
  }
  const hashes = new Int32Array(ws.length);
  for (let i = 0; i < ws.length; i++) hashes[i] = fnv1a(ws[i]!);
  const sentenceHashes: number[] = [];
  let from = bodyFrom;
  for (const to of sentenceEnds) {
    const h = sentenceHashOf(ws, hashes, from, to);
    if (h !== null && !sentenceHashes.includes(h)) sentenceHashes.push(h);
    from = to;
  }
  const shingles = shingleHashes(hashes);
  const stored: StoredFingerprint = {
    signature: minHash(shingles),
    shingleCount: shingles.length,
    titleTerms: titleTermsOf(input.title, body),
    numbers: [...numbers].sort(),
    sentenceHashes,
  };
  return { ...stored, published: input.published, bandKeys: indexKeys(stored) };
}

/** The subset to persist. */
export function toStored(fp: Fingerprint): StoredFingerprint {
  const { signature, shingleCount, titleTerms, numbers, sentenceHashes } = fp;
  return { signature, shingleCount, titleTerms, numbers, sentenceHashes };
}
