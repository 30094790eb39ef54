/**
 * What Slack would turn into a notification or a link in a posted message (its `chat.postMessage`
 * arguments): any `<!…>`, `<@…>`, `<#…>` token, a link to anything but http(s), and `link_names` or
 * `parse=full` (which would make a plain `@channel` ping). Empty for a harmless message.
 */
export function slackPings(raw: unknown): string[] {
  const sent = raw as Record<string, unknown>;
  const found: string[] = [];
  if (sent.link_names === true || sent.link_names === 'true' || sent.link_names === '1')
    found.push('link_names');
  if (sent.parse === 'full') found.push('parse=full');
  const text = JSON.stringify([sent.text, sent.blocks]);
  for (const m of text.matchAll(/<([^<>]*)>/g)) {
    if (!/^https?:\/\/[^\s|<>]+\|[^<>|]*$/.test(m[1]!)) found.push(m[0]);
  }
  return found;
}
