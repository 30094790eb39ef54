import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig, readEnv } from '../config.ts';
import { describeError, type ErrorCode, TradewireError } from '../errors.ts';
import type { App } from './app.ts';
// Command modules (and through them BullMQ, SQLite, the LLM client) load inside each action, so
// `tradewire --help` starts fast; only the light registration helpers load eagerly.
import { registerFeedCommands } from './commands/feeds.ts';
import { registerScheduleCommands, registerWatchCommands } from './commands/manage.ts';
// Type only (erased): run.ts itself loads inside its action.
import type { Role } from './commands/run.ts';

/**
 * `tradewire` — every command takes --data-dir; with --json, stdout carries exactly one JSON
 * document and everything else (progress, logs, console-channel echoes) goes to stderr.
 */

interface Common {
  dataDir?: string;
  json?: boolean;
}

/** Errors in what the user typed (arguments, option values, queries): exit status 2, like commander's own. */
const USAGE_CODES = new Set<ErrorCode>([
  'cli/usage',
  'ask/empty',
  'query/parse',
  'schedule/invalid',
  'platform/unknown-channel',
  'platform/not-configured',
]);

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/**
 * Opens the app for one command and always closes it. On SIGINT/SIGTERM, `onStop` lets a long-running
 * command end on its own (graceful: workers finish in-flight jobs); otherwise the app is closed and
 * the process exits. A second signal forces the exit.
 */
async function withApp<T>(o: Common, fn: (app: App) => Promise<T>, onStop?: () => void): Promise<T> {
  const { openApp } = await import('./app.ts');
  const app = openApp({ dataDir: o.dataDir, echo: o.json ? process.stderr : process.stdout });
  let closing = false;
  const onSignal = () => {
    if (closing) process.exit(130);
    closing = true;
    process.stderr.write('\nstopping: letting in-flight jobs finish (press Ctrl-C again to force)\n');
    if (onStop) {
      onStop();
      closing = false;
      return;
    }
    void app.close().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(app);
  } finally {
    if (!closing) await app.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const print = (o: Common, json: unknown, text: string) => {
  process.stdout.write(o.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
};

const demoAsk = async (app: App, question: string) => {
  const [{ askCommand }, { DEMO_CHANNEL }] = await Promise.all([
    import('./commands/ask.ts'),
    import('./commands/demo.ts'),
  ]);
  return askCommand(app, question, { channel: DEMO_CHANNEL });
};

export function buildProgram(): Command {
  const program = new Command('tradewire')
    .description(
      'Trade news — tariffs, deals, export controls, sanctions — grouped, summarised and delivered',
    )
    .showHelpAfterError('(run with --help for usage)')
    // Before any subcommand is made, so they inherit it: every usage error reaches main() and exits 2.
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });

  const common = (c: Command) =>
    c
      .addOption(new Option('--data-dir <dir>', 'data directory').env('TRADEWIRE_DATA_DIR'))
      .option('--json', 'print one JSON document on stdout', false);

  common(
    program
      .command('ingest')
      .description(
        'ingest .txt (seed format), .jsonl/.json records, .html pages, directories, or - for stdin',
      )
      .argument('<paths...>', 'files, directories, or - for stdin')
      .option('--no-wait', 'only enqueue: a running `tradewire run` does the rest'),
  ).action(async (paths: string[], o: Common & { wait: boolean }) => {
    const { ingestFiles } = await import('./commands/ingest.ts');
    const report = await withApp(o, (app) => ingestFiles(app, paths, { wait: o.wait }));
    const lines = [
      `${report.new} new, ${report.duplicates} duplicate (${report.joined} joined an existing story), ${report.rejectedCount} rejected`,
      ...report.rejected.map((r) => `rejected ${r.input}: ${r.reason}`),
    ];
    const unlisted = report.rejectedCount - report.rejected.length;
    if (unlisted > 0) lines.push(`… and ${unlisted} more rejected (TRADEWIRE_INGEST_REPORT_REJECTIONS)`);
    if (report.queued !== undefined) lines.unshift(`${report.queued} articles queued`);
    if (report.resumed > 0)
      lines.push(`${report.resumed} stories left unfinished by an interrupted run were finished now`);
    const r = report.reconciled;
    if (r.stories + r.alerts + r.deliveries > 0)
      lines.push(
        `unfinished work found in the store was finished now: ${r.stories} stories summarised, ${r.alerts} matched against watches, ${r.deliveries} deliveries`,
      );
    print(o, report, lines.join('\n'));
    if (report.rejectedCount > 0) process.exitCode = 1;
  });

  common(
    program
      .command('digest')
      .description('build and print a digest of the stories published in a window')
      .option('--channel <id>', 'use this channel’s settings (timezone, filters)')
      .option('--since <date>', 'start of the window (default: 24 h before --until)')
      .option('--until <date>', 'end of the window, exclusive (default: now)')
      .option('--limit <n>', 'at most n stories', positiveInt)
      .addOption(
        new Option('--render <platform>', 'print what a platform would be sent').choices([
          'text',
          'slack',
          'discord',
        ]),
      ),
  ).action(
    async (
      o: Common & { channel?: string; since?: string; until?: string; limit?: number; render?: string },
    ) => {
      const { digestCommand } = await import('./commands/digest.ts');
      await withApp(o, async (app) => {
        const { json, rendered } = await digestCommand(app, o);
        if (rendered !== null && !o.json) {
          process.stdout.write(
            typeof rendered === 'string' ? `${rendered}\n` : `${JSON.stringify(rendered, null, 2)}\n`,
          );
          return;
        }
        const text = json.stories
          .map(
            (s, i) =>
              `${i + 1}. ${s.headline}\n   ${s.summary}\n   sources: ${s.sources.map((x) => x.source).join(', ')}`,
          )
          .join('\n\n');
        print(o, rendered !== null ? { ...json, rendered } : json, text || 'No stories in this window.');
      });
    },
  );

  common(
    program
      .command('demo')
      .description(
        'ingest the sample week, fire watch alerts, post a digest to console:demo, answer a question',
      ),
  ).action(async (o: Common) => {
    const { resetDemoDir, runDemo } = await import('./commands/demo.ts');
    const dataDir = resolve(o.dataDir ?? process.env.TRADEWIRE_DATA_DIR ?? './data', 'demo');
    await resetDemoDir(dataDir);
    // The demo's transcript is the point; per-job info lines would bury it (set the level to see them).
    process.env.TRADEWIRE_LOG_LEVEL ??= 'warn';
    const out = o.json ? process.stderr : process.stdout;
    const report = await withApp({ ...o, dataDir }, (app) => runDemo(app, demoAsk, out));
    print(o, report, `demo data in ${report.dataDir}; channel file ${report.channelFile}`);
  });

  common(
    program
      .command('ask')
      .description('answer a question from stored articles, with numbered citations')
      .argument('<question>')
      .option('--thread <id>', 'continue this conversation (follow-up questions)')
      .option('--channel <id>', 'also post the answer to this channel'),
  ).action(async (question: string, o: Common & { thread?: string; channel?: string }) => {
    const { answerText, askCommand } = await import('./commands/ask.ts');
    await withApp(o, async (app) => {
      const r = await askCommand(app, question, { threadId: o.thread, channel: o.channel });
      print(o, r, answerText(r));
    });
  });

  const hooks = { withApp, print, common };
  registerWatchCommands(program, hooks);
  registerScheduleCommands(program, hooks);
  registerFeedCommands(program, hooks);

  common(
    program
      .command('status')
      .description(
        'Redis and store reachability, unfinished work in the store, queue depths and last errors',
      ),
  ).action(async (o: Common) => {
    const { statusCommand, statusText } = await import('./commands/status.ts');
    await withApp(o, async (app) => {
      const s = await statusCommand(app);
      print(o, s, statusText(s));
      if (!s.ok) process.exitCode = 1;
    });
  });

  common(
    program
      .command('run')
      .description(
        'run workers, digest schedules, the HTTP server and every adapter whose credentials are set',
      )
      .option(
        '--port <n>',
        'HTTP port (default PORT or 3000; a worker or scheduler serves /healthz and /metrics only when given one)',
        (v) => Number.parseInt(v, 10),
      )
      .addOption(
        new Option('--role <role>', 'what this process runs (see README, "Running at scale")')
          .choices(['all', 'worker', 'scheduler', 'adapters'] satisfies Role[])
          .default('all'),
      ),
  ).action(async (o: Common & { port?: number; role: Role }) => {
    const { runService } = await import('./commands/run.ts');
    const stop = new AbortController();
    // Started through a wrapper (npx, a shell script) that was stopped without passing the signal on:
    // when the parent goes, this process is re-parented — stop as if signalled, never serve orphaned.
    const parent = process.ppid;
    const orphaned = setInterval(() => {
      if (process.ppid !== parent) {
        process.stderr.write('tradewire: parent process exited; stopping\n');
        stop.abort();
      }
    }, 1_000);
    orphaned.unref();
    stop.signal.addEventListener('abort', () => clearInterval(orphaned), { once: true });
    await withApp(
      o,
      (app) =>
        runService(app, {
          ...(o.port !== undefined ? { port: o.port } : {}),
          role: o.role,
          signal: stop.signal,
        }),
      () => stop.abort(),
    );
  });

  const discord = program.command('discord').description('Discord set-up');
  common(
    discord
      .command('register')
      .description('register the /trade slash command (a guild: at once; otherwise globally)')
      .option('--guild <id>', 'register in this server only (updates at once)'),
  ).action(async (o: Common & { guild?: string }) => {
    const { registerDiscordCommands, describeRegistration } = await (await import('./app.ts')).discordSetup();
    const r = await registerDiscordCommands(loadConfig(readEnv()), { guild: o.guild });
    print(o, r, describeRegistration(r));
  });

  common(
    program
      .command('resummarise')
      .description('re-summarise with the LLM the stories summarised offline while it was failing')
      .option('--since <date>', 'only stories published at or after this date')
      .option('--no-wait', 'only enqueue: a running `tradewire run` does the rest'),
  ).action(async (o: Common & { since?: string; wait: boolean }) => {
    const since = o.since === undefined ? undefined : Date.parse(o.since);
    if (since !== undefined && Number.isNaN(since)) {
      throw new TradewireError('cli/usage', `--since is not a date: ${o.since}`);
    }
    const { resummariseFallbacks } = await import('../usecases/resummarise.ts');
    const report = await withApp(o, (app) => {
      if (!app.llm)
        throw new TradewireError('cli/usage', 'no LLM is configured (OPENAI_API_KEY or OPENAI_BASE_URL)');
      return resummariseFallbacks(app.deps, {
        wait: o.wait,
        ...(since === undefined ? {} : { since: new Date(since).toISOString() }),
      });
    });
    print(o, report, `${report.queued} stories ${o.wait ? 're-summarised' : 'queued for re-summarising'}`);
    if (report.failed > 0) process.exitCode = 1;
  });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help')
      return;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`tradewire: ${describeError(err)}\n`);
    if (process.env.TRADEWIRE_DEBUG) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    process.exitCode = err instanceof TradewireError && USAGE_CODES.has(err.code) ? 2 : 1;
  }
}
