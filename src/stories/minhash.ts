/**
 * Hashing, MinHash and LSH keys for story fingerprints. Deterministic across processes (fixed seeds,
 * no Math.random), so stored signatures and band keys stay comparable with freshly computed ones.
 */

export const SHINGLE_SIZE = 5;
export const NUM_HASHES = 128;
/** LSH: BAND_COUNT bands of BAND_ROWS rows; a pair becomes a candidate when any band matches in full. */
export const BAND_ROWS = 3;
export const BAND_COUNT = Math.floor(NUM_HASHES / BAND_ROWS);
/** Pseudo band number for sentence keys, so they never collide with LSH band keys. */
export const SENTENCE_BAND = 63;

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
export function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One murmur3 mixing round: fold a 32-bit word into a running hash. */
export function mixIn(h: number, k: number): number {
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

/**
 * A lookup key: decimal `band · 2²⁴ + top 24 bits of a hash`, e.g. `570425344`. Below 2³⁰, so V8
 * builds it as a small-integer string (fast, cached); a 2⁻²⁴ chance of a false match per band only
 * adds a candidate that chooseStory then rejects.
 */
export function lookupKey(band: number, hash: number): string {
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

/** Signature → little-endian bytes (NUM_HASHES × 4) for a BLOB column. */
export function serialiseSignature(sig: Uint32Array): Buffer {
  const buf = Buffer.alloc(sig.length * 4);
  for (let i = 0; i < sig.length; i++) buf.writeUInt32LE(sig[i]!, i * 4);
  return buf;
}

export function deserialiseSignature(buf: Uint8Array): Uint32Array {
  if (buf.byteLength % 4 !== 0)
    throw new RangeError(`signature blob has ${buf.byteLength} bytes, not a multiple of 4`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const sig = new Uint32Array(buf.byteLength / 4);
  for (let i = 0; i < sig.length; i++) sig[i] = view.getUint32(i * 4, true);
  return sig;
}
