import { createHmac } from 'node:crypto';

/**
 * Inbound Slack requests, built and signed exactly as Slack does: `X-Slack-Signature` is `v0=` + hex
 * HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the signing secret.
 */
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export function sign(
  body: string,
  secret = SIGNING_SECRET,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const sig = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${sig}` };
}

export interface Signed {
  body: string;
  contentType: string;
}

export function commandFields(o: {
  text: string;
  channel: string;
  user?: string;
  responseUrl: string;
}): Record<string, string> {
  return {
    token: 'deprecated-verification-token',
    team_id: 'TFAKE',
    team_domain: 'fake',
    channel_id: o.channel,
    channel_name: 'trade-news',
    user_id: o.user ?? 'UALICE',
    user_name: 'alice',
    command: '/trade',
    text: o.text,
    api_app_id: 'AFAKE',
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: '1337.42.abcd',
  };
}

export function commandRequest(o: Parameters<typeof commandFields>[0]): Signed {
  return {
    body: new URLSearchParams(commandFields(o)).toString(),
    contentType: 'application/x-www-form-urlencoded',
  };
}

export function eventPayload(event: Record<string, unknown>): Record<string, unknown> {
  return {
    token: 'deprecated-verification-token',
    team_id: 'TFAKE',
    api_app_id: 'AFAKE',
    event: { event_ts: event.ts, ...event },
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'TFAKE', user_id: 'UTRADEBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

export function eventRequest(event: Record<string, unknown>): Signed {
  return { body: JSON.stringify(eventPayload(event)), contentType: 'application/json' };
}

export function buttonPayload(o: {
  channel: string;
  user?: string;
  actionId: string;
  value: string;
  responseUrl: string;
  messageTs: string;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: o.user ?? 'UALICE', username: 'alice', team_id: 'TFAKE' },
    api_app_id: 'AFAKE',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: o.messageTs, channel_id: o.channel, is_ephemeral: false },
    trigger_id: '1337.42.abcd',
    team: { id: 'TFAKE', domain: 'fake' },
    channel: { id: o.channel, name: 'trade-news' },
    message: { type: 'message', ts: o.messageTs, text: 'alert' },
    response_url: o.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: o.actionId,
        block_id: 'b1',
        value: o.value,
        text: { type: 'plain_text', text: 'Stop this watch' },
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
}

export function buttonRequest(o: Parameters<typeof buttonPayload>[0]): Signed {
  return {
    body: new URLSearchParams({ payload: JSON.stringify(buttonPayload(o)) }).toString(),
    contentType: 'application/x-www-form-urlencoded',
  };
}

/** POSTs a request to the app's events endpoint, signed (or forged / stale as the test asks). */
export async function postSigned(
  url: string,
  r: Signed,
  opts: { secret?: string; timestamp?: number } = {},
): Promise<{ status: number; body: string; ms: number }> {
  const t0 = Date.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': r.contentType, ...sign(r.body, opts.secret, opts.timestamp) },
    body: r.body,
  });
  return { status: res.status, body: await res.text(), ms: Date.now() - t0 };
}
