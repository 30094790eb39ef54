import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describePlatformConformance, type SentMessage } from '../../conformance/platform.ts';

/** The console channel: lines in `<data-dir>/channels/<name>.jsonl`; its inbound side is POST /console/commands. */
describePlatformConformance('console', async () => {
  let dataDir = '';
  return {
    env: {},
    channel: 'console:conformance',
    async sent(channel) {
      // The suite's app owns the data dir; the console file is the wire.
      const file = join(dataDir, 'channels', `${channel.slice('console:'.length)}.jsonl`);
      let raw = '';
      try {
        raw = readFileSync(file, 'utf8');
      } catch {
        return [];
      }
      return raw
        .split('\n')
        .filter(Boolean)
        .map((l): SentMessage => {
          const line = JSON.parse(l) as { text: string };
          return { text: line.text, raw: line };
        });
    },
    // A file on disk notifies nobody.
    pings: () => [],
    attach(app) {
      dataDir = app.config.dataDir;
    },
    async command({ baseUrl }, channel, text) {
      const res = await fetch(`${baseUrl}/console/commands`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel, text, user: 'tester' }),
      });
      const body = (await res.json()) as { text: string };
      return body.text;
    },
    async close() {},
  };
});
