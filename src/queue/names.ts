import { createHash } from 'node:crypto';
import type { PlatformName } from '../platform/port.ts';

/** Queue names: one per pipeline step, one delivery queue per platform. */
export const INGEST_QUEUE = 'ingest';
export const SUMMARISE_QUEUE = 'summarise';
export const DIGEST_QUEUE = 'digest';
/** Questions from chat: answered here, posted through the platform's delivery queue. */
export const ASK_QUEUE = 'ask';
export const deliverQueue = (p: PlatformName): string => `deliver-${p}`;

/** A reference to a job that a waiting caller can follow. */
export interface JobRef {
  queue: string;
  id: string;
}

/**
 * Deterministic job ids make re-adding a job a no-op while it is known to BullMQ.
 * BullMQ refuses ':' in custom ids, and ids must stay short, so long parts are hashed.
 */
export function jobId(...parts: Array<string | number>): string {
  const raw = parts.join('__').replaceAll(':', '~');
  return raw.length <= 120 ? raw : `${raw.slice(0, 60)}__${createHash('sha1').update(raw).digest('hex')}`;
}
