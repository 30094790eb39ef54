import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { runCli, tempDir } from '../../helpers/cli.ts';
import { ingestSamples, SAMPLE } from '../../integration/digest/helpers.ts';

/** CLI subprocesses start slowly on a loaded machine. */
const SLOW = 120_000;

describe('tradewire digest --render discord', () => {
  it(
    'prints the Discord message payload, with no token and no network',
    async () => {
      const dir = tempDir('tw-discord-render-');
      const store = new SqliteStore(join(dir, 'tradewire.db'));
      await ingestSamples(store, [SAMPLE.mexicoSteel, SAMPLE.ukSanctions, SAMPLE.canadaSteel]);
      await store.close();
      const r = await runCli(
        ['digest', '--render', 'discord', '--since', '2026-11-01', '--until', '2026-12-01'],
        // An unreachable API base: rendering must not touch it.
        { TRADEWIRE_DATA_DIR: dir, DISCORD_TOKEN: '', DISCORD_API_URL: 'http://127.0.0.1:9/api' },
      );
      expect(r.code, r.stderr).toBe(0);
      const payload = JSON.parse(r.stdout) as {
        content: string;
        embeds: Array<{ title: string; fields: Array<{ value: string }> }>;
        allowed_mentions: unknown;
      };
      expect(payload.allowed_mentions).toEqual({ parse: [] });
      expect(payload.content).toMatch(/^\*\*Trade digest — /);
      expect(payload.embeds.map((e) => e.title)).toEqual(
        expect.arrayContaining([expect.stringMatching(/Mexico raises tariff on steel imports/)]),
      );
      expect(payload.embeds[0]!.fields[0]!.value).toMatch(/^\[[^\]]+\]\(https:\/\/[^)]+\) · 2026-11-\d\d$/);
    },
    SLOW,
  );
});
