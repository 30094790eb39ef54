import type { webApi } from '@slack/bolt';
import { readMark } from './delivery-metadata.ts';

type HistoryMessage = {
  ts?: string;
  thread_ts?: string;
  reply_count?: number;
  latest_reply?: string;
  metadata?: { event_type?: string; event_payload?: unknown };
};

/** Threads whose replies are also searched (answers are posted in threads, which history omits). */
const THREADS_SEARCHED = 10;

export interface FoundParts {
  /** ts of each part found, by part index; holes are parts never posted. */
  parts: Array<string | undefined>;
  total: number;
  /** The thread the parts were posted in, when they are replies. */
  threadTs: string | undefined;
}

/**
 * Reads back the channel's recent history (with metadata) and the replies of its most recently active
 * threads, collecting the messages marked with `deliveryId`.
 */
export async function findDeliveryParts(
  client: webApi.WebClient,
  channel: string,
  deliveryId: string,
  pages: number,
): Promise<FoundParts | null> {
  const found: FoundParts = { parts: [], total: 0, threadTs: undefined };
  const threads: HistoryMessage[] = [];
  const collect = (msgs: HistoryMessage[]): void => {
    for (const msg of msgs) {
      const mark = readMark(msg);
      if (!mark || mark.deliveryId !== deliveryId || !msg.ts) continue;
      found.parts[mark.part] = msg.ts;
      found.total = mark.parts;
      if (msg.thread_ts && msg.thread_ts !== msg.ts) found.threadTs = msg.thread_ts;
    }
  };
  let cursor: string | undefined;
  for (let page = 0; page < pages; page++) {
    const res = await client.conversations.history({
      channel,
      include_all_metadata: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    const msgs = (res.messages ?? []) as HistoryMessage[];
    collect(msgs);
    threads.push(...msgs.filter((m) => (m.reply_count ?? 0) > 0));
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor || !res.has_more) break;
  }
  if (found.total > 0 && complete(found)) return found;
  threads.sort((a, b) => Number(b.latest_reply ?? 0) - Number(a.latest_reply ?? 0));
  for (const parent of threads.slice(0, THREADS_SEARCHED)) {
    const res = await client.conversations.replies({
      channel,
      ts: parent.ts!,
      include_all_metadata: true,
      limit: 200,
    });
    collect(((res.messages ?? []) as HistoryMessage[]).filter((m) => m.ts !== parent.ts));
    if (found.total > 0 && complete(found)) return found;
  }
  return found.total > 0 ? found : null;
}

export function complete(f: FoundParts): boolean {
  for (let i = 0; i < f.total; i++) if (!f.parts[i]) return false;
  return true;
}
