import { describe, expect, it } from 'vitest';
import { isTradewireError } from '../../../src/errors.ts';
import { formatQuery, parseQuery, type QueryNode, QueryParseError } from '../../../src/watch/query.ts';

/** Compact tree shape: stems for text, `&` / `|` / `!` for operators. */
function shape(node: QueryNode): string {
  switch (node.kind) {
    case 'text':
      return `${node.scope === 'title' ? 'title:' : ''}${node.phrase ? `"${node.stems.join(' ')}"` : node.stems[0]}`;
    case 'source':
      return `source:${node.value}`;
    case 'country':
      return `country:${node.code}`;
    case 'instrument':
      return `instrument:${node.instrument}`;
    case 'not':
      return `!${shape(node.child)}`;
    case 'and':
      return `(${node.children.map(shape).join(' & ')})`;
    case 'or':
      return `(${node.children.map(shape).join(' | ')})`;
  }
}
const parsed = (q: string): string => shape(parseQuery(q));

function parseError(q: string): QueryParseError {
  try {
    parseQuery(q);
  } catch (err) {
    if (err instanceof QueryParseError) return err;
    throw err;
  }
  throw new Error(`expected ${q} to fail`);
}

describe('parseQuery: terms', () => {
  it('lower-cases and stems words like search does', () => {
    expect(parsed('Tariffs')).toBe('tariff');
    expect(parsed('sanctioned')).toBe('sanction');
    expect(parseQuery('Tariffs')).toMatchObject({ kind: 'text', raw: 'Tariffs', display: 'tariffs' });
  });

  it('stems phrases per word', () => {
    expect(parsed('"export controls" chips')).toBe('("export control" & chip)');
  });

  it('drops stopwords, including lower-case "and"', () => {
    expect(parsed('tariffs on steel and aluminium')).toBe('(tariff & steel & aluminium)');
    expect(parsed('"trade with china"')).toBe('"trade china"');
  });

  it('keeps hyphenated words whole and splits joined words into a phrase', () => {
    expect(parsed('anti-dumping')).toBe('anti-dumping');
    expect(parsed('u.s./china')).toBe('"u.s china"');
  });
});

describe('parseQuery: operators', () => {
  it('gives AND precedence over OR: a OR b c = a OR (b AND c)', () => {
    expect(parsed('steel OR aluminium tariffs')).toBe('(steel | (aluminium & tariff))');
    expect(parsed('steel OR aluminium AND tariffs')).toBe(parsed('steel OR (aluminium tariffs)'));
  });

  it('gives NOT precedence over AND', () => {
    expect(parsed('NOT canada steel')).toBe('(!canada & steel)');
    expect(parsed('steel OR NOT canada tariffs')).toBe('(steel | (!canada & tariff))');
  });

  it('treats implicit and explicit AND alike and flattens', () => {
    expect(parsed('steel AND tariffs AND wheat')).toBe(parsed('steel tariffs wheat'));
    expect(parsed('steel (tariffs wheat)')).toBe('(steel & tariff & wheat)');
  });

  it('honours parentheses', () => {
    expect(parsed('(steel OR aluminium) tariffs')).toBe('((steel | aluminium) & tariff)');
  });

  it('negates words, phrases, fields and groups with - or NOT', () => {
    expect(parsed('steel tariffs -canada')).toBe('(steel & tariff & !canada)');
    expect(parsed('tariffs -"trade deficit"')).toBe('(tariff & !"trade deficit")');
    expect(parsed('tariffs -country:CA')).toBe('(tariff & !country:CA)');
    expect(parsed('tariffs -(canada OR mexico)')).toBe(parsed('tariffs NOT (canada OR mexico)'));
    expect(parsed('NOT NOT steel')).toBe('steel');
  });

  it('only treats upper-case operators as operators', () => {
    expect(parseError('steel or aluminium').message).toMatch(/"or" at column 7 .*write OR/);
    expect(parseError('tariffs not canada').column).toBe(9);
  });
});

describe('parseQuery: fields', () => {
  it('resolves countries to ISO codes', () => {
    const code = (q: string) => parsed(`country:${q}`);
    expect(code('CN')).toBe('country:CN');
    expect(code('china')).toBe('country:CN');
    expect(code('"united states"')).toBe('country:US');
    expect(code('us')).toBe('country:US');
    expect(code('U.S.')).toBe('country:US');
    expect(code('uk')).toBe('country:GB');
    expect(code('eu')).toBe('country:EU');
    expect(code('"South Korea"')).toBe('country:KR');
    expect(code('BT')).toBe('country:BT');
  });

  it('resolves instruments, plurals and synonyms', () => {
    const inst = (q: string) => parsed(`instrument:${q}`);
    expect(inst('tariff')).toBe('instrument:tariff');
    expect(inst('duties')).toBe('instrument:tariff');
    expect(inst('sanctions')).toBe('instrument:sanction');
    expect(inst('export-controls')).toBe('instrument:export-control');
    expect(inst('"export controls"')).toBe('instrument:export-control');
    expect(inst('antidumping')).toBe('instrument:anti-dumping');
    expect(inst('subsidies')).toBe('instrument:subsidy');
    expect(inst('quotas')).toBe('instrument:quota');
    expect(inst('deals')).toBe('instrument:deal');
  });

  it('parses title and source fields', () => {
    expect(parsed('title:Tariffs')).toBe('title:tariff');
    expect(parsed('title:"steel tariffs"')).toBe('title:"steel tariff"');
    expect(parsed('source:Xinhua')).toBe('source:xinhua');
    expect(parsed('source:"Financial  Times"')).toBe('source:financial times');
  });

  it('parses the worked examples', () => {
    expect(formatQuery(parseQuery('steel tariffs -canada'))).toBe('steel tariffs -canada');
    expect(formatQuery(parseQuery('"export controls" chips'))).toBe('"export controls" chips');
    expect(parsed('country:CN AND soybean')).toBe('(country:CN & soybean)');
  });
});

describe('formatQuery', () => {
  const cases = [
    ['country:china AND Soybeans', 'country:CN soybeans'],
    ['steel OR aluminium tariffs', 'steel OR aluminium tariffs'],
    ['(steel OR aluminium) tariffs -"Trade Deficit"', '(steel OR aluminium) tariffs -"trade deficit"'],
    ['NOT (canada OR mexico) tariffs', '-(canada OR mexico) tariffs'],
    [
      'title:"Steel Tariffs" source:"Financial Times" instrument:duties',
      'title:"steel tariffs" source:"financial times" instrument:tariff',
    ],
  ] as const;
  it.each(cases)('%s → %s', (input, canonical) => {
    expect(formatQuery(parseQuery(input))).toBe(canonical);
    expect(formatQuery(parseQuery(canonical))).toBe(canonical);
    expect(shape(parseQuery(canonical))).toBe(shape(parseQuery(input)));
  });
});

describe('parseQuery: errors', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['', 1, /^Empty query/],
    ['   ', 1, /^Empty query/],
    ['china "steel tariffs', 7, /^Unclosed quote at column 7: "steel tariffs$/],
    ['tariffs AND', 9, /^Expected a term after AND at column 9$/],
    ['tariffs OR )', 9, /^Expected a term after OR at column 9 but found "\)"$/],
    ['steel -', 7, /^Dangling "-" at column 7/],
    [
      'contry:CN steel',
      1,
      /^Unknown field "contry" at column 1 \(fields: title, source, country, instrument\)$/,
    ],
    ['steel tariffs canada) x', 21, /^Unmatched "\)" at column 21$/],
    ['steel (tariffs', 7, /^Unclosed "\(" at column 7$/],
    ['steel ()', 7, /^Empty parentheses at column 7$/],
    ['OR steel', 1, /^OR at column 1 needs a term before it$/],
    ['steel country:narnia', 7, /^Unknown country "narnia" at column 7$/],
    ['instrument:widgets', 1, /^Unknown instrument "widgets" at column 1/],
    ['steel title:', 7, /^Expected a value after "title:" at column 7$/],
    ['-canada', 1, /a watch needs at least one positive term/],
    ['-canada NOT "trade deficit"', 1, /a watch needs at least one positive term/],
    ['steel OR -canada', 10, /^OR branch at column 10 only excludes \(-canada\)/],
    ['the', 1, /^"the" at column 1 has only common words/],
    ['steel -the', 8, /^"the" at column 8 has only common words/],
    ['steel OR "of the"', 10, /^"of the" at column 10 has only common words/],
    ['steel &', 7, /^& at column 7 has no letters or digits/],
  ];
  it.each(cases)('%j fails at column %i', (query, column, message) => {
    const err = parseError(query);
    expect(err.message).toMatch(message);
    expect(err.column).toBe(column);
    expect(err.position).toBe(column - 1);
    expect(err.code).toBe('query/parse');
    expect(isTradewireError(err, 'query/parse')).toBe(true);
    expect(err.message).not.toContain('\n');
  });
});
