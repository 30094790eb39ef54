import { deserialiseSignature, type StoredFingerprint, serialiseSignature } from './fingerprint.ts';

/** Stored fingerprints travel through the store as compact JSON (signature as base64). */

interface Encoded {
  s: string;
  n: number;
  t: string[];
  f: string[];
  h: number[];
}

export function encodeFingerprint(fp: StoredFingerprint): string {
  const e: Encoded = {
    s: serialiseSignature(fp.signature).toString('base64'),
    n: fp.shingleCount,
    t: fp.titleTerms,
    f: fp.numbers,
    h: fp.sentenceHashes,
  };
  return JSON.stringify(e);
}

export function decodeFingerprint(text: string): StoredFingerprint {
  const e = JSON.parse(text) as Encoded;
  return {
    signature: deserialiseSignature(Buffer.from(e.s, 'base64')),
    shingleCount: e.n,
    titleTerms: e.t,
    numbers: e.f,
    sentenceHashes: e.h,
  };
}
