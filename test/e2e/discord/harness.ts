import type { FakeMessage, InteractionSpec } from '../../fakes/discord-objects.ts';

/** How a user would type `/trade <text>` in Discord's command picker, as the interaction's options. */
export function commandSpec(text: string, channelId: string): InteractionSpec {
  const [verb = 'help', ...words] = text.trim().split(/\s+/);
  const rest = words.join(' ');
  switch (verb) {
    case 'ask':
      return { path: ['ask'], options: { question: rest }, channelId };
    case 'watch':
      return { path: ['watch'], options: { query: rest }, channelId };
    case 'unwatch':
      return { path: ['unwatch'], options: { id: rest }, channelId };
    case 'digest': {
      const [sub = 'now', time, timezone] = words;
      const options: Record<string, string> = {};
      if (time) options.time = time;
      if (timezone) options.timezone = timezone;
      return { path: ['digest', sub], options, channelId };
    }
    default:
      return { path: [verb], channelId };
  }
}

interface EmbedLike {
  title?: string;
  description?: string;
  fields?: Array<{ name: string; value: string }>;
  footer?: { text: string };
  author?: { name: string };
}

/** Every piece of text a Discord message carries (what counts toward its limits). */
export function messageText(m: Pick<FakeMessage, 'content' | 'embeds'>): string {
  const parts = [m.content];
  for (const e of m.embeds as EmbedLike[]) {
    parts.push(e.author?.name ?? '', e.title ?? '', e.description ?? '');
    for (const f of e.fields ?? []) parts.push(f.name, f.value);
    parts.push(e.footer?.text ?? '');
  }
  return parts.filter(Boolean).join('\n');
}

const unescaped = (re: string) => new RegExp(`(?<!\\\\)${re}`, 'g');

/**
 * What in a sent message would notify someone, as Discord decides it: mentions in `content` ping
 * only the kinds `allowed_mentions.parse` lists (everything when it is absent); and links made from
 * text: unescaped masked links or bare URLs in content or descriptions (sources are linked in
 * fields by design, from checked http(s) URLs).
 */
export function discordPings(raw: unknown): string[] {
  const body = raw as { content?: string; embeds?: EmbedLike[]; allowed_mentions?: { parse?: string[] } };
  const parse = body.allowed_mentions ? (body.allowed_mentions.parse ?? []) : ['everyone', 'users', 'roles'];
  const content = body.content ?? '';
  const found: string[] = [];
  if (parse.includes('everyone')) found.push(...(content.match(/@(everyone|here)/g) ?? []));
  if (parse.includes('users')) found.push(...(content.match(unescaped('<@!?\\d+>')) ?? []));
  if (parse.includes('roles')) found.push(...(content.match(unescaped('<@&\\d+>')) ?? []));
  for (const text of [content, ...(body.embeds ?? []).map((e) => e.description ?? '')]) {
    found.push(...(text.match(unescaped('\\[[^\\]]*\\]\\([^)]*\\)')) ?? []));
    found.push(...(text.match(/\bhttps?:\/\/\S+/g) ?? []));
  }
  return found;
}
