import type { DeliveryKind } from '../../domain.ts';
import type { PendingDelivery, UnfinishedCounts, UnsettledDelivery } from '../unfinished.ts';
import type { PgConnection } from './connection.ts';

/** The PostgreSQL side of UnfinishedWorkStore (see ../unfinished.ts); PostgresStore delegates here. */

const UNSUMMARISED = 'summary_version < wanted_summary_version';
const UNALERTED =
  'summary_version > 0 AND summary_version = wanted_summary_version AND matched_version < summary_version';
const UNSETTLED = "status IN ('pending', 'rate-limited')";

export async function recordPendingDeliveries(
  conn: PgConnection,
  entries: readonly PendingDelivery[],
): Promise<void> {
  if (entries.length === 0) return;
  const ts = new Date().toISOString();
  await conn.tx(async (c) => {
    for (const { claim, request } of entries) {
      await c.query(
        `INSERT INTO deliveries (id, channel, kind, status, story_ids, watch_id, created_at, updated_at, request)
           VALUES ($1, $2, $3, 'pending', $4, $5, $6, $6, $7)
         ON CONFLICT (id) DO UPDATE SET request = excluded.request WHERE deliveries.request IS NULL`,
        [
          claim.id,
          claim.channel,
          claim.kind,
          JSON.stringify(claim.storyIds),
          claim.watchId ?? null,
          ts,
          JSON.stringify(request ?? null),
        ],
      );
    }
  });
}

export async function markStoryMatched(conn: PgConnection, storyId: string, version: number): Promise<void> {
  await conn.query('UPDATE stories SET matched_version = $1 WHERE id = $2 AND matched_version < $1', [
    version,
    storyId,
  ]);
}

export async function unfinishedCounts(conn: PgConnection): Promise<UnfinishedCounts> {
  const [r] = await conn.query(
    `SELECT (SELECT count(*) FROM stories WHERE ${UNSUMMARISED}) AS s,
            (SELECT count(*) FROM stories WHERE ${UNALERTED}) AS a,
            (SELECT count(*) FROM deliveries WHERE ${UNSETTLED}) AS d`,
  );
  return { unsummarised: Number(r!.s), unalerted: Number(r!.a), unsettled: Number(r!.d) };
}

export async function unsummarisedStories(
  conn: PgConnection,
  limit: number,
): Promise<Array<{ storyId: string; version: number }>> {
  const rows = await conn.query(
    `SELECT id, wanted_summary_version AS v FROM stories WHERE ${UNSUMMARISED} ORDER BY seq LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ storyId: String(r.id), version: Number(r.v) }));
}

export async function unalertedStories(
  conn: PgConnection,
  limit: number,
): Promise<Array<{ storyId: string; version: number }>> {
  const rows = await conn.query(
    `SELECT id, summary_version AS v FROM stories WHERE ${UNALERTED} ORDER BY seq LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ storyId: String(r.id), version: Number(r.v) }));
}

export async function unsettledDeliveries(conn: PgConnection, limit: number): Promise<UnsettledDelivery[]> {
  const rows = await conn.query(
    `SELECT id, channel, kind, status, attempts, request, updated_at FROM deliveries WHERE ${UNSETTLED}
     ORDER BY created_at, id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    id: String(r.id),
    channel: String(r.channel),
    kind: String(r.kind) as DeliveryKind,
    status: String(r.status) as UnsettledDelivery['status'],
    attempts: Number(r.attempts),
    request:
      r.request === null || r.request === undefined ? null : (JSON.parse(String(r.request)) as unknown),
    updatedAt: String(r.updated_at),
  }));
}
