import type { webApi } from '@slack/bolt';
import type { Logger } from '../../src/log.ts';

/** How long a channel's membership answer is reused (joining a channel shows up within this time). */
const TTL_MS = 60_000;

/**
 * Whether the bot is in a channel, asked with `conversations.info` before a command whose result is
 * a later post there (digests, watch alerts): Slack refuses posts to channels the bot has not joined,
 * and the user is better told so at once than left waiting for a post that cannot arrive. (`ask` needs
 * no membership: its answer falls back to the command's response_url.) Any doubt (a DM, an
 * API error, a missing scope) counts as yes: the check must never block a command that would work.
 */
export class ChannelMembership {
  private readonly known = new Map<string, { member: boolean; at: number }>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly log: Logger,
  ) {}

  async isMember(channel: string): Promise<boolean> {
    const hit = this.known.get(channel);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.member;
    let member = true;
    try {
      const res = await this.client.conversations.info({ channel });
      const c = res.channel;
      member = !c || c.is_im === true || c.is_mpim === true || c.is_member !== false;
    } catch (err) {
      this.log.debug('slack conversations.info failed; assuming the bot is in the channel', {
        channel,
        err: err instanceof Error ? err.message : String(err),
      });
    }
    if (!member) {
      this.known.delete(channel);
      return false;
    }
    this.known.set(channel, { member, at: Date.now() });
    return member;
  }
}

/** Verbs whose result is a later post in the channel, which only a member may make. */
export function postsToChannel(commandText: string): boolean {
  const verb = commandText.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  return verb === 'digest' || verb === 'watch';
}

export const NOT_A_MEMBER =
  ":wave: I'm not in this channel yet, so I can't post digests or alerts here. Invite me with `/invite @Tradewire`, then try again.";
