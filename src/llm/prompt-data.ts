/**
 * Untrusted text (articles, questions, story summaries) goes into prompts inside tagged blocks such as
 * `<article …>…</article>`. No `<` or `>` may survive in it, so it can never close or open a block,
 * and attribute values are quoted and escaped.
 */
export function escapeData(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function unescapeData(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** An attribute value: one line, at most `max` characters, quotes and angle brackets escaped. */
export function escapeAttr(value: string, max = 200): string {
  return value
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
