import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHtml } from '../../../src/ingest/parse-html.ts';
import { type InputRecord, readInputs } from '../../../src/ingest/read-inputs.ts';
import { MAX_SOURCE_CHARS, MAX_TITLE_CHARS, validateArticle } from '../../../src/ingest/validate.ts';

let tmp: string;
const tp = (name: string): string => path.join(tmp, name);
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'tradewire-hostile-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function collect(paths: string[], opts: Parameters<typeof readInputs>[1] = {}): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for await (const item of readInputs(paths, opts)) out.push(item);
  return out;
}
const codes = (items: InputRecord[]) => items.map((i) => ('error' in i ? i.error.code : 'ok'));
const good = (n: number) =>
  JSON.stringify({ title: `Steel duty ${n}`, body: `Canada raised steel duties ${n}.` });

describe('hostile input is bounded and rejected per record', () => {
  it('a record whose published is a 10,000-deep array rejects only itself', async () => {
    const deep = `{"body":"Tariffs rose.","published":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    writeFileSync(tp('deep.jsonl'), [good(1), deep, good(2)].join('\n'));
    const items = await collect([tp('deep.jsonl')]);
    expect(codes(items)).toEqual(['ok', 'ingest/bad-date', 'ok']);
    // The same inside a .json array.
    writeFileSync(tp('deep.json'), `[${good(1)},${deep},${good(2)}]`);
    expect(codes(await collect([tp('deep.json')]))).toEqual(['ok', 'ingest/bad-date', 'ok']);
  });

  it('a NUL byte rejects its JSON Lines record only, and the good lines are read', async () => {
    writeFileSync(tp('nul.jsonl'), `${good(1)}\n{"body":"bad\u0000line"}\n${good(2)}\n`);
    const items = await collect([tp('nul.jsonl')]);
    expect(codes(items)).toEqual(['ok', 'ingest/binary', 'ok']);
    // A file that really is binary is still rejected whole.
    writeFileSync(tp('bin.jsonl'), Buffer.alloc(4096, 0));
    expect(codes(await collect([tp('bin.jsonl')]))).toEqual(['ingest/binary']);
  });

  it('titles and sources are cut with "…", long URLs rejected', () => {
    const huge = 'tariff '.repeat(700_000); // ~5 MB
    const a = validateArticle({ title: huge, source: huge, body: 'Steel duties rose.' }, 'x');
    expect(a.title!.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
    expect(a.title!.endsWith('…')).toBe(true);
    expect(a.source!.length).toBeLessThanOrEqual(MAX_SOURCE_CHARS);
    expect(() =>
      validateArticle({ url: `https://example.com/${'a'.repeat(5_000_000)}`, body: 'x y' }, 'x'),
    ).toThrow(expect.objectContaining({ code: 'ingest/oversize' }));
  });

  it('deeply nested and very large HTML is read in bounded time with its text', () => {
    const p = '<p>Canada raised duties on steel imports from three countries on Tuesday, officials said.</p>';
    for (const depth of [1_000, 100_000]) {
      const html = `<html><head><title>Steel</title></head><body>${'<div>'.repeat(depth)}${p}${'</div>'.repeat(depth)}</body></html>`;
      expect(parseHtml(html).body).toContain('Canada raised duties on steel');
    }
    const wide = `<html><body>${'<div><span>x</span></div>'.repeat(20_000)}${p}</body></html>`;
    expect(parseHtml(wide).body).toContain('Canada raised duties');
    const tooMany = `<html><body>${'<b>x</b>'.repeat(200_001)}</body></html>`;
    expect(() => parseHtml(tooMany)).toThrow(expect.objectContaining({ code: 'ingest/too-complex' }));
  });

  it('devices are refused and a FIFO with no writer is rejected after the open timeout', async () => {
    const fifo = tp('pipe.jsonl');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const items = await collect(['/dev/zero', fifo], { openTimeoutMs: 300 });
    expect(codes(items)).toEqual(['ingest/unsupported', 'ingest/unreadable']);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
