import type { ServerResponse } from 'node:http';

/** The Slack Web API's wire shapes as the fake records and serves them. */

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> } | undefined;
  thread_ts?: string | undefined;
  user: string;
  bot_id?: string | undefined;
  reply_count?: number;
  latest_reply?: string;
  /** Request fields as sent (link_names, unfurl_links, …). */
  sent: Record<string, unknown>;
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string;
  thread_ts?: string | undefined;
}

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
  status: number;
}

const JSON_FIELDS = new Set(['blocks', 'metadata', 'attachments']);

/** A message as `conversations.history` returns it (metadata only when asked for). */
export function view(m: FakeMessage, withMeta: boolean): Record<string, unknown> {
  const { sent: _sent, metadata, channel: _c, ...rest } = m;
  return { type: 'message', ...rest, ...(withMeta && metadata ? { metadata } : {}) };
}

/** Web API arguments: form-encoded (JSON-valued fields such as `blocks` as JSON strings) or JSON. */
export function parseArgs(raw: string, type: string | undefined): Record<string, unknown> {
  if (type?.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = JSON_FIELDS.has(k) ? JSON.parse(v) : v;
  return out;
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
