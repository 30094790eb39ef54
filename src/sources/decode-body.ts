/**
 * A fetched body as text, in the charset the response declares: the Content-Type `charset`, else an
 * XML declaration's `encoding`, else an HTML `<meta charset>`; UTF-8 when none is given or the label
 * is unknown. Malformed bytes become U+FFFD rather than failing the whole feed.
 */
export function decodeBody(body: Buffer, contentType: string | undefined): string {
  const head = body.subarray(0, 1024).toString('latin1');
  const label =
    /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1] ??
    /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1] ??
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ??
    'utf-8';
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(body);
}
