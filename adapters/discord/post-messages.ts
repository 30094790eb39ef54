import type { APIMessage, REST } from 'discord.js';
import { Routes } from 'discord.js';
import { isTradewireError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import type { OutgoingMessage } from '../../src/messages.ts';
import type { PostedMessage, PostOptions } from '../platform.ts';
import { messageNonce, readMark } from './delivery-marks.ts';
import { escapeLine, truncate } from './render-escape.ts';
import { DIGEST_HEAD, type DiscordPayload, markPayloads, renderDiscord } from './render-message.ts';
import { decodeReplyRef, replyRefUsable } from './reply-ref.ts';
import { DISCORD_CODE, discordChannelId, discordCode, mapRestError } from './rest-client.ts';

/** Parts of a delivery found in the channel after a crash, kept until the retry posts the rest. */
type Found = Map<number, APIMessage>;

/**
 * The outbound side: posts a message as one or more Discord messages, exactly once per delivery.
 * The REST client rejects on rate limits, so a delivery goes back to the queue instead of waiting.
 */
export class PostMessages {
  private readonly partial = new Map<string, Found>();
  private botId: Promise<string> | null = null;

  constructor(
    private readonly rest: REST,
    private readonly log: Logger,
    private readonly historyLimit: number,
  ) {}

  async post(channel: string, message: OutgoingMessage, opts: PostOptions): Promise<PostedMessage> {
    const channelId = discordChannelId(channel);
    const payloads = markPayloads(renderDiscord(message), opts.idempotencyKey);
    const ids: string[] = [];
    const found = this.partial.get(opts.idempotencyKey) ?? new Map<number, APIMessage>();
    let start = 0;
    const inPlace = opts.replyRef ? await this.editOriginal(opts.replyRef, payloads[0]!) : null;
    if (inPlace) {
      ids.push(inPlace.id);
      start = 1;
    }
    const target = opts.threadRef ?? inPlace?.channel_id ?? channelId;
    for (let i = start; i < payloads.length; i++) {
      const earlier = found.get(i);
      ids.push(earlier ? earlier.id : (await this.send(target, payloads[i]!, opts.idempotencyKey, i)).id);
    }
    this.partial.delete(opts.idempotencyKey);
    const first = ids[0]!;
    let threadRef = opts.threadRef ?? first;
    if (message.kind === 'digest' && !opts.threadRef && !inPlace) {
      threadRef = await this.openThread(channelId, first, `Digest — ${message.periodLabel}`);
    }
    return { ref: first, refs: ids, threadRef };
  }

  async findPosted(channel: string, idempotencyKey: string): Promise<PostedMessage | null> {
    const channelId = discordChannelId(channel);
    const bot = await this.botUserId();
    let recent: APIMessage[];
    try {
      recent = (await this.rest.get(Routes.channelMessages(channelId), {
        query: new URLSearchParams({ limit: String(this.historyLimit) }),
      })) as APIMessage[];
    } catch (err) {
      throw mapRestError(err, `reading recent messages in ${channel}`);
    }
    const parts: Found = new Map();
    let total = 0;
    for (const m of recent) {
      if (m.author.id !== bot) continue;
      const text = [m.content, ...m.embeds.map((e) => e.footer?.text ?? '')].join('\n');
      const mark = readMark(text, idempotencyKey);
      if (!mark) continue;
      parts.set(mark.part, m);
      total = mark.parts;
    }
    if (parts.size === 0) return null;
    if (parts.size < total) {
      // A crash mid-way through a split post: the retry posts only the missing parts.
      this.partial.set(idempotencyKey, parts);
      this.log.info('discord: earlier post found incomplete; posting the rest', {
        delivery: idempotencyKey,
        found: parts.size,
        parts: total,
      });
      return null;
    }
    const refs = [...parts.entries()].sort(([a], [b]) => a - b).map(([, m]) => m.id);
    const head = parts.get(0)!;
    if (!head.thread && head.content.startsWith(DIGEST_HEAD)) {
      // Every part is there but the digest's thread is not (the crash came just before it): the
      // retry opens it without posting anything again.
      this.partial.set(idempotencyKey, parts);
      return null;
    }
    return { ref: refs[0]!, refs, threadRef: head.thread?.id ?? head.id };
  }

  private async send(channelId: string, p: DiscordPayload, key: string, part: number): Promise<APIMessage> {
    try {
      const body = { ...p, nonce: messageNonce(key, part), enforce_nonce: true };
      return (await this.rest.post(Routes.channelMessages(channelId), { body })) as APIMessage;
    } catch (err) {
      throw mapRestError(err, `posting to channel ${channelId}`);
    }
  }

  /** Edits the deferred reply of `/trade ask`; null when the token expired (post normally instead). */
  private async editOriginal(replyRef: string, p: DiscordPayload): Promise<APIMessage | null> {
    const ref = decodeReplyRef(replyRef);
    if (!ref || !replyRefUsable(ref)) return null;
    try {
      return (await this.rest.patch(Routes.webhookMessage(ref.applicationId, ref.token, '@original'), {
        body: p,
        auth: false,
      })) as APIMessage;
    } catch (err) {
      const code = discordCode(err);
      if (code === DISCORD_CODE.unknownWebhook || code === DISCORD_CODE.invalidWebhookToken) return null;
      throw mapRestError(err, 'editing the interaction reply');
    }
  }

  /** Opens the discussion thread of a digest; a thread started from a message shares its id. */
  private async openThread(channelId: string, messageId: string, name: string): Promise<string> {
    try {
      const thread = (await this.rest.post(Routes.threads(channelId, messageId), {
        body: { name: truncate(escapeLine(name).replace(/\\/g, ''), 100), auto_archive_duration: 1440 },
      })) as { id: string };
      return thread.id;
    } catch (err) {
      if (discordCode(err) === DISCORD_CODE.threadAlreadyCreated) return messageId;
      const mapped = mapRestError(err, 'opening the digest thread');
      // A rate limit or a transient failure: the retry finds the posted parts and opens the thread.
      if (!isTradewireError(mapped, 'platform/rejected')) throw mapped;
      // Refused for good (no Create Public Threads permission): the digest stands without a thread.
      this.log.warn('discord: could not open a thread for the digest', {
        channel: channelId,
        err: mapped.message,
      });
      return messageId;
    }
  }

  private botUserId(): Promise<string> {
    this.botId ??= (this.rest.get(Routes.user('@me')) as Promise<{ id: string }>).then(
      (u) => u.id,
      (err: unknown) => {
        this.botId = null;
        throw mapRestError(err, 'reading the bot user');
      },
    );
    return this.botId;
  }
}
