import type { StoredFingerprint } from './fingerprint.ts';

/** Pairwise similarity estimates between fingerprints. All pure and O(signature length). */

/** Estimated Jaccard of the shingle sets: share of MinHash positions that agree (0 for empty texts). */
export function estimatedJaccard(a: StoredFingerprint, b: StoredFingerprint): number {
  if (a.shingleCount === 0 || b.shingleCount === 0) return 0;
  const n = Math.min(a.signature.length, b.signature.length);
  if (n === 0) return 0;
  let same = 0;
  for (let i = 0; i < n; i++) if (a.signature[i] === b.signature[i]) same++;
  return same / n;
}

/**
 * Estimated containment |A∩B| / min(|A|,|B|): from J = |A∩B| / |A∪B| and the set sizes,
 * |A∩B| = J·(|A|+|B|) / (1+J). Clamped to [0, 1].
 */
export function estimatedContainment(a: StoredFingerprint, b: StoredFingerprint, jaccard?: number): number {
  const j = jaccard ?? estimatedJaccard(a, b);
  const small = Math.min(a.shingleCount, b.shingleCount);
  if (small === 0 || j === 0) return 0;
  const inter = (j * (a.shingleCount + b.shingleCount)) / (1 + j);
  return Math.min(1, inter / small);
}

/** Jaccard of two sorted-or-not term lists (as sets); 0 when either is empty. */
export function setJaccard<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const sa = new Set(a);
  const sb = new Set(b);
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  return inter / (sa.size + sb.size - inter);
}

/** Title similarity: Jaccard of the stemmed title terms. */
export function titleSimilarity(a: StoredFingerprint, b: StoredFingerprint): number {
  return setJaccard(a.titleTerms, b.titleTerms);
}

/** Share of the smaller article's hashed sentences that also occur in the other (exact, not estimated). */
export function sentenceContainment(a: StoredFingerprint, b: StoredFingerprint): number {
  const [small, big] =
    a.sentenceHashes.length <= b.sentenceHashes.length
      ? [a.sentenceHashes, b.sentenceHashes]
      : [b.sentenceHashes, a.sentenceHashes];
  if (small.length === 0) return 0;
  const set = new Set(big);
  let hit = 0;
  for (const h of small) if (set.has(h)) hit++;
  return hit / small.length;
}

export interface NumericOverlap {
  /** Contexts present in both whose figures agree (one side's values include the other's). */
  agreements: number;
  /** Contexts present in both with different figures on each side: the templated-report signal. */
  conflicts: number;
  /** Jaccard of the `context:value` sets. */
  jaccard: number;
}

function byContext(entries: readonly string[]): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const e of entries) {
    const i = e.lastIndexOf(':');
    const ctx = e.slice(0, i);
    let s = m.get(ctx);
    if (s === undefined) {
      s = new Set();
      m.set(ctx, s);
    }
    s.add(e.slice(i + 1));
  }
  return m;
}

function subset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/**
 * Compares the figures of two articles context by context. A copy, a trimmed copy or an expanded
 * version keeps the figures it shares (one side's values are a subset of the other's); a templated
 * recurring report ("Fed adds 1.5 billion dlrs…" one day, "two billion dlrs…" the next) swaps them.
 */
export function numericOverlap(a: readonly string[], b: readonly string[]): NumericOverlap {
  const ma = byContext(a);
  const mb = byContext(b);
  let agreements = 0;
  let conflicts = 0;
  for (const [ctx, va] of ma) {
    const vb = mb.get(ctx);
    if (vb === undefined) continue;
    if (subset(va, vb) || subset(vb, va)) agreements++;
    else conflicts++;
  }
  return { agreements, conflicts, jaccard: setJaccard(a, b) };
}
