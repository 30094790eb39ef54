import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TradewireError } from '../../../src/errors.ts';
import { parseHtml } from '../../../src/ingest/parse-html.ts';
import { type InputRecord, type Kind, readSource } from '../../../src/ingest/read-source.ts';

/** Fixed seed, bounded runs: the same cases every time, within the unit-test budget. */
const RUNS = { seed: 20261203, numRuns: 150 } as const;

async function all(kind: Kind | undefined, bytes: Buffer): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  async function* source(): AsyncGenerator<Buffer> {
    // Split in two chunks so line splitting across chunk boundaries is exercised too.
    const cut = Math.floor(bytes.length / 2);
    yield bytes.subarray(0, cut);
    yield bytes.subarray(cut);
  }
  try {
    for await (const item of readSource('in', source(), kind)) out.push(item);
  } catch (err) {
    // Whole-source failures are coded; anything else is a bug.
    if (!(err instanceof TradewireError)) throw err;
    out.push({ input: 'in', error: err });
  }
  return out;
}

const deepArray = fc.integer({ min: 1, max: 20_000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`);
const fieldValue = fc.oneof(
  fc.jsonValue({ depthSize: 'medium' }).map((v) => JSON.stringify(v)),
  deepArray,
  fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s)),
);
const record = fc
  .record(
    {
      body: fieldValue,
      title: fieldValue,
      published: fieldValue,
      url: fieldValue,
      source: fieldValue,
    },
    { requiredKeys: [] },
  )
  .map(
    (r) =>
      `{${Object.entries(r)
        .map(([k, v]) => `"${k}":${v}`)
        .join(',')}}`,
  );
const line = fc.oneof(
  record,
  fc.string({ maxLength: 60 }),
  fc.constant('{}'),
  fc.constant('\u0000{"body":"x"}'),
);

describe('ingest parsers never throw past the per-record boundary', () => {
  it('JSON Lines: every non-blank line is one record or one coded rejection', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 12 }), async (lines) => {
        const text = lines.join('\n');
        const items = await all('jsonl', Buffer.from(text));
        for (const item of items) if ('error' in item) expect(item.error).toBeInstanceOf(TradewireError);
        const nonBlank = text.split('\n').filter((l) => l.replace(/[ \t\r]/g, '') !== '').length;
        // One item per non-blank line (or one rejection for the whole source: empty or binary).
        if (items.length !== 1 || !('error' in items[0]!) || items[0].input !== 'in') {
          expect(items).toHaveLength(nonBlank);
        }
      }),
      RUNS,
    );
  });

  it('JSON documents, seed text and sniffed input: records or coded rejections only', async () => {
    const doc = fc.oneof(
      fc.array(record, { maxLength: 8 }).map((rs) => `[${rs.join(',')}]`),
      record,
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    await fc.assert(
      fc.asyncProperty(
        doc,
        fc.constantFrom<Kind | undefined>('json', 'text', undefined),
        async (text, kind) => {
          const items = await all(kind, Buffer.from(text));
          expect(items.length).toBeGreaterThan(0);
          for (const item of items) if ('error' in item) expect(item.error).toBeInstanceOf(TradewireError);
        },
      ),
      RUNS,
    );
  });

  it('HTML: random nesting gives an article or a coded rejection', () => {
    const tags = ['div', 'p', 'span', 'article', 'section', 'nav', 'li', 'ul', 'b', 'script', 'table', 'td'];
    type Tree = { tag: string; kids: Array<Tree | string> } | string;
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.lorem({ maxCount: 12 }),
        fc.record({ tag: fc.constantFrom(...tags), kids: fc.array(tie('tree'), { maxLength: 4 }) }),
      ),
    }));
    const render = (t: Tree): string =>
      typeof t === 'string' ? t : `<${t.tag}>${t.kids.map(render).join('')}</${t.tag}>`;
    const page = fc.oneof(
      tree.map((t) => `<html><body>${render(t)}</body></html>`),
      fc
        .integer({ min: 1, max: 3_000 })
        .map((d) => `<body>${'<div>'.repeat(d)}Steel duties rose.${'</section>'.repeat(d)}`),
      fc.string({ maxLength: 200 }).map((s) => `<${s}`),
    );
    fc.assert(
      fc.property(page, (html) => {
        try {
          const a = parseHtml(html);
          expect(typeof a.body).toBe('string');
        } catch (err) {
          expect(err).toBeInstanceOf(TradewireError);
        }
      }),
      { seed: RUNS.seed, numRuns: 60 },
    );
  });
});
