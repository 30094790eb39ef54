/**
 * `ChatRequest.replyRef` for Discord: the interaction's application id and token, and when the
 * interaction arrived. The token edits the deferred reply for 15 minutes; after that the answer is
 * posted as an ordinary message.
 */

/** Discord's interaction token lifetime, less a margin for a request in flight. */
export const INTERACTION_TOKEN_MS = 15 * 60_000 - 30_000;

export interface ReplyRef {
  applicationId: string;
  token: string;
  issuedAt: number;
}

export function encodeReplyRef(r: ReplyRef): string {
  return `discord-interaction:${r.applicationId}:${r.issuedAt}:${r.token}`;
}

export function decodeReplyRef(raw: string): ReplyRef | null {
  const m = /^discord-interaction:(\d+):(\d+):(.+)$/.exec(raw);
  if (!m) return null;
  return { applicationId: m[1]!, issuedAt: Number(m[2]), token: m[3]! };
}

export function replyRefUsable(r: ReplyRef, now = Date.now()): boolean {
  return now - r.issuedAt < INTERACTION_TOKEN_MS;
}
