/**
 * One delivery to Discord in its own process, as a `deliver-discord` worker makes it:
 *   node --import tsx deliver-once.ts <dbFile> <apiUrl> <requestJson> <leaseMs>
 * The test SIGKILLs this process from the fake the moment the message is created, before the
 * response (and so before the ledger records it): a worker dying between posting and acking.
 */
import { DiscordPlatform } from '../../../adapters/discord/discord-platform.ts';
import { deliver } from '../../../src/delivery/deliver.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { discordSettings } from './settings.ts';

const [db, apiUrl, request, lease] = process.argv.slice(2);
if (!db || !apiUrl || !request || !lease)
  throw new Error('usage: deliver-once.ts <db> <apiUrl> <json> <leaseMs>');
const store = new SqliteStore(db);
const platform = new DiscordPlatform(discordSettings(apiUrl));
const out = await deliver(store, platform, JSON.parse(request), { leaseMs: Number(lease) });
process.stdout.write(`${JSON.stringify(out)}\n`);
await store.close();
