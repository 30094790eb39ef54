/**
 * Untrusted text (article titles, summaries, source names, questions) in Slack mrkdwn.
 *
 * Slack only pings or links through its angle-bracket syntax (`<!channel>`, `<!here>`, `<!everyone>`,
 * `<@U…>`, `<!subteam^…>`, `<url|label>`); escaping `&`, `<` and `>` makes every one of them inert
 * text. Messages are never sent with `link_names`, and mrkdwn text objects are `verbatim`, so plain
 * `@channel` or a bare URL is not turned into a mention or a link either.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function escapeText(s: string): string {
  return s.replace(CONTROL, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link label: escaped, on one line, without the `|` that would end the URL part early. */
function escapeLabel(s: string): string {
  return escapeText(s)
    .replace(/[\r\n]+/g, ' ')
    .replace(/\|/g, '¦');
}

/**
 * An http(s) URL safe to put inside `<…|…>`: anything else (javascript:, slack://, mailto:, a
 * mention in disguise) is refused, and the characters that end Slack's link syntax are percent-encoded.
 */
export function safeUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password) return null;
  return url.href.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
}

/** `<url|label>` when the URL is safe, else the escaped label alone. */
export function link(url: string | null | undefined, label: string): string {
  const href = safeUrl(url);
  return href ? `<${href}|${escapeLabel(label)}>` : escapeLabel(label);
}

/** Cuts text to `max` characters without splitting an escape (`&amp;`) or a link in half. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, Math.max(0, max - 1));
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  const open = cut.lastIndexOf('<');
  if (open >= 0 && !cut.slice(open).includes('>')) cut = cut.slice(0, open);
  return `${cut}…`;
}
