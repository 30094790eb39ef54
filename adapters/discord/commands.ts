import {
  InteractionContextType,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
  SlashCommandBuilder,
} from 'discord.js';
import { TradewireError } from '../../src/errors.ts';
import { mapRestError } from './rest-client.ts';

/**
 * The one definition of `/trade`, registered by `tradewire discord register` and read by the
 * interaction handlers. `digest` is a subcommand group (`now`, `at`, `off`) rather than one
 * subcommand with a `mode` option: Discord then requires `time` exactly where it means something
 * (`at`), offers no irrelevant options for `now`/`off`, and shows each form with its own help line.
 */
export const COMMAND_NAME = 'trade';

export function tradeCommand(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return new SlashCommandBuilder()
    .setName(COMMAND_NAME)
    .setDescription('Trade news: questions, digests and keyword watches')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName('ask')
        .setDescription('Ask a question; the answer cites stored articles')
        .addStringOption((o) =>
          o.setName('question').setDescription('Your question').setRequired(true).setMaxLength(500),
        ),
    )
    .addSubcommandGroup((g) =>
      g
        .setName('digest')
        .setDescription('This channel’s digest')
        .addSubcommand((s) => s.setName('now').setDescription('Post a digest here now'))
        .addSubcommand((s) =>
          s
            .setName('at')
            .setDescription('Post a digest here every day at a time')
            .addStringOption((o) =>
              o.setName('time').setDescription('HH:MM, 24-hour').setRequired(true).setMaxLength(5),
            )
            .addStringOption((o) =>
              o.setName('timezone').setDescription('IANA timezone, e.g. Europe/Berlin').setMaxLength(64),
            ),
        )
        .addSubcommand((s) => s.setName('off').setDescription('Stop this channel’s scheduled digest')),
    )
    .addSubcommand((s) =>
      s
        .setName('watch')
        .setDescription('Alert this channel when a story matches a query')
        .addStringOption((o) =>
          o
            .setName('query')
            .setDescription('Words, "phrases", AND/OR/NOT, country:CN, source:…')
            .setRequired(true)
            .setMaxLength(300),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName('unwatch')
        .setDescription('Remove one of this channel’s watches')
        .addStringOption((o) =>
          o.setName('id').setDescription('The watch').setRequired(true).setAutocomplete(true),
        ),
    )
    .addSubcommand((s) => s.setName('watches').setDescription('List this channel’s watches'))
    .addSubcommand((s) => s.setName('sources').setDescription('List the sources stored so far'))
    .addSubcommand((s) => s.setName('help').setDescription('How to use /trade'))
    .toJSON();
}

export interface RegisterResult {
  scope: 'guild' | 'global';
  applicationId: string;
  guildId: string | null;
  commands: string[];
}

/**
 * Registers `/trade` with a bulk overwrite (idempotent: running it again replaces the same command).
 * A guild registration updates at once; a global one takes a while to reach every server.
 */
export async function registerCommands(
  rest: REST,
  opts: { applicationId: string | undefined; guildId?: string | undefined },
): Promise<RegisterResult> {
  let applicationId = opts.applicationId;
  try {
    applicationId ??= ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  } catch (err) {
    throw mapRestError(err, 'reading the application id');
  }
  if (!/^\d+$/.test(applicationId)) {
    throw new TradewireError('config/invalid', `DISCORD_APPLICATION_ID "${applicationId}" is not an id`);
  }
  const route = opts.guildId
    ? Routes.applicationGuildCommands(applicationId, opts.guildId)
    : Routes.applicationCommands(applicationId);
  let saved: Array<{ name: string }>;
  try {
    saved = (await rest.put(route, { body: [tradeCommand()] })) as Array<{ name: string }>;
  } catch (err) {
    throw mapRestError(err, 'registering slash commands');
  }
  return {
    scope: opts.guildId ? 'guild' : 'global',
    applicationId,
    guildId: opts.guildId ?? null,
    commands: saved.map((c) => c.name),
  };
}
