import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { TradewireError } from '../../src/errors.ts';

/**
 * Discord signs HTTP interactions with Ed25519 over `timestamp + raw body` (headers
 * `X-Signature-Ed25519`, `X-Signature-Timestamp`). Node verifies it with no extra package once the
 * 32-byte key is wrapped in a DER SPKI header.
 */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function interactionKey(publicKeyHex: string): KeyObject {
  if (!/^[0-9a-f]{64}$/i.test(publicKeyHex)) {
    throw new TradewireError('config/invalid', 'DISCORD_PUBLIC_KEY must be 64 hex characters', {
      hint: 'copy the Public Key from the Discord developer portal (General Information)',
    });
  }
  const der = Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(publicKeyHex, 'hex')]);
  return createPublicKey({ key: der, format: 'der', type: 'spki' });
}

/** A signed request older (or newer) than this is refused, so a captured one cannot be replayed later. */
export const MAX_SKEW_S = 300;

export function verifyInteraction(
  key: KeyObject,
  body: Buffer,
  signatureHex: string | undefined,
  timestamp: string | undefined,
  nowMs = Date.now(),
): boolean {
  if (!signatureHex || !timestamp || !/^[0-9a-f]{128}$/i.test(signatureHex)) return false;
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_S) return false;
  const message = Buffer.concat([Buffer.from(timestamp, 'utf8'), body]);
  try {
    return verify(null, message, key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}
