import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InputRecord, readInputs } from '../../../src/ingest/read-inputs.ts';
import { MAX_BODY_BYTES } from '../../../src/ingest/validate.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fx = (name: string): string => path.join(repoRoot, 'test/fixtures/ingest', name);

let tmp: string;
const tp = (name: string): string => path.join(tmp, name);

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'tradewire-ingest-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

async function collect(paths: string[], opts: Parameters<typeof readInputs>[1] = {}): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for await (const item of readInputs(paths, opts)) out.push(item);
  return out;
}

/** `input → code` for rejections, `input → ok` for records: a compact view of a run. */
function outline(items: InputRecord[], root = ''): string[] {
  return items.map((i) => `${i.input.replace(root, '')} → ${'error' in i ? i.error.code : 'ok'}`);
}

const stdinOf = (text: string | Buffer): Readable => Readable.from([Buffer.from(text)]);

describe('readInputs: files', () => {
  it('reads each format and rejects bad records one by one, in order', async () => {
    const items = await collect([
      fx('seed-tariffs.txt'),
      fx('wire.jsonl'),
      fx('batch.json'),
      fx('article.html'),
    ]);
    expect(outline(items, `${path.dirname(fx('x'))}/`)).toEqual([
      'seed-tariffs.txt → ok',
      'wire.jsonl:1 → ok',
      'wire.jsonl:2 → ok',
      'wire.jsonl:4 → ingest/no-text',
      'wire.jsonl:5 → ingest/bad-json',
      'wire.jsonl:6 → ingest/no-text',
      'wire.jsonl:7 → ingest/bad-date',
      'wire.jsonl:8 → ingest/bad-record',
      'wire.jsonl:9 → ok',
      'batch.json:#1 → ok',
      'batch.json:#2 → ingest/bad-record',
      'batch.json:#3 → ok',
      'article.html → ok',
    ]);
    const records = items.flatMap((i) => ('record' in i ? [i.record] : []));
    expect(records[1]).toMatchObject({
      url: 'https://www.example-wire.com/trade/eu-ebike-duties?id=42',
      source: 'Example Wire',
      published: '2024-03-05T08:15:00.000Z',
    });
    expect(records[2]).toMatchObject({ url: 'https://tradedesk.example.org/asia/japan-chip-controls' });
    expect(records[3]?.published).toBe('1987-03-02T09:45:12.000Z');
    expect(records[3]?.source).toBeUndefined();
    expect(records[3]?.body).toBe(
      'The Senate voted to tighten rules on unfair trade practices, officials said.\n\nThe bill now goes to the House.',
    );
    expect(records[4]?.url).toBe('https://news.example.com/markets/australia-china-barley');
    expect(records[5]?.published).toBe('2025-02-24T08:00:00.000Z');
    for (const item of items) if ('error' in item) expect(item.error.message).not.toContain('\n');
  });

  it('rejects missing, unsupported, empty, binary, non-UTF-8 and oversize files', async () => {
    writeFileSync(tp('notes.md'), '# Notes\n');
    writeFileSync(tp('empty.txt'), '');
    writeFileSync(
      tp('chart.txt'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49]),
    );
    writeFileSync(tp('latin1.txt'), Buffer.from(' date 2024-01-02 Zölle auf Stahl steigen.', 'latin1'));
    writeFileSync(tp('huge.txt'), `date 2024-01-02 ${'Steel tariffs rose again. '.repeat(90_000)}`);
    writeFileSync(tp('huge.json'), JSON.stringify({ title: 'Big', body: 'Quota. '.repeat(400_000) }));
    const items = await collect(
      ['missing.txt', 'notes.md', 'empty.txt', 'chart.txt', 'latin1.txt', 'huge.txt', 'huge.json'].map(tp),
    );
    expect(outline(items, `${tmp}/`)).toEqual([
      'missing.txt → ingest/unreadable',
      'notes.md → ingest/unsupported',
      'empty.txt → ingest/empty',
      'chart.txt → ingest/binary',
      'latin1.txt → ingest/not-utf8',
      'huge.txt → ingest/oversize',
      'huge.json → ingest/oversize',
    ]);
    const messages = items.map((i) => ('error' in i ? i.error.message : ''));
    expect(messages[0]).toBe('no such file');
    expect(messages[1]).toBe('unsupported file type ".md"');
    expect(messages[4]).toBe('invalid UTF-8 at or after byte 18');
    expect(messages[5]).toBe('body is 2.2 MB, over the 2.0 MB limit');
  });

  it('walks directories recursively in sorted order, skipping hidden entries', async () => {
    const dir = tp('tree');
    mkdirSync(path.join(dir, 'b-sub', 'deeper'), { recursive: true });
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, 'c.txt'), 'Third.');
    writeFileSync(path.join(dir, 'a.txt'), 'First.');
    writeFileSync(path.join(dir, 'b-sub', 'deeper', 'z.jsonl'), '{"body": "Second."}\n');
    writeFileSync(path.join(dir, 'b-sub', 'photo.png'), Buffer.from([0x89, 0x50]));
    writeFileSync(path.join(dir, '.DS_Store'), Buffer.from([0, 0, 0, 1]));
    writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const items = await collect([dir]);
    expect(outline(items, `${dir}/`)).toEqual([
      'a.txt → ok',
      'b-sub/deeper/z.jsonl:1 → ok',
      'b-sub/photo.png → ingest/unsupported',
      'c.txt → ok',
    ]);
  });

  it('keeps going after bad lines: invalid UTF-8, oversize bodies, overlong lines', async () => {
    const lines = [
      Buffer.from('{"title": "Before", "body": "Fine."}\n'),
      Buffer.concat([Buffer.from('{"body": "caf'), Buffer.from([0xe9]), Buffer.from('"}\r\n')]),
      Buffer.from(`${JSON.stringify({ body: 'x'.repeat(MAX_BODY_BYTES + 1) })}\n`),
      Buffer.from(`{"body": "${'y'.repeat(17 * 1024 * 1024)}"}\n`),
      Buffer.from('{"title": "After", "body": "Also fine."}'), // no trailing newline
    ];
    writeFileSync(tp('mixed.jsonl'), Buffer.concat(lines));
    const items = await collect([tp('mixed.jsonl')]);
    expect(outline(items, `${tmp}/`)).toEqual([
      'mixed.jsonl:1 → ok',
      'mixed.jsonl:2 → ingest/not-utf8',
      'mixed.jsonl:3 → ingest/oversize',
      'mixed.jsonl:4 → ingest/oversize',
      'mixed.jsonl:5 → ok',
    ]);
    const overlong = items[3];
    expect(overlong && 'error' in overlong ? overlong.error.message : '').toBe(
      'line is 17.0 MB, over the 16.0 MB limit',
    );
  });

  it('reads a .json file that holds JSON Lines line by line', async () => {
    writeFileSync(
      tp('export.json'),
      '{"title": "One", "body": "A."}\n{"title": 2}\n{"title": "Three", "body": "C."}\n',
    );
    writeFileSync(tp('broken.json'), '{\n  "title": "Cut off",\n');
    expect(outline(await collect([tp('export.json'), tp('broken.json')]), `${tmp}/`)).toEqual([
      'export.json:1 → ok',
      'export.json:2 → ingest/bad-record',
      'export.json:3 → ok',
      'broken.json → ingest/bad-json',
    ]);
  });

  it('rejects a binary file with a .jsonl name once, not line by line', async () => {
    writeFileSync(tp('dump.jsonl'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x0a, 0x00, 0x00, 0x0a, 0x41]));
    expect(outline(await collect([tp('dump.jsonl')]), `${tmp}/`)).toEqual(['dump.jsonl → ingest/binary']);
  });

  it('streams JSON Lines: reading the first record does not read the whole file', async () => {
    const record = `${JSON.stringify({ title: 'Tariff update', body: 'Duties unchanged. '.repeat(20) })}\n`;
    writeFileSync(tp('big.jsonl'), record.repeat(20_000)); // ~8 MB
    const size = statSync(tp('big.jsonl')).size;
    let latest: [number, number] = [0, 0];
    let atFirstRecord: [number, number] | undefined;
    for await (const item of readInputs([tp('big.jsonl')], { onProgress: (d, t) => (latest = [d, t]) })) {
      expect('record' in item).toBe(true);
      atFirstRecord = latest;
      break;
    }
    expect(atFirstRecord?.[1]).toBe(size);
    expect(atFirstRecord?.[0]).toBeLessThan(size / 4);
    // Abandoning the file early still accounts for all of its bytes.
    expect(latest).toEqual([size, size]);
  });

  it('reports progress up to the total bytes of all files', async () => {
    const paths = [fx('seed-tariffs.txt'), fx('wire.jsonl'), fx('batch.json'), tp('missing.txt')];
    const total = paths.slice(0, 3).reduce((sum, p) => sum + statSync(p).size, 0);
    const seen: Array<[number, number]> = [];
    await collect(paths, { onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.at(-1)).toEqual([total, total]);
    for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThan(seen[i - 1]![0]);
  });
});

describe('readInputs: stdin', () => {
  const fromStdin = async (text: string | Buffer): Promise<InputRecord[]> =>
    collect(['-'], { stdin: stdinOf(text) });

  it('sniffs JSON Lines and names lines stdin:N', async () => {
    const items = await fromStdin(
      '\n{"title": "A", "body": "One."}\n{"body": \n{"title": "C", "text": "Three."}\n',
    );
    expect(outline(items)).toEqual(['stdin:2 → ok', 'stdin:3 → ingest/bad-json', 'stdin:4 → ok']);
  });

  it('sniffs a JSON array and a pretty-printed JSON object', async () => {
    expect(outline(await fromStdin('[{"body": "One."}, {"body": 5}]'))).toEqual([
      'stdin:#1 → ok',
      'stdin:#2 → ingest/bad-record',
    ]);
    const pretty = await fromStdin('{\n  "title": "Pretty",\n  "body": "Printed."\n}\n');
    expect(pretty).toEqual([{ input: 'stdin', record: { title: 'Pretty', body: 'Printed.' } }]);
  });

  it('treats JSON Lines with a broken first line as JSON Lines', async () => {
    expect(outline(await fromStdin('{"body": "cut\n{"body": "Whole."}\n'))).toEqual([
      'stdin:1 → ingest/bad-json',
      'stdin:2 → ok',
    ]);
  });

  it('sniffs HTML and seed text', async () => {
    const html = await fromStdin(readFileSync(fx('article.html')));
    expect(html).toHaveLength(1);
    expect(html[0] && 'record' in html[0] ? html[0].record.title : '').toBe(
      'U.S. and EU agree to pause steel tariff dispute',
    );
    const seed = await fromStdin(' date 2019-11-26 The U.S. and China are close to a deal.');
    expect(seed).toEqual([
      {
        input: 'stdin',
        record: { published: '2019-11-26T00:00:00.000Z', body: 'The U.S. and China are close to a deal.' },
      },
    ]);
  });

  it('rejects empty and binary stdin', async () => {
    expect(outline(await fromStdin(' \n'))).toEqual(['stdin → ingest/empty']);
    expect(outline(await fromStdin(Buffer.from([0x7b, 0x00, 0x01, 0x02])))).toEqual([
      'stdin → ingest/binary',
    ]);
  });
});
