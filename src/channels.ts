import { TradewireError } from './errors.ts';
import type { PlatformName } from './platform/port.ts';

/**
 * Channel ids carry their platform: `console:demo`, `slack:C0123`, `discord:1234567890`. The set of
 * platforms is open (adapters register by name); whether one is configured in this deployment is the
 * platform registry's question, not this syntax check's.
 */
const PLATFORM = /^[a-z][a-z0-9-]{0,31}$/;

export function platformOf(channel: string): PlatformName | null {
  const colon = channel.indexOf(':');
  if (colon <= 0) return null;
  const prefix = channel.slice(0, colon);
  return PLATFORM.test(prefix) ? prefix : null;
}

/** Validates the syntax of a channel id typed by a user; one clear line when it is wrong. */
export function parseChannel(channel: string): { platform: PlatformName; id: string } {
  const platform = platformOf(channel);
  const id = platform ? channel.slice(platform.length + 1) : '';
  const idOk =
    platform === 'console' ? /^[\w.-]{1,64}$/.test(id) : /^[\w.:-]{1,128}$/.test(id) && id.length > 0;
  if (!platform || !idOk) {
    throw new TradewireError('platform/unknown-channel', `"${channel}" is not a channel id`, {
      hint: 'use console:<name> (letters, digits, . _ -), slack:<channel id> or discord:<channel id>',
    });
  }
  return { platform, id };
}
