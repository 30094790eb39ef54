import type { PlatformName } from '../src/channels.ts';
import type { DeliveryTarget } from '../src/delivery/target.ts';
import type { OutgoingMessage } from '../src/messages.ts';

export type { PlatformName } from '../src/channels.ts';
export type { PostedMessage, PostOptions } from '../src/delivery/target.ts';

/**
 * The one port between the core and a chat platform. Console, Slack and Discord implement it;
 * each owns its rendering, escaping of untrusted text, and its platform's limits.
 */
export interface Platform extends DeliveryTarget {
  readonly name: PlatformName;
  /** The payload `post` would send (for `digest --render`). */
  render(message: OutgoingMessage): unknown;
  close(): Promise<void>;
}
