import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDiscordCommands } from '../../../adapters/discord/register-cli.ts';
import { loadConfig } from '../../../src/config.ts';
import { FakeDiscord } from '../../fakes/discord.ts';
import { runCli, tempDir } from '../../helpers/cli.ts';

/** CLI subprocesses start slowly on a loaded machine. */
const SLOW = 120_000;

let fake: FakeDiscord;
beforeAll(async () => {
  fake = await FakeDiscord.start();
});
afterAll(async () => fake?.close());

const env = () => ({
  TRADEWIRE_DATA_DIR: tempDir(),
  DISCORD_TOKEN: 'fake-bot-token',
  DISCORD_API_URL: fake.apiUrl,
});

interface Option {
  name: string;
  type: number;
  options?: Option[];
  autocomplete?: boolean;
  required?: boolean;
}

describe('tradewire discord register', () => {
  it(
    'registers /trade in a guild from the one definition, reading the application id from the API',
    async () => {
      const r = await runCli(['discord', 'register', '--guild', fake.guildId, '--json'], env());
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        scope: 'guild',
        applicationId: fake.applicationId,
        guildId: fake.guildId,
        commands: ['trade'],
      });
      const [cmd] = fake.commands.get(`guild:${fake.guildId}`) as Array<{ name: string; options: Option[] }>;
      expect(cmd!.name).toBe('trade');
      const byName = new Map(cmd!.options.map((o) => [o.name, o]));
      expect([...byName.keys()].sort()).toEqual([
        'ask',
        'digest',
        'help',
        'sources',
        'unwatch',
        'watch',
        'watches',
      ]);
      expect(byName.get('digest')!.type).toBe(2);
      expect(byName.get('digest')!.options!.map((o) => o.name)).toEqual(['now', 'at', 'off']);
      expect(byName.get('unwatch')!.options![0]).toMatchObject({
        name: 'id',
        autocomplete: true,
        required: true,
      });
      expect(byName.get('ask')!.options![0]).toMatchObject({ name: 'question', type: 3, required: true });
    },
    SLOW,
  );

  it(
    'registers globally without --guild; running it again overwrites the same command',
    async () => {
      const e = { ...env(), DISCORD_APPLICATION_ID: fake.applicationId };
      const r = await runCli(['discord', 'register'], e);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('registered /trade globally');
      const first = fake.commands.get('global');
      // The second run in-process (a CLI start costs seconds here): the same bulk overwrite.
      const again = await registerDiscordCommands(loadConfig(e), {});
      expect(again).toMatchObject({ scope: 'global', commands: ['trade'] });
      expect(fake.commands.get('global')).toHaveLength(1);
      expect(fake.commands.get('global')).not.toBe(first);
    },
    SLOW,
  );

  it(
    'without a token it is one clear line',
    async () => {
      const r = await runCli(['discord', 'register'], { TRADEWIRE_DATA_DIR: tempDir(), DISCORD_TOKEN: '' });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('needs DISCORD_TOKEN');
    },
    SLOW,
  );
});
