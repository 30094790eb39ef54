/**
 * Untrusted text (article titles, summaries, quotes, questions) made inert for Discord: no markdown,
 * no masked links, no auto-linked URLs, no mentions, no control or bidi characters. Every message is
 * also sent with `allowed_mentions: { parse: [] }`; this makes the text itself harmless too, so a
 * quoted, copied or edited message cannot ping anyone either.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const ZWSP = '\u200b';

/** Markdown that acts anywhere in a line: emphasis, code, spoilers, masked links, `<…>` mentions/emoji/timestamps. */
const INLINE = /[\\*_~`|[\]<>]/g;
/** Markdown that acts only at the start of a line: quotes, headings, subtext, lists. */
const LINE_START = /^(\s*)([>#-]|\d+\.)/gm;

export function escapeText(raw: string): string {
  return (
    raw
      .replace(CONTROL, '')
      .replace(INLINE, (c) => `\\${c}`)
      .replace(LINE_START, (_m, ws: string, mark: string) => `${ws}\\${mark}`)
      // `@everyone`, `@here` and role/user pings typed as text: a zero-width space breaks the token.
      .replace(/@(everyone|here)/gi, `@${ZWSP}$1`)
      // Bare URLs auto-link in Discord; breaking the scheme separator keeps them readable but inert.
      .replace(/([a-z][a-z0-9+.-]*):\/\//gi, `$1:${ZWSP}//`)
      // Invite shorthand (discord.gg/…) auto-links without a scheme.
      .replace(/\b(discord(?:app)?\.(?:gg|com|me))\//gi, `$1${ZWSP}/`)
  );
}

/** One line of untrusted text (titles, field names): newlines become spaces. */
export function escapeLine(raw: string): string {
  return escapeText(raw.replace(/\s*[\r\n]+\s*/g, ' ').trim());
}

/**
 * Cuts text to `max` characters on a character boundary, ending with `…` when it was cut. Cutting
 * never leaves half of a backslash escape, so the result is still inert.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  // Do not end on a lone high surrogate or an escaping backslash.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const trailing = /\\+$/.exec(cut)?.[0].length ?? 0;
  if (trailing % 2 === 1) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * A link target Discord may show: http(s) only, with characters that could close a markdown link
 * (or open a new one) percent-encoded. Anything else yields null and is shown without a link.
 */
export function safeUrl(raw: string | null): string | null {
  if (!raw) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.username || u.password) return null;
  const href = u.href.replace(/[()<>[\]\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return href.length <= 512 ? href : null;
}
