import { createHash } from 'node:crypto';

/**
 * How a post is recognised again after a crash. Each platform message of a delivery carries
 * - a `nonce` (Discord caps it at 25 characters, so it is a hash of the delivery id and the part
 *   number) sent with `enforce_nonce: true`: Discord returns the earlier message instead of posting
 *   a repeat for a few minutes;
 * - a visible mark in its last footer (`ref <hash> · 2/3`) that `findPosted` looks for in the
 *   channel's recent messages, since nonces are not returned by message history.
 */

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

export function deliveryHash(idempotencyKey: string): string {
  return hash(idempotencyKey).slice(0, 12);
}

/** ≤ 25 characters, distinct per part. */
export function messageNonce(idempotencyKey: string, part: number): string {
  return hash(`${idempotencyKey}#${part}`).slice(0, 25);
}

export function partMark(idempotencyKey: string, part: number, parts: number): string {
  return `ref ${deliveryHash(idempotencyKey)} · ${part + 1}/${parts}`;
}

export interface FoundPart {
  part: number;
  parts: number;
}

/** Reads a mark written by `partMark` for this delivery, or null. */
export function readMark(text: string, idempotencyKey: string): FoundPart | null {
  const m = new RegExp(`ref ${deliveryHash(idempotencyKey)} · (\\d+)/(\\d+)`).exec(text);
  if (!m) return null;
  const part = Number(m[1]) - 1;
  const parts = Number(m[2]);
  return part >= 0 && part < parts ? { part, parts } : null;
}
