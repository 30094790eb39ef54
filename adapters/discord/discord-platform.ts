import { TradewireError } from '../../src/errors.ts';
import { type Logger, silentLogger } from '../../src/log.ts';
import type { OutgoingMessage } from '../../src/messages.ts';
import type {
  ChatHandler,
  HttpRoute,
  InboundConnection,
  Platform,
  PlatformLimits,
  PostedMessage,
  PostOptions,
} from '../platform.ts';
import { INTERACTIONS_PATH } from './interaction-request.ts';
import type { PostMessages } from './post-messages.ts';
import { DISCORD_LIMITS, type DiscordPayload, renderDiscord } from './render-message.ts';
import type { DiscordSettings } from './rest-client.ts';

/**
 * `discord:<channel id>`. Outbound posts need only the REST API (any process holding the token can
 * consume `deliver-discord`); inbound, `connect()` gives `tradewire run` the gateway client and, with
 * a public key, the HTTP interactions endpoint.
 *
 * discord.js takes seconds to load on a busy machine, so it is imported on first use: every CLI
 * command opens the composition root, and only the ones that talk to Discord should pay for it.
 */
export class DiscordPlatform implements Platform {
  readonly name = 'discord';
  readonly limits: PlatformLimits = DISCORD_LIMITS;
  private poster: Promise<PostMessages> | null = null;

  constructor(
    private readonly settings: DiscordSettings,
    private readonly log: Logger = silentLogger,
  ) {}

  /** Pure: the payloads `post` sends (without their delivery marks); needs no token or network. */
  render(message: OutgoingMessage): DiscordPayload[] {
    return renderDiscord(message, this.limits);
  }

  async post(channel: string, message: OutgoingMessage, opts: PostOptions): Promise<PostedMessage> {
    return (await this.outbound()).post(channel, message, opts);
  }

  async findPosted(channel: string, idempotencyKey: string): Promise<PostedMessage | null> {
    return (await this.outbound()).findPosted(channel, idempotencyKey);
  }

  connect(handler: ChatHandler, log: Logger): InboundConnection {
    let loaded: Promise<InboundConnection> | null = null;
    const load = () => {
      loaded ??= import('./connect.ts').then((m) => m.connectDiscord(this.settings, handler, log));
      return loaded;
    };
    const routes = new Map<string, HttpRoute>();
    if (this.settings.publicKey) {
      routes.set(INTERACTIONS_PATH, async (req, res) =>
        (await load()).routes.get(INTERACTIONS_PATH)!(req, res),
      );
    }
    return {
      routes,
      start: async () => (await load()).start(),
      stop: async () => {
        if (loaded !== null) await (await loaded).stop();
      },
    };
  }

  async close(): Promise<void> {}

  private outbound(): Promise<PostMessages> {
    if (!this.settings.token) {
      throw new TradewireError('platform/not-configured', 'Discord posting needs DISCORD_TOKEN', {
        hint: 'set DISCORD_TOKEN (the bot token from the Discord developer portal)',
      });
    }
    this.poster ??= Promise.all([import('./post-messages.ts'), import('./rest-client.ts')]).then(
      ([{ PostMessages }, { createRest }]) =>
        new PostMessages(createRest(this.settings, { reject: true }), this.log, this.settings.historyLimit),
    );
    return this.poster;
  }
}
