import { Writable } from 'node:stream';
import type { Logger as SlackLogger, LogLevel as SlackLogLevel } from '@slack/logger';
import { describe, expect, it } from 'vitest';
import { TradewireError } from '../../../src/errors.ts';
import { chooseLogFormat, createLogger, type LogLevel, libraryLogger } from '../../../src/log.ts';

/** A logger writing into memory, and the lines it wrote. */
function capture(level: LogLevel, format: 'json' | 'pretty' = 'json') {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const log = createLogger(level, { format, out });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, text };
}

describe('JSON log lines', () => {
  it('one JSON object per event: level name, ISO time, message, fields', () => {
    const { log, lines } = capture('info');
    log.info('digest', { channel: 'console:desk', status: 'post', skipped: undefined });
    const [line] = lines();
    expect(line).toMatchObject({ level: 'info', msg: 'digest', channel: 'console:desk', status: 'post' });
    expect(line).not.toHaveProperty('skipped');
    expect(new Date(String(line?.time)).toISOString()).toBe(line?.time);
  });

  it('drops lines below the level; silent writes nothing', () => {
    const info = capture('info');
    info.log.debug('hidden');
    info.log.warn('shown');
    expect(info.lines().map((l) => l.msg)).toEqual(['shown']);
    const silent = capture('silent');
    silent.log.error('nothing');
    expect(silent.text()).toBe('');
  });

  it('a child adds its bindings to every line, and a grandchild adds more', () => {
    const { log, lines } = capture('info');
    const job = log.child({ queue: 'deliver-console', job: 'deliver:alert:w1:s1' });
    job.info('claimed');
    job.child({ delivery: 'alert:w1:s1', channel: 'console:desk' }).warn('delivery failed');
    log.info('root');
    const [a, b, c] = lines();
    expect(a).toMatchObject({ queue: 'deliver-console', job: 'deliver:alert:w1:s1', msg: 'claimed' });
    expect(b).toMatchObject({
      queue: 'deliver-console',
      job: 'deliver:alert:w1:s1',
      delivery: 'alert:w1:s1',
      channel: 'console:desk',
      level: 'warn',
    });
    expect(c).not.toHaveProperty('queue');
  });

  it('an Error logs message and code at info; its stack and cause only at debug', () => {
    const cause = new Error('socket hang up');
    const err = new TradewireError('llm/timeout', 'LLM request timed out (m)', { retryable: true, cause });
    const info = capture('info');
    info.log.warn('job failed, will retry', { err });
    expect(info.lines()[0]?.err).toEqual({ message: 'LLM request timed out (m)', code: 'llm/timeout' });

    const debug = capture('debug');
    debug.log.warn('job failed, will retry', { err });
    const logged = debug.lines()[0]?.err as Record<string, unknown>;
    expect(logged).toMatchObject({ message: err.message, code: 'llm/timeout', type: 'TradewireError' });
    expect(String(logged.stack)).toContain('log.test.ts');
    expect(logged.cause).toMatchObject({ message: 'socket hang up' });
  });

  it('a string err passes through unchanged', () => {
    const { log, lines } = capture('info');
    log.error('worker error', { err: 'Connection is closed.' });
    expect(lines()[0]?.err).toBe('Connection is closed.');
  });
});

describe('format', () => {
  it('pretty on a terminal, JSON on a pipe, unless asked', () => {
    const tty = Object.assign(new Writable(), { isTTY: true });
    const pipe = new Writable();
    expect(chooseLogFormat(undefined, tty)).toBe('pretty');
    expect(chooseLogFormat(undefined, pipe)).toBe('json');
    expect(chooseLogFormat('json', tty)).toBe('json');
    expect(chooseLogFormat('pretty', pipe)).toBe('pretty');
  });

  it('pretty lines are readable text with the fields, not JSON', () => {
    const { log, text } = capture('info', 'pretty');
    log.child({ queue: 'summarise' }).info('summarised', { story: 's1' });
    const out = text();
    expect(out).toMatch(/INFO.*summarised/);
    expect(out).toContain('"queue":"summarise"');
    expect(out).toContain('"story":"s1"');
    expect(() => JSON.parse(out)).toThrow();
  });
});

describe('libraryLogger (the shape @slack/bolt and friends take)', () => {
  it('joins the arguments into one line tagged with the library name; an Error becomes err', () => {
    const { log, lines } = capture('debug');
    const lib = libraryLogger(log, 'bolt');
    lib.info('socket mode', 'connected', { attempt: 2 });
    lib.error('event handler failed', new Error('boom'));
    const [a, b] = lines();
    expect(a).toMatchObject({ level: 'info', lib: 'bolt', msg: 'socket mode connected {"attempt":2}' });
    expect(b).toMatchObject({ level: 'error', lib: 'bolt', msg: 'event handler failed' });
    expect(b?.err).toMatchObject({ message: 'boom' });
  });

  it('setLevel narrows what the library passes on; setName renames it', () => {
    const { log, lines } = capture('debug');
    const lib = libraryLogger(log, 'bolt');
    expect(lib.getLevel()).toBe('info');
    lib.debug('hidden at info');
    lib.setLevel('warn');
    expect(lib.getLevel()).toBe('warn');
    lib.info('hidden at warn');
    lib.setName('bolt-app');
    lib.warn('shown');
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ lib: 'bolt-app', msg: 'shown', level: 'warn' });
  });

  it("fits @slack/logger's Logger as it is (the type check is the test), levels included", () => {
    const { log, lines } = capture('debug');
    const slack: SlackLogger = libraryLogger<SlackLogLevel>(log, 'bolt');
    slack.warn('rate limited');
    expect(slack.getLevel()).toBe('info');
    expect(lines()[0]).toMatchObject({ lib: 'bolt', msg: 'rate limited' });
  });

  it('our own level still applies under the library level', () => {
    const { log, lines } = capture('warn');
    const lib = libraryLogger(log, 'discord.js', 'debug');
    lib.debug('heartbeat');
    lib.error('gateway closed');
    expect(lines().map((l) => l.msg)).toEqual(['gateway closed']);
  });
});
