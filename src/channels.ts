import { TradewireError } from './errors.ts';

/** Channel ids carry their platform: `console:demo`, `slack:C0123`, `discord:1234567890`. */
export const PLATFORM_NAMES = ['console', 'slack', 'discord'] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

export function platformOf(channel: string): PlatformName | null {
  const prefix = channel.slice(0, Math.max(0, channel.indexOf(':')));
  return (PLATFORM_NAMES as readonly string[]).includes(prefix) ? (prefix as PlatformName) : null;
}

/** Validates a channel id typed by a user; one clear line when it is wrong. */
export function parseChannel(channel: string): { platform: PlatformName; id: string } {
  const platform = platformOf(channel);
  const id = channel.slice(channel.indexOf(':') + 1);
  if (!platform || id === '' || (platform === 'console' && !/^[\w.-]+$/.test(id))) {
    throw new TradewireError('platform/unknown-channel', `"${channel}" is not a channel id`, {
      hint: 'use console:<name> (letters, digits, . _ -), slack:<channel id> or discord:<channel id>',
    });
  }
  return { platform, id };
}
