import { describe, expect, it } from 'vitest';
import { isTradewireError } from '../../../src/errors.ts';
import { canonicalUrl } from '../../../src/ingest/canonical-url.ts';
import { decodeText, MAX_BODY_BYTES, parsePublished, validateArticle } from '../../../src/ingest/validate.ts';
import { thrown } from '../../helpers/errors.ts';

describe('decodeText', () => {
  it('decodes UTF-8 and strips a byte-order mark', () => {
    const buf = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('Zölle auf Stahl — 25%', 'utf8'),
    ]);
    expect(decodeText(buf, 'a.txt')).toBe('Zölle auf Stahl — 25%');
  });

  it('rejects empty and whitespace-only input', () => {
    expect(thrown(() => decodeText(Buffer.alloc(0), 'a.txt')).code).toBe('ingest/empty');
    expect(thrown(() => decodeText(Buffer.from(' \n\t\n'), 'a.txt')).code).toBe('ingest/empty');
  });

  it('rejects NUL bytes and control-character noise as binary', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    expect(thrown(() => decodeText(png, 'chart.txt')).code).toBe('ingest/binary');
    const noisy = Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41)));
    const err = thrown(() => decodeText(noisy, 'x.txt'));
    expect(err.code).toBe('ingest/binary');
    expect(err.message).toMatch(/control characters/);
  });

  it('rejects invalid UTF-8 and names the byte', () => {
    const latin1 = Buffer.from('Tariffs on cr\xe8me br\xfbl\xe9e', 'latin1');
    const err = thrown(() => decodeText(latin1, 'menu.txt'));
    expect(err.code).toBe('ingest/not-utf8');
    expect(err.message).toBe('invalid UTF-8 at or after byte 13');
    expect(err.hint).toContain('menu.txt');
  });

  it('reports UTF-16 as not UTF-8 rather than binary', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('tariff', 'utf16le')]);
    expect(thrown(() => decodeText(utf16, 'w.txt')).code).toBe('ingest/not-utf8');
  });
});

describe('parsePublished', () => {
  it.each([
    ['2019-11-26', '2019-11-26T00:00:00.000Z'],
    ['2019-11-26T15:01:01', '2019-11-26T15:01:01.000Z'],
    ['2019-11-26 15:01', '2019-11-26T15:01:00.000Z'],
    ['2024-03-05T09:15:00+01:00', '2024-03-05T08:15:00.000Z'],
    ['2024-03-05T09:15:00.123456-0530', '2024-03-05T14:45:00.123Z'],
    ['Mon, 24 Feb 2025 08:00:00 GMT', '2025-02-24T08:00:00.000Z'],
    ['Tue, 26 Nov 2019 10:00:00 -0500', '2019-11-26T15:00:00.000Z'],
    ['November 26, 2019', '2019-11-26T00:00:00.000Z'],
    ['26-MAR-1987 10:00:00.00', '1987-03-26T10:00:00.000Z'],
  ])('reads %s as UTC', (text, iso) => {
    expect(parsePublished(text)).toBe(iso);
  });

  it("does not depend on the machine's time zone", () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(parsePublished('1987-02-26T15:01:01')).toBe('1987-02-26T15:01:01.000Z');
      expect(parsePublished('26 Nov 2019 10:00')).toBe('2019-11-26T10:00:00.000Z');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it.each(['next Tuesday', '2019-02-30', '2019-11-26T25:00', '31-MAR-1987 605:12:19.12', '12', ''])(
    'rejects %j',
    (text) => {
      expect(parsePublished(text)).toBeUndefined();
    },
  );
});

describe('validateArticle', () => {
  it('normalises every field', () => {
    const out = validateArticle(
      {
        url: ' HTTPS://Example.com:443/trade/story/?utm_source=x&b=2&a=1#comments ',
        source: '  Example\n Wire ',
        title: '  EU imposes\n  duties   on e-bikes ',
        published: '2019-11-26',
        body: '\r\n  First paragraph,\r\nhard-wrapped.\r\n\r\n\r\nSecond\u0003 paragraph.  \n',
      },
      'a.json',
    );
    expect(out).toEqual({
      url: 'https://example.com/trade/story?a=1&b=2',
      source: 'Example Wire',
      title: 'EU imposes duties on e-bikes',
      published: '2019-11-26T00:00:00.000Z',
      body: 'First paragraph, hard-wrapped.\n\nSecond paragraph.',
    });
  });

  it('splits wire-style indented paragraphs', () => {
    const out = validateArticle(
      { body: 'The Senate voted to tighten\nrules.\n    The bill goes to the House.' },
      'r',
    );
    expect(out.body).toBe('The Senate voted to tighten rules.\n\nThe bill goes to the House.');
  });

  it('rejects a record with a title but no text, with or without a body field', () => {
    for (const rec of [
      { title: 'U.S. EXTENDS TARIFF EXCLUSIONS', body: '  ' },
      { title: 'x', body: '' },
    ]) {
      const err = thrown(() => validateArticle(rec, 'r'));
      expect(err.code).toBe('ingest/no-text');
      expect(err.message).toBe('no article text: the body is empty');
    }
  });

  it('drops empty optional fields', () => {
    const out = validateArticle({ title: ' ', source: '', url: '  ', published: ' ', body: 'Text.' }, 'r');
    expect(out).toEqual({ body: 'Text.' });
  });

  it('rejects an article with neither title nor body', () => {
    const err = thrown(() => validateArticle({ title: '\n', body: ' \n\n ' }, 'r'));
    expect(err.code).toBe('ingest/no-text');
    expect(err.message).toBe('no article text: body and title are both empty');
  });

  it('rejects a body over MAX_BODY_BYTES, counted in UTF-8 bytes', () => {
    expect(MAX_BODY_BYTES).toBe(2 * 1024 * 1024);
    const justFits = 'é'.repeat(MAX_BODY_BYTES / 2);
    expect(validateArticle({ body: justFits }, 'r').body).toHaveLength(MAX_BODY_BYTES / 2);
    const err = thrown(() => validateArticle({ body: `${justFits}x` }, 'big.txt'));
    expect(err.code).toBe('ingest/oversize');
    expect(err.message).toBe('body is 2.0 MB, over the 2.0 MB limit');
    expect(thrown(() => validateArticle({ body: 'x'.repeat(9 * 1024 * 1024) }, 'r')).code).toBe(
      'ingest/oversize',
    );
  });

  it('rejects a date that does not parse', () => {
    const err = thrown(() => validateArticle({ body: 'Text.', published: 'next Tuesday-ish' }, 'r'));
    expect(err.code).toBe('ingest/bad-date');
    expect(err.message).toBe('published is not a date: "next Tuesday-ish"');
  });

  it('rejects URLs that are not http(s)', () => {
    for (const url of [
      'ftp://files.example.org/a.txt',
      'javascript:alert(1)',
      'www.example.com/a',
      'https://',
    ]) {
      const err = thrown(() => validateArticle({ body: 'Text.', url }, 'r'));
      expect(err.code, url).toBe('ingest/bad-record');
      expect(err.message).toMatch(/^url /);
      expect(err.message).not.toContain('\n');
    }
  });
});

describe('canonicalUrl', () => {
  it.each([
    ['HTTP://WWW.Example.COM:80/a/b/', 'http://www.example.com/a/b'],
    ['https://example.com:443/', 'https://example.com/'],
    ['https://example.com', 'https://example.com/'],
    ['https://example.com:8443/x', 'https://example.com:8443/x'],
    ['https://example.com/a?z=1&a=2&a=1#frag', 'https://example.com/a?a=2&a=1&z=1'],
    [
      'https://example.com/a?utm_source=rss&UTM_Medium=email&fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ref=home&id=7',
      'https://example.com/a?id=7',
    ],
    ['https://example.com/a/?utm_campaign=x', 'https://example.com/a'],
    ['https://example.com/a?', 'https://example.com/a'],
    ['https://example.com/Path/Case', 'https://example.com/Path/Case'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalUrl(input)).toBe(expected);
  });

  it('throws ingest/bad-record for a non-URL', () => {
    expect(
      isTradewireError(
        thrown(() => canonicalUrl('not a url')),
        'ingest/bad-record',
      ),
    ).toBe(true);
  });
});
