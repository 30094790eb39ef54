import type { webApi } from '@slack/bolt';
import { parseChannel } from '../../src/channels.ts';
import { TradewireError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import type { OutgoingMessage } from '../../src/messages.ts';
import type { ChatHandler, InboundConnection, Platform, PostedMessage, PostOptions } from '../platform.ts';
import type { SlackPayload } from './blocks.ts';
import { ChannelPacer } from './channel-pacer.ts';
import { deliveryMetadata } from './delivery-metadata.ts';
import { complete, findDeliveryParts } from './find-posted.ts';
import { renderSlack, SLACK_PLATFORM_LIMITS } from './render.ts';
import { postToResponseUrl } from './response-url.ts';
import { createWebClient, platformErrorCode, slackError } from './slack-client.ts';
import { connectSlack } from './slack-inbound.ts';
import type { SlackSettings } from './slack-settings.ts';

const RESPONSE_URL_TIMEOUT_MS = 10_000;

/**
 * `slack:<channel id>`. Posting needs only the bot token (Web API); `connect` adds the Bolt app for
 * commands, mentions, thread replies and buttons. Constructing it calls nothing on Slack, so
 * `digest --render slack` works offline.
 *
 * Answers to a command are ordinary channel posts (they need a `ts` for metadata, the ledger and
 * follow-ups in their thread); the command's `response_url` (`replyRef`) is the fallback when the bot
 * is not in the channel.
 */
export class SlackPlatform implements Platform {
  readonly name = 'slack';
  readonly limits = SLACK_PLATFORM_LIMITS;
  private readonly client: webApi.WebClient;
  private readonly pacer: ChannelPacer;
  /** Messages of a split post already sent, by delivery id, so a retry resumes instead of repeating. */
  private readonly progress = new Map<string, Array<string | undefined>>();
  private connection: InboundConnection | null = null;

  constructor(
    private readonly settings: SlackSettings,
    log: Logger,
  ) {
    this.client = createWebClient(settings, log);
    this.pacer = new ChannelPacer(settings.channelIntervalMs);
  }

  render(message: OutgoingMessage): SlackPayload[] {
    return renderSlack(message, this.limits);
  }

  async post(channel: string, message: OutgoingMessage, opts: PostOptions): Promise<PostedMessage> {
    const id = slackChannelId(channel);
    const payloads = this.render(message);
    const key = opts.idempotencyKey;
    const done = this.progress.get(key) ?? [];
    for (const [part, payload] of payloads.entries()) {
      if (done[part]) continue;
      await this.pacer.wait(id);
      try {
        const res = await this.client.chat.postMessage({
          channel: id,
          text: payload.text,
          blocks: payload.blocks,
          metadata: deliveryMetadata({ deliveryId: key, part, parts: payloads.length }),
          link_names: false,
          unfurl_links: false,
          unfurl_media: false,
          ...(opts.threadRef ? { thread_ts: opts.threadRef } : {}),
        });
        if (!res.ts)
          throw new TradewireError('platform/unavailable', 'Slack returned no ts', { retryable: true });
        done[part] = res.ts;
        this.progress.set(key, done);
      } catch (err) {
        const code = platformErrorCode(err);
        if (
          opts.replyRef &&
          payloads.length === 1 &&
          (code === 'not_in_channel' || code === 'channel_not_found')
        ) {
          // The bot was never invited here: answer the person who asked through their command's response_url.
          await postToResponseUrl(opts.replyRef, payload, RESPONSE_URL_TIMEOUT_MS);
          const ref = `response:${key}`;
          return { ref, refs: [ref], threadRef: opts.threadRef ?? ref };
        }
        const e = err instanceof TradewireError ? err : slackError(err, `chat.postMessage to ${channel}`);
        if (e.code === 'platform/rate-limited') this.pacer.holdOff(id, e.retryAfterMs ?? 1_000);
        throw e;
      }
    }
    this.progress.delete(key);
    const refs = done.filter((ts): ts is string => ts !== undefined);
    return { ref: refs[0]!, refs, threadRef: opts.threadRef ?? refs[0]! };
  }

  async findPosted(channel: string, idempotencyKey: string): Promise<PostedMessage | null> {
    const id = slackChannelId(channel);
    let found: Awaited<ReturnType<typeof findDeliveryParts>>;
    try {
      found = await findDeliveryParts(this.client, id, idempotencyKey, this.settings.historyPages);
    } catch (err) {
      throw slackError(err, `conversations.history of ${channel}`);
    }
    if (!found) return null;
    if (!complete(found)) {
      // Part of a split post went out before the crash: post() sends only the missing messages.
      this.progress.set(idempotencyKey, found.parts);
      return null;
    }
    const refs = found.parts as string[];
    return { ref: refs[0]!, refs, threadRef: found.threadTs ?? refs[0]! };
  }

  connect(handler: ChatHandler, log: Logger): InboundConnection {
    if (this.connection) throw new TradewireError('config/invalid', 'the Slack app is already connected');
    this.connection = connectSlack(this.settings, handler, log);
    return this.connection;
  }

  async close(): Promise<void> {
    await this.connection?.stop();
    this.connection = null;
  }
}

export function slackChannelId(channel: string): string {
  const { platform, id } = parseChannel(channel);
  if (platform !== 'slack') {
    throw new TradewireError('platform/unknown-channel', `${channel} is not a Slack channel`);
  }
  return id;
}
