import { splitSentences } from '../text/sentences.ts';
import { normaliseText, STOPWORDS, stem, words } from '../text/tokens.ts';

/**
 * Near-duplicate fingerprints for story grouping: word shingles → MinHash signature → LSH band keys,
 * plus the small exact signals the grouping decision needs (title terms, figures, sentence hashes).
 * Everything is deterministic across processes (fixed seeds, no Math.random), so stored signatures
 * stay comparable with freshly computed ones.
 */

export const SHINGLE_SIZE = 5;
export const NUM_HASHES = 128;
/** LSH: NUM_HASHES / BAND_ROWS bands; a pair becomes a candidate when any band matches in full. */
export const BAND_ROWS = Number(process.env.BAND_ROWS ?? 4);
export const BAND_COUNT = Math.floor(NUM_HASHES / BAND_ROWS);
/** Sentences shorter than this (in content words) are not hashed ("REUTER", datelines). */
const MIN_SENTENCE_WORDS = 4;
/** Sentence hashes (from the start of the text) that also serve as lookup keys. */
export const SENTENCE_KEYS = Number(process.env.SENTENCE_KEYS ?? 24);

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
  /** LSH keys, one per band (recompute from a stored signature with `bandKeys`). */
  bandKeys: string[];
}

export interface FingerprintInput {
  title: string;
  body: string;
  published: string;
}

// ---- hashing -------------------------------------------------------------------------------

/** FNV-1a, 32-bit. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Murmur3 finaliser: a bijection on 32-bit integers with full avalanche. */
function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One murmur3 mixing round: fold a 32-bit word into a running hash. */
function mixIn(h: number, k: number): number {
  let k1 = Math.imul(k, 0xcc9e2d51);
  k1 = (k1 << 15) | (k1 >>> 17);
  k1 = Math.imul(k1, 0x1b873593);
  let h1 = h ^ k1;
  h1 = (h1 << 13) | (h1 >>> 19);
  return (Math.imul(h1, 5) + 0xe6546b64) | 0;
}

/** Fixed pseudo-random seeds (splitmix32 from a constant), so every process uses the same permutations. */
function seeds(n: number, start: number): Uint32Array {
  const out = new Uint32Array(n);
  let s = start >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x9e3779b9) >>> 0;
    out[i] = fmix32(s);
  }
  return out;
}

const MUL = new Int32Array(seeds(NUM_HASHES, 0x5eed0001).map((a) => a | 1));
const ADD = new Int32Array(seeds(NUM_HASHES, 0x5eed0002));

// ---- shingles and MinHash ------------------------------------------------------------------

/** Distinct hashes of the k-word shingles over per-word hashes (one shingle for texts shorter than k). */
export function shingleHashes(wordHashes: ArrayLike<number>, k = SHINGLE_SIZE): Int32Array {
  const len = wordHashes.length;
  if (len === 0) return new Int32Array(0);
  const span = Math.min(k, len);
  const n = len - span + 1;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let h = span;
    for (let j = 0; j < span; j++) h = mixIn(h, wordHashes[i + j]!);
    out[i] = fmix32(h);
  }
  out.sort();
  let u = 0;
  for (let i = 0; i < n; i++) if (i === 0 || out[i] !== out[u - 1]) out[u++] = out[i]!;
  return out.subarray(0, u);
}

/**
 * MinHash: for each of NUM_HASHES fixed permutations of the 32-bit space (x ⊕ b, · a mod 2³², xorshift;
 * a odd), the minimum over the shingle hashes. Compared as signed integers (any fixed total order will
 * do for MinHash), which keeps the loop in 32-bit integer arithmetic; four permutations per pass over
 * the shingles (about 1.7× faster than one).
 */
export function minHash(shingles: Int32Array): Uint32Array {
  const sig = new Uint32Array(NUM_HASHES);
  const n = shingles.length;
  for (let p = 0; p < NUM_HASHES; p += 4) {
    const a0 = MUL[p]!;
    const a1 = MUL[p + 1]!;
    const a2 = MUL[p + 2]!;
    const a3 = MUL[p + 3]!;
    const b0 = ADD[p]!;
    const b1 = ADD[p + 1]!;
    const b2 = ADD[p + 2]!;
    const b3 = ADD[p + 3]!;
    let m0 = 0x7fffffff;
    let m1 = m0;
    let m2 = m0;
    let m3 = m0;
    for (let i = 0; i < n; i++) {
      const x = shingles[i]!;
      let v = Math.imul(x ^ b0, a0);
      v ^= v >>> 15;
      if (v < m0) m0 = v;
      v = Math.imul(x ^ b1, a1);
      v ^= v >>> 15;
      if (v < m1) m1 = v;
      v = Math.imul(x ^ b2, a2);
      v ^= v >>> 15;
      if (v < m2) m2 = v;
      v = Math.imul(x ^ b3, a3);
      v ^= v >>> 15;
      if (v < m3) m3 = v;
    }
    sig[p] = m0;
    sig[p + 1] = m1;
    sig[p + 2] = m2;
    sig[p + 3] = m3;
  }
  return sig;
}

/** Pseudo band number for sentence keys, so they never collide with LSH band keys. */
const SENTENCE_BAND = 63;

/**
 * A lookup key: decimal `band · 2²⁴ + top 24 bits of a hash`, e.g. `570425344`. Below 2³⁰, so V8
 * builds it as a small-integer string (fast, cached); a 2⁻²⁴ chance of a false match per band only
 * adds a candidate that chooseStory then rejects.
 */
function lookupKey(band: number, hash: number): string {
  return String(band * 0x100_0000 + (hash >>> 8));
}

/** LSH band keys (see lookupKey), one per band of BAND_ROWS signature rows. Empty for an empty text. */
export function bandKeys(signature: Uint32Array, shingleCount: number): string[] {
  if (shingleCount === 0) return [];
  const keys = new Array<string>(BAND_COUNT);
  for (let b = 0; b < BAND_COUNT; b++) {
    let h = b;
    for (let r = 0; r < BAND_ROWS; r++) h = mixIn(h, signature[b * BAND_ROWS + r]!);
    keys[b] = lookupKey(b, fmix32(h));
  }
  return keys;
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

// ---- tokens, sentences, figures ------------------------------------------------------------

/** Words for fingerprints: like tokens.ts `words`, but keeps "155,221" and "6-3/16" whole. */
const TOKEN = /[\p{L}\p{N}]+(?:['’.,\-/][\p{L}\p{N}]+)*/gu;
function tokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/** Hash of a sentence's content words (lower-case, stopwords dropped); null when too short. */
function sentenceHashOf(toks: readonly string[], hashes: ArrayLike<number>, from: number): number | null {
  let h = 0x3c6ef372;
  let n = 0;
  for (let i = 0; i < toks.length; i++) {
    if (STOPWORDS.has(toks[i]!)) continue;
    h = mixIn(h, hashes[from + i]!);
    n++;
  }
  return n < MIN_SENTENCE_WORDS ? null : fmix32(h ^ n);
}

export function sentenceHash(sentence: string): number | null {
  const toks = tokens(normaliseText(sentence));
  return sentenceHashOf(toks, toks.map(fnv1a), 0);
}
// ---- figures -------------------------------------------------------------------------------

const SPELLED: ReadonlyMap<string, string> = new Map(
  'one two three four five six seven eight nine ten eleven twelve'.split(' ').map((w, i) => [w, String(i + 1)]),
);
const SCALE: ReadonlyMap<string, string> = new Map([
  ['thousand', 'k'],
  ['million', 'm'],
  ['mln', 'm'],
  ['billion', 'b'],
  ['bln', 'b'],
  ['trillion', 't'],
  ['pct', '%'],
  ['percent', '%'],
]);
const UNITS: ReadonlySet<string> = new Set(
  ('dlr dlrs dollar dollars yen marks francs pounds stg tonnes tonne tons ton bushels barrels points point ' +
    'cents cent shares years year months month weeks week days day').split(' '),
);
const MONTHS: ReadonlySet<string> = new Set(
  ('jan january feb february mar march apr april may jun june jul july aug august sep sept september ' +
    'oct october nov november dec december').split(' '),
);

/**
 * Adds `context:value` entries for the figures in one sentence's tokens: the context is the last content
 * word before the figure (`arrange:1.5b`, `trading:6-3/16%`, `price:apr-6`). Templated recurring
 * reports share the contexts but not the values; copies share both.
 */
function collectNumbers(toks: readonly string[], out: Set<string>): void {
  let ctx = '^';
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const next = toks[i + 1] ?? '';
    const c = t.charCodeAt(0);
    let value: string | undefined;
    if (c >= 48 && c <= 57) value = t.replace(/,/g, '');
    else if (SPELLED.has(t) && (SCALE.has(next) || UNITS.has(next))) value = SPELLED.get(t);
    if (value === undefined) {
      if (!STOPWORDS.has(t) && !MONTHS.has(t) && !SPELLED.has(t)) ctx = t;
      continue;
    }
    const prev = toks[i - 1] ?? '';
    if (MONTHS.has(prev)) value = `${prev.slice(0, 3)}-${value}`;
    const scale = SCALE.get(next);
    if (scale !== undefined) {
      value += scale;
      i++;
    }
    out.add(`${ctx}:${value}`);
  }
}

/** The figures of a text (see collectNumbers), sorted. */
export function extractNumbers(text: string): string[] {
  const out = new Set<string>();
  for (const s of splitSentences(text)) collectNumbers(tokens(s), out);
  return [...out].sort();
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
  const sentenceHashes: number[] = [];
  const numbers = new Set<string>();
  const wordHashes: number[] = [];
  for (const sentence of splitSentences(body)) {
    const toks = tokens(sentence);
    const from = wordHashes.length;
    for (const t of toks) wordHashes.push(fnv1a(t));
    const h = sentenceHashOf(toks, wordHashes, from);
    if (h !== null && !sentenceHashes.includes(h)) sentenceHashes.push(h);
    collectNumbers(toks, numbers);
  }
  const titleTokens = tokens(input.title.normalize('NFKC'));
  collectNumbers(titleTokens, numbers);
  // Too short to shingle on its own (headline briefs): shingle title and body together.
  const shingles = shingleHashes(
    wordHashes.length >= SHINGLE_SIZE ? wordHashes : [...titleTokens.map(fnv1a), ...wordHashes],
  );
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

/** Signature → little-endian bytes (NUM_HASHES × 4) for a BLOB column. */
export function serialiseSignature(sig: Uint32Array): Buffer {
  const buf = Buffer.alloc(sig.length * 4);
  for (let i = 0; i < sig.length; i++) buf.writeUInt32LE(sig[i]!, i * 4);
  return buf;
}

export function deserialiseSignature(buf: Uint8Array): Uint32Array {
  if (buf.byteLength % 4 !== 0) throw new RangeError(`signature blob has ${buf.byteLength} bytes, not a multiple of 4`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const sig = new Uint32Array(buf.byteLength / 4);
  for (let i = 0; i < sig.length; i++) sig[i] = view.getUint32(i * 4, true);
  return sig;
}
