import { parseChannel } from '../channels.ts';
import { TradewireError } from '../errors.ts';
import type { Platform, PlatformName } from './port.ts';

/**
 * The platforms this deployment has configured, by name. The composition root registers an adapter
 * when its credentials are set; everything that writes a channel id (a watch, a schedule, `ask
 * --channel`) checks it here, so a channel nobody can post to is refused when it is written instead of
 * failing silently when an alert is due.
 */
export class PlatformRegistry {
  private readonly byName = new Map<PlatformName, Platform>();

  constructor(platforms: Iterable<Platform> = []) {
    for (const p of platforms) this.register(p);
  }

  register(platform: Platform): void {
    if (this.byName.has(platform.name)) {
      throw new TradewireError('config/invalid', `platform ${platform.name} is registered twice`);
    }
    this.byName.set(platform.name, platform);
  }

  get(name: PlatformName): Platform | undefined {
    return this.byName.get(name);
  }

  names(): PlatformName[] {
    return [...this.byName.keys()];
  }

  all(): Platform[] {
    return [...this.byName.values()];
  }

  /** Validates a channel id for writing: its syntax, and that its platform is configured here. */
  requireChannel(channel: string): { platform: Platform; id: string } {
    const { platform, id } = parseChannel(channel);
    const p = this.byName.get(platform);
    if (!p) {
      throw new TradewireError(
        'platform/not-configured',
        `${platform} is not configured in this deployment, so nothing could be posted to ${channel}`,
        { hint: `configured platforms: ${this.names().join(', ')}` },
      );
    }
    return { platform: p, id };
  }
}
