/**
 * Discord API objects as the real API sends them, with the fields discord.js reads
 * (PLATFORMS.md: an INTERACTION_CREATE it accepts carries `entitlements` and
 * `authorizing_integration_owners`).
 */

const DISCORD_EPOCH = 1_420_070_400_000n;
let counter = 0n;

/** A snowflake for now: ids sort by creation time, as Discord's do. */
export function snowflake(): string {
  counter = (counter + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | counter).toString();
}

export interface FakeUser {
  id: string;
  username: string;
  bot?: boolean;
}

export const userObject = (u: FakeUser) => ({
  id: u.id,
  username: u.username,
  discriminator: '0',
  global_name: null,
  avatar: null,
  bot: u.bot ?? false,
});

export interface FakeChannel {
  id: string;
  type: number;
  guild_id: string;
  name: string;
  parent_id: string | null;
}

export const channelObject = (c: FakeChannel) => ({
  ...c,
  position: 0,
  permission_overwrites: [],
  nsfw: false,
  topic: null,
  last_message_id: null,
  rate_limit_per_user: 0,
  ...(c.type === 11
    ? {
        owner_id: null,
        message_count: 0,
        member_count: 1,
        thread_metadata: {
          archived: false,
          auto_archive_duration: 1440,
          archive_timestamp: new Date().toISOString(),
          locked: false,
        },
      }
    : {}),
});

export interface FakeMessage {
  id: string;
  channel_id: string;
  author: ReturnType<typeof userObject>;
  content: string;
  embeds: Array<Record<string, unknown>>;
  timestamp: string;
  edited_timestamp: string | null;
  nonce?: string;
  flags: number;
  thread?: ReturnType<typeof channelObject>;
  /** What the client sent, for assertions (not part of Discord's object). */
  sent: Record<string, unknown>;
}

export function messageObject(m: FakeMessage, guildId: string) {
  const { sent: _sent, ...wire } = m;
  return {
    ...wire,
    guild_id: guildId,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    components: [],
    pinned: false,
    type: 0,
  };
}

export function guildObject(id: string, channels: FakeChannel[], threads: FakeChannel[], bot: FakeUser) {
  return {
    id,
    name: 'Trade desk',
    icon: null,
    owner_id: '100000000000000001',
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    preferred_locale: 'en-US',
    system_channel_flags: 0,
    features: [],
    roles: [
      {
        id,
        name: '@everyone',
        permissions: '0',
        position: 0,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: 2,
    members: [
      {
        user: userObject(bot),
        roles: [],
        joined_at: new Date().toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
      },
    ],
    channels: channels.map(channelObject),
    threads: threads.map(channelObject),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
  };
}

export interface InteractionSpec {
  /** `['ask']`, `['digest', 'now']`, `['watch']` … */
  path: string[];
  options?: Record<string, string>;
  /** Autocomplete: the option being typed. */
  focused?: string;
  channelId: string;
  user?: FakeUser;
}

/** The nested option tree of `/trade <path…> <options>`. */
export function optionTree(spec: InteractionSpec): unknown[] {
  let level: unknown[] = Object.entries(spec.options ?? {}).map(([name, value]) => ({
    name,
    type: 3,
    value,
    ...(spec.focused === name ? { focused: true } : {}),
  }));
  for (const [i, name] of [...spec.path].reverse().entries()) {
    level = [{ name, type: i === 0 ? 1 : 2, options: level }];
  }
  return level;
}
