import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  MessageFlags,
} from 'discord.js';
import type { Logger } from '../../src/log.ts';
import type { ChatHandler } from '../platform.ts';
import { COMMAND_NAME } from './commands.ts';
import {
  chatRequest,
  type InteractionContext,
  isPrivate,
  type OptionNode,
  readInvocation,
  watchesRequest,
} from './interaction-request.ts';
import { type ReplyPayload, renderReply, watchChoices } from './render-reply.ts';
import type { DiscordSettings } from './rest-client.ts';

/**
 * The gateway side: a discord.js client with the fewest intents that work — `Guilds` (channels and
 * threads, so the bot knows a thread's parent) and `GuildMessages` (replies in its threads; their
 * text needs the privileged Message Content intent, a setting). Slash commands need no intent.
 */
export function gatewayIntents(s: DiscordSettings): GatewayIntentBits[] {
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];
  if (s.messageContent) intents.push(GatewayIntentBits.MessageContent);
  return intents;
}

function context(i: ChatInputCommandInteraction | AutocompleteInteraction): InteractionContext {
  const ch = i.channel;
  const thread = ch?.isThread() ? ch : null;
  return {
    applicationId: i.applicationId,
    token: i.token,
    receivedAt: Date.now(),
    userId: i.user.id,
    channelId: i.channelId ?? '',
    parentId: thread?.parentId ?? null,
  };
}

/** discord.js spells the options in camelCase; an unknown `allowed_mentions` key would be dropped. */
const forDiscordJs = (p: ReplyPayload) => ({
  content: p.content,
  allowedMentions: { parse: [] },
});

export class GatewayClient {
  readonly client: Client;

  constructor(
    private readonly settings: DiscordSettings,
    private readonly handler: ChatHandler,
    private readonly log: Logger,
  ) {
    this.client = new Client({
      intents: gatewayIntents(settings),
      rest: {
        ...(settings.apiUrl ? { api: settings.apiUrl.replace(/\/+$/, '') } : {}),
        timeout: settings.restTimeoutMs,
        retries: settings.restRetries,
      },
    });
    this.client.on(Events.InteractionCreate, (i) => this.track(this.onInteraction(i)));
    this.client.on(Events.MessageCreate, (m) => this.track(this.onMessage(m)));
    // discord.js reports through events rather than a logger: they join our stream tagged `lib`.
    const lib = log.child({ lib: 'discord.js' });
    this.client.on(Events.Error, (err) => lib.warn('discord gateway error', { err }));
    this.client.on(Events.Warn, (msg) => lib.warn(msg));
    this.client.on(Events.Debug, (msg) => lib.debug(msg));
    this.client.rest.on('rateLimited', (r) =>
      lib.info('discord rate limit: waiting', { route: r.route, ms: r.retryAfter }),
    );
  }

  /** Logs in and resolves once READY and every guild have arrived. */
  async start(): Promise<void> {
    const ready = new Promise<void>((resolve) => this.client.once(Events.ClientReady, () => resolve()));
    await this.client.login(this.settings.token);
    await ready;
    this.log.info('discord gateway ready', {
      user: this.client.user?.id,
      guilds: this.client.guilds.cache.size,
    });
  }

  /** Lets in-flight interactions finish, then closes the gateway connection. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.client.destroy();
  }

  private readonly inFlight = new Set<Promise<void>>();

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async onInteraction(i: Interaction): Promise<void> {
    try {
      if (i.isAutocomplete() && i.commandName === COMMAND_NAME) {
        const reply = await this.handler(watchesRequest(context(i)));
        await i.respond(watchChoices(reply, String(i.options.getFocused())));
        return;
      }
      if (!i.isChatInputCommand() || i.commandName !== COMMAND_NAME) return;
      const inv = readInvocation(i.options.data as readonly OptionNode[]);
      // First response within 3 s: defer before any work, then edit the reply with the outcome.
      await i.deferReply(isPrivate(inv) ? { flags: MessageFlags.Ephemeral } : {});
      const reply = await this.handler(chatRequest(inv, context(i)));
      await i.editReply(forDiscordJs(renderReply(reply)));
    } catch (err) {
      this.log.warn('discord interaction failed', { err: err instanceof Error ? err.message : String(err) });
      // Never leave the user looking at "thinking…": say it failed, if the reply can still be edited.
      if (i.isChatInputCommand() && i.deferred) {
        await i
          .editReply({ content: '⚠️ Something went wrong; try again.', allowedMentions: { parse: [] } })
          .catch(() => {});
      }
    }
  }

  private async onMessage(m: Message): Promise<void> {
    // Never our own or another bot's message (a reply can never trigger another), nor webhooks.
    if (m.author.bot || m.webhookId || !m.channel.isThread()) return;
    const me = this.client.user?.id;
    const mentioned = me !== undefined && m.mentions.users.has(me);
    if (!this.settings.messageContent && !mentioned) return;
    const text = m.content.replace(/<@!?\d+>/g, ' ').trim();
    if (!text || !m.channel.parentId) return;
    try {
      const reply = await this.handler({
        kind: 'thread-reply',
        channel: `discord:${m.channel.parentId}`,
        user: m.author.id,
        text,
        threadRef: m.channel.id,
      });
      if (reply.kind === 'error') await m.reply(forDiscordJs(renderReply(reply)));
    } catch (err) {
      this.log.warn('discord thread reply failed', { err: err instanceof Error ? err.message : String(err) });
    }
  }
}
