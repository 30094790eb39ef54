import type { Config } from '../../src/config.ts';
import { TradewireError } from '../../src/errors.ts';
import { type RegisterResult, registerCommands } from './commands.ts';
import { createRest } from './rest-client.ts';

/** `tradewire discord register [--guild ID]`: registers `/trade` from its one definition. */
export async function registerDiscordCommands(
  config: Config,
  opts: { guild?: string | undefined },
): Promise<RegisterResult> {
  if (!config.discord.token) {
    throw new TradewireError('config/invalid', 'registering Discord commands needs DISCORD_TOKEN', {
      hint: 'set DISCORD_TOKEN (and DISCORD_APPLICATION_ID) in the environment or .env',
    });
  }
  if (opts.guild !== undefined && !/^\d{5,25}$/.test(opts.guild)) {
    throw new TradewireError('cli/usage', `--guild "${opts.guild}" is not a server id`, {
      hint: 'enable Developer Mode in Discord, then right-click the server → Copy Server ID',
    });
  }
  const rest = createRest(config.discord, { reject: false });
  return registerCommands(rest, { applicationId: config.discord.applicationId, guildId: opts.guild });
}

export function describeRegistration(r: RegisterResult): string {
  return r.scope === 'guild'
    ? `registered /${r.commands.join(', /')} in server ${r.guildId} (available now)`
    : `registered /${r.commands.join(', /')} globally for application ${r.applicationId} (may take up to an hour to appear everywhere)`;
}
