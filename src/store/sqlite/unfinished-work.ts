import type { DeliveryKind } from '../../domain.ts';
import type { PendingDelivery, UnfinishedCounts, UnsettledDelivery } from '../unfinished.ts';
import type { SqliteConnection } from './connection.ts';

/** The SQLite side of UnfinishedWorkStore (see ../unfinished.ts); SqliteStore delegates here. */

type Row = Record<string, unknown>;

const UNSUMMARISED = 'summary_version < wanted_summary_version';
const UNALERTED =
  'summary_version > 0 AND summary_version = wanted_summary_version AND matched_version < summary_version';
const UNSETTLED = "status IN ('pending', 'rate-limited')";

export function recordPendingDeliveries(conn: SqliteConnection, entries: readonly PendingDelivery[]): void {
  const ts = new Date().toISOString();
  const insert = conn.statement(
    `INSERT INTO deliveries (id, channel, kind, status, story_ids, watch_id, created_at, updated_at, request)
       VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET request = excluded.request WHERE deliveries.request IS NULL`,
  );
  for (const { claim, request } of entries) {
    insert.run(
      claim.id,
      claim.channel,
      claim.kind,
      JSON.stringify(claim.storyIds),
      claim.watchId ?? null,
      ts,
      ts,
      JSON.stringify(request ?? null),
    );
  }
}

export function markStoryMatched(conn: SqliteConnection, storyId: string, version: number): void {
  conn
    .statement('UPDATE stories SET matched_version = ? WHERE id = ? AND matched_version < ?')
    .run(version, storyId, version);
}

export function unfinishedCounts(conn: SqliteConnection): UnfinishedCounts {
  const n = (sql: string) => Number((conn.statement(sql).get() as Row).n);
  return {
    unsummarised: n(`SELECT count(*) AS n FROM stories WHERE ${UNSUMMARISED}`),
    unalerted: n(`SELECT count(*) AS n FROM stories WHERE ${UNALERTED}`),
    unsettled: n(`SELECT count(*) AS n FROM deliveries WHERE ${UNSETTLED}`),
  };
}

export function unsummarisedStories(
  conn: SqliteConnection,
  limit: number,
): Array<{ storyId: string; version: number }> {
  const rows = conn
    .statement(
      `SELECT id, wanted_summary_version AS v FROM stories WHERE ${UNSUMMARISED} ORDER BY seq LIMIT ?`,
    )
    .all(limit) as Row[];
  return rows.map((r) => ({ storyId: String(r.id), version: Number(r.v) }));
}

export function unalertedStories(
  conn: SqliteConnection,
  limit: number,
): Array<{ storyId: string; version: number }> {
  const rows = conn
    .statement(`SELECT id, summary_version AS v FROM stories WHERE ${UNALERTED} ORDER BY seq LIMIT ?`)
    .all(limit) as Row[];
  return rows.map((r) => ({ storyId: String(r.id), version: Number(r.v) }));
}

export function unsettledDeliveries(conn: SqliteConnection, limit: number): UnsettledDelivery[] {
  const rows = conn
    .statement(
      `SELECT id, channel, kind, status, attempts, request, updated_at FROM deliveries WHERE ${UNSETTLED}
       ORDER BY created_at, id LIMIT ?`,
    )
    .all(limit) as Row[];
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
