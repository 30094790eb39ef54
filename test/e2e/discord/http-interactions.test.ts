import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionTree, snowflake } from '../../fakes/discord-objects.ts';
import { until } from '../../integration/digest/helpers.ts';
import { type DiscordRun, startDiscordRun } from './app-harness.ts';

/**
 * `POST /discord/interactions` for deployments without a gateway: Discord signs each request with
 * the app's Ed25519 key. Here the test holds the private key and plays Discord.
 */
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const rawPublicKey = (k: KeyObject) =>
  k.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');

let run: DiscordRun;
let channelId: string;
beforeAll(async () => {
  run = await startDiscordRun({ DISCORD_PUBLIC_KEY: rawPublicKey(publicKey), DISCORD_GATEWAY: 'false' });
  channelId = run.fake.addChannel('http').id;
});
afterAll(async () => run?.close());

function signed(body: string, key = privateKey, timestamp = String(Math.floor(Date.now() / 1000))) {
  const signature = sign(null, Buffer.from(timestamp + body), key).toString('hex');
  return {
    'x-signature-ed25519': signature,
    'x-signature-timestamp': timestamp,
    'content-type': 'application/json',
  };
}

const post = (body: string, headers: Record<string, string>) =>
  fetch(`${run.baseUrl}/discord/interactions`, { method: 'POST', headers, body });

/** A `/trade` interaction as Discord sends it over HTTP, registered with the fake so its webhook works. */
function command(path: string[], options: Record<string, string> = {}): { body: string; token: string } {
  const i = run.fake.httpInteraction(channelId);
  const body = JSON.stringify({
    id: i.id,
    application_id: run.fake.applicationId,
    type: 2,
    token: i.token,
    version: 1,
    guild_id: run.fake.guildId,
    channel_id: channelId,
    channel: { id: channelId, type: 0 },
    member: { user: { id: '400000000000000001', username: 'analyst' } },
    data: { id: snowflake(), name: 'trade', type: 1, options: optionTree({ path, options, channelId }) },
  });
  return { body, token: i.token };
}

describe('Discord HTTP interactions endpoint', () => {
  it('does not connect to the gateway when DISCORD_GATEWAY=false', () => {
    expect(run.fake.gateway.identified).toEqual([]);
  });

  it('answers a signed PING with PONG', async () => {
    const body = JSON.stringify({
      id: snowflake(),
      application_id: run.fake.applicationId,
      type: 1,
      token: 't',
      version: 1,
    });
    const res = await post(body, signed(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 1 });
  });

  it('refuses a bad signature, another key’s, a tampered body, a missing header and a stale replay with 401', async () => {
    const body = JSON.stringify({ type: 1 });
    const good = signed(body);
    const other = generateKeyPairSync('ed25519').privateKey;
    const cases: Array<[string, Record<string, string>]> = [
      [body, { ...good, 'x-signature-ed25519': '00'.repeat(64) }],
      [body, signed(body, other)],
      [body.replace('1', '2'), good],
      [body, { 'content-type': 'application/json', 'x-signature-timestamp': good['x-signature-timestamp'] }],
      // Correctly signed, but captured ten minutes ago: a replay.
      [body, signed(body, privateKey, String(Math.floor(Date.now() / 1000) - 600))],
    ];
    for (const [b, h] of cases) expect((await post(b, h)).status).toBe(401);
  });

  it('a signed /trade watch is deferred in the response and handled through the use cases', async () => {
    const { body, token } = command(['watch'], { query: 'soybean tariffs' });
    const res = await post(body, signed(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 5, data: {} });
    const edit = await until('the reply edit', async () => run.fake.interactions.get(token)?.edits[0]);
    const [watch] = await run.app.store.listWatches(`discord:${channelId}`);
    expect(watch?.query).toBe('soybean tariffs');
    expect(edit.content).toContain(watch!.id);
    expect(edit.allowed_mentions).toEqual({ parse: [] });
  });

  it('help is private to the person asking (ephemeral deferral)', async () => {
    const { body } = command(['help']);
    const res = await post(body, signed(body));
    expect(await res.json()).toEqual({ type: 5, data: { flags: 64 } });
  });
});
