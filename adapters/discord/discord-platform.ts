import { TradewireError } from '../../src/errors.ts';
import { type Logger, silentLogger } from '../../src/log.ts';
import type { OutgoingMessage } from '../../src/messages.ts';
import type {
  ChatHandler,
  InboundConnection,
  Platform,
  PlatformLimits,
  PostedMessage,
  PostOptions,
} from '../platform.ts';
import { connectDiscord } from './connect.ts';
import { PostMessages } from './post-messages.ts';
import { DISCORD_LIMITS, type DiscordPayload, renderDiscord } from './render-message.ts';
import { createRest, type DiscordSettings } from './rest-client.ts';

/**
 * `discord:<channel id>`. Outbound posts need only the REST API (any process holding the token can
 * consume `deliver-discord`); inbound, `connect()` gives `tradewire run` the gateway client and, with
 * a public key, the HTTP interactions endpoint.
 */
export class DiscordPlatform implements Platform {
  readonly name = 'discord';
  readonly limits: PlatformLimits = DISCORD_LIMITS;
  private poster: PostMessages | null = null;

  constructor(
    private readonly settings: DiscordSettings,
    private readonly log: Logger = silentLogger,
  ) {}

  /** Pure: the payloads `post` sends (without their delivery marks); needs no token or network. */
  render(message: OutgoingMessage): DiscordPayload[] {
    return renderDiscord(message, this.limits);
  }

  post(channel: string, message: OutgoingMessage, opts: PostOptions): Promise<PostedMessage> {
    return this.outbound().post(channel, message, opts);
  }

  findPosted(channel: string, idempotencyKey: string): Promise<PostedMessage | null> {
    return this.outbound().findPosted(channel, idempotencyKey);
  }

  connect(handler: ChatHandler, log: Logger): InboundConnection {
    return connectDiscord(this.settings, handler, log);
  }

  async close(): Promise<void> {}

  private outbound(): PostMessages {
    if (!this.settings.token) {
      throw new TradewireError('platform/not-configured', 'Discord posting needs DISCORD_TOKEN', {
        hint: 'set DISCORD_TOKEN (the bot token from the Discord developer portal)',
      });
    }
    this.poster ??= new PostMessages(
      createRest(this.settings, { reject: true }),
      this.log,
      this.settings.historyLimit,
    );
    return this.poster;
  }
}
