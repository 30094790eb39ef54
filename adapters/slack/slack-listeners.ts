import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { describeError, TradewireError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import type { ChatHandler, ChatReply, ChatRequest } from '../platform.ts';
import { ChannelMembership, NOT_A_MEMBER, postsToChannel } from './channel-membership.ts';
import { UNWATCH_ACTION } from './render-alert.ts';
import { type ReplySurface, replyText } from './reply-text.ts';

/** The slash command from the manifest. */
export const SLASH_COMMAND = '/trade';

const channelOf = (id: string): string => `slack:${id}`;

/** Runs the handler; a failure becomes an error reply the asker sees, never silence. */
async function handle(handler: ChatHandler, req: ChatRequest, log: Logger): Promise<ChatReply> {
  try {
    return await handler(req);
  } catch (err) {
    log.error('chat request failed', { kind: req.kind, channel: req.channel, err });
    if (err instanceof TradewireError) return { kind: 'error', code: err.code, message: describeError(err) };
    return {
      kind: 'error',
      code: 'chat/failed',
      message: 'Something went wrong on our side; it has been logged. Please try again.',
    };
  }
}

type EventMessage = {
  text?: string;
  user?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  bot_id?: string;
  subtype?: string;
  channel_type?: string;
};

/** The question without the bot's own mention. */
function withoutMention(text: string, botUserId: string | undefined): string {
  const own = botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g') : /^\s*<@[A-Z0-9]+(\|[^>]*)?>/;
  return text.replace(own, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Commands, mentions, thread replies and the alert button, each handed to the core's one ChatHandler.
 * Commands and buttons are acknowledged before any work (Slack's 3-second rule); their reply follows
 * through `response_url`. Messages from bots, this one included, are never answered.
 */
export function listenForChat(app: App, handler: ChatHandler, log: Logger): void {
  const membership = new ChannelMembership(app.client, log);
  app.command(SLASH_COMMAND, async ({ command, ack, respond }) => {
    await ack();
    if (postsToChannel(command.text ?? '') && !(await membership.isMember(command.channel_id))) {
      await respond({ response_type: 'ephemeral', text: NOT_A_MEMBER });
      return;
    }
    const reply = await handle(
      handler,
      {
        kind: 'command',
        channel: channelOf(command.channel_id),
        user: command.user_id,
        text: command.text ?? '',
        replyRef: command.response_url,
      },
      log,
    );
    const text = replyText(reply, 'command');
    if (text) await respond({ response_type: 'ephemeral', text });
  });

  app.action<BlockAction<ButtonAction>>(UNWATCH_ACTION, async ({ ack, action, body, respond }) => {
    await ack();
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (!channel) return;
    const reply = await handle(
      handler,
      {
        kind: 'action',
        channel: channelOf(channel),
        user: body.user.id,
        text: '',
        replyRef: body.response_url,
        action: { name: UNWATCH_ACTION, value: action.value ?? '' },
      },
      log,
    );
    const text = replyText(reply, 'action');
    if (text) await respond({ response_type: 'ephemeral', replace_original: false, text });
  });

  const answer = async (
    msg: EventMessage,
    reply: ChatReply,
    surface: ReplySurface,
    client: App['client'],
  ) => {
    const text = replyText(reply, surface);
    if (!text || !msg.user) return;
    await client.chat.postEphemeral({
      channel: msg.channel,
      user: msg.user,
      text,
      thread_ts: msg.thread_ts ?? msg.ts,
    });
  };

  app.event('app_mention', async ({ event, context, client }) => {
    const msg = event as unknown as EventMessage;
    if (msg.bot_id || msg.subtype || !msg.user) return;
    const text = withoutMention(msg.text ?? '', context.botUserId);
    const base = { channel: channelOf(msg.channel), user: msg.user, text };
    // A mention inside one of the bot's threads is a follow-up in that thread's context.
    if (msg.thread_ts && msg.thread_ts !== msg.ts) {
      const followUp = await handle(
        handler,
        { ...base, kind: 'thread-reply', threadRef: msg.thread_ts },
        log,
      );
      if (followUp.kind !== 'ignored') return answer(msg, followUp, 'thread-reply', client);
    }
    const reply = await handle(
      handler,
      { ...base, kind: 'mention', threadRef: msg.thread_ts ?? msg.ts },
      log,
    );
    await answer(msg, reply, 'mention', client);
  });

  app.message(async ({ message, context, client }) => {
    const msg = message as unknown as EventMessage;
    if (msg.bot_id || msg.subtype || !msg.user) return;
    // A message that mentions the bot arrives as app_mention as well: answered there, once.
    if (context.botUserId && msg.text?.includes(`<@${context.botUserId}`)) return;
    const inThread = msg.thread_ts !== undefined && msg.thread_ts !== msg.ts;
    // Outside threads only a direct message is for the bot: a question, as a mention is.
    if (!inThread && msg.channel_type !== 'im') return;
    const reply = await handle(
      handler,
      {
        kind: inThread ? 'thread-reply' : 'mention',
        channel: channelOf(msg.channel),
        user: msg.user,
        text: (msg.text ?? '').trim(),
        threadRef: msg.thread_ts ?? msg.ts,
      },
      log,
    );
    await answer(msg, reply, inThread ? 'thread-reply' : 'mention', client);
  });
}
