/**
 * Keyword-watch query language.
 *
 *   steel tariffs -canada                 words are ANDed; `-` excludes
 *   "export controls" chips               quoted phrase = consecutive words
 *   country:CN AND soybean                fields: title, source, country, instrument
 *   tariffs OR quotas steel               = tariffs OR (quotas AND steel): NOT > AND > OR
 *   (steel OR aluminium) NOT country:CA   parentheses; NOT and `-` are the same
 *
 * Words and phrase words are lower-cased and stemmed with the shared tokeniser, so `tariff` matches
 * `tariffs`. Only upper-case AND, OR, NOT are operators. Lower-case `or`/`not` are rejected as
 * ambiguous; lower-case `and` and other stopwords ("on", "the") are ignored, as search ignores them.
 * Phrases match consecutive content words (stopwords skipped): "trade with china" = "trade china".
 */
import { STOPWORDS, stem, words } from '../text/tokens.ts';
import { lookupCountry } from './countries.ts';
import { lookupInstrument } from './instruments.ts';
import { formatQuery, isPositive, type QueryNode, type TextNode } from './query-ast.ts';
import { col, QueryParseError, type Token, tokenize } from './query-lexer.ts';

export * from './query-ast.ts';
export { QUERY_FIELDS, type QueryField, QueryParseError } from './query-lexer.ts';

/**
 * Bounds on one query. Every story is matched against every watch on every ingest, so a query's
 * size is everyone's cost (a 10,000-term watch slowed every ingest 4–6×).
 */
export const QUERY_LIMITS = {
  /** Characters. */
  maxLength: 500,
  /** Words, phrases and field terms. */
  maxTerms: 40,
  /** Nesting of parentheses and NOT/`-`. */
  maxDepth: 8,
} as const;

/** A parsed piece; `node` is null when it held only stopwords. */
interface Part {
  node: QueryNode | null;
  pos: number;
  raw: string;
}

const STARTS_TERM = new Set(['word', 'phrase', 'field', 'lparen', 'not', 'neg']);
const OP_NAME: Record<string, string> = { and: 'AND', or: 'OR', not: 'NOT', neg: '"-"' };

class Parser {
  private i = 0;
  private depth = 0;
  /** Where each node starts, for errors found after building. */
  readonly at = new Map<QueryNode, number>();

  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.i]!;
  }
  private next(): Token {
    return this.toks[this.i++]!;
  }
  private part(node: QueryNode | null, pos: number, raw: string): Part {
    if (node !== null && !this.at.has(node)) this.at.set(node, pos);
    return { node, pos, raw };
  }
  private expectTermAfter(op: Token): void {
    const t = this.peek();
    if (STARTS_TERM.has(t.type)) return;
    const found = t.type === 'eof' ? '' : ` but found ${t.type === 'rparen' ? '")"' : t.raw}`;
    throw new QueryParseError(
      `Expected a term after ${OP_NAME[op.type]} at column ${col(op.pos)}${found}`,
      op.pos,
    );
  }

  parseOr(): Part {
    const branches = [this.parseAnd()];
    while (this.peek().type === 'or') {
      this.expectTermAfter(this.next());
      branches.push(this.parseAnd());
    }
    if (branches.length === 1) return branches[0]!;
    for (const b of branches) if (b.node === null) throw tooCommon(b);
    return this.part(flatten('or', branches), branches[0]!.pos, '');
  }

  private parseAnd(): Part {
    const parts = [this.parseUnary()];
    for (;;) {
      const t = this.peek();
      if (t.type === 'and') this.expectTermAfter(this.next());
      else if (!STARTS_TERM.has(t.type)) break;
      parts.push(this.parseUnary());
    }
    const kept = parts.filter((p) => p.node !== null);
    if (kept.length === 0) return parts[0]!;
    if (kept.length === 1) return kept[0]!;
    return this.part(flatten('and', kept), parts[0]!.pos, '');
  }

  /** Enters one level of nesting at `t` (a parenthesis or a negation). */
  private deeper(t: Token): void {
    if (++this.depth > QUERY_LIMITS.maxDepth) {
      throw new QueryParseError(
        `Query nested too deeply at column ${col(t.pos)}: at most ${QUERY_LIMITS.maxDepth} levels of parentheses and NOT`,
        t.pos,
        'flatten the query: AND binds tighter than OR, so most parentheses are not needed',
      );
    }
  }

  private parseUnary(): Part {
    const t = this.peek();
    if (t.type !== 'not' && t.type !== 'neg') return this.parsePrimary();
    this.next();
    this.expectTermAfter(t);
    this.deeper(t);
    const inner = this.parseUnary();
    this.depth--;
    if (inner.node === null) throw tooCommon(inner);
    const node: QueryNode = inner.node.kind === 'not' ? inner.node.child : { kind: 'not', child: inner.node };
    return this.part(node, t.pos, '');
  }

  private parsePrimary(): Part {
    const t = this.next();
    switch (t.type) {
      case 'lparen': {
        const first = this.peek().type;
        if (first === 'rparen') throw new QueryParseError(`Empty parentheses at column ${col(t.pos)}`, t.pos);
        if (first === 'eof') throw new QueryParseError(`Unclosed "(" at column ${col(t.pos)}`, t.pos);
        this.deeper(t);
        const inner = this.parseOr();
        this.depth--;
        if (this.next().type !== 'rparen')
          throw new QueryParseError(`Unclosed "(" at column ${col(t.pos)}`, t.pos);
        return inner;
      }
      case 'word':
      case 'phrase':
        return this.part(textNode(t, t.value, 'any', t.type === 'phrase'), t.pos, t.raw);
      case 'field':
        return this.part(fieldNode(t), t.pos, t.raw);
      case 'rparen':
        throw unmatched(t);
      case 'eof':
        throw new QueryParseError(`Expected a term at column ${col(t.pos)}`, t.pos);
      default:
        throw new QueryParseError(`${OP_NAME[t.type]} at column ${col(t.pos)} needs a term before it`, t.pos);
    }
  }

  atEnd(): void {
    const t = this.peek();
    if (t.type === 'rparen') throw unmatched(t);
    if (t.type !== 'eof') throw new QueryParseError(`Unexpected ${t.raw} at column ${col(t.pos)}`, t.pos);
  }
}

function unmatched(t: Token): QueryParseError {
  return new QueryParseError(`Unmatched ")" at column ${col(t.pos)}`, t.pos);
}

function tooCommon(p: Part): QueryParseError {
  return new QueryParseError(
    `${p.raw.startsWith('"') ? p.raw : `"${p.raw}"`} at column ${col(p.pos)} has only common words (stopwords) to match on`,
    p.pos,
    'add a more specific word',
  );
}

function flatten(kind: 'and' | 'or', parts: Part[]): QueryNode {
  const children: QueryNode[] = [];
  for (const p of parts) {
    const n = p.node!;
    if (n.kind === kind) children.push(...n.children);
    else children.push(n);
  }
  return { kind, children };
}

function textNode(t: Token, value: string, scope: 'any' | 'title', quoted: boolean): TextNode | null {
  const ws = words(value);
  if (ws.length === 0) {
    throw new QueryParseError(`${t.raw} at column ${col(t.pos)} has no letters or digits to match on`, t.pos);
  }
  const stems = ws.filter((w) => !STOPWORDS.has(w)).map(stem);
  if (stems.length === 0) return null;
  return { kind: 'text', scope, phrase: quoted || ws.length > 1, stems, display: ws.join(' '), raw: t.raw };
}

function fieldNode(t: Token): QueryNode | null {
  const at = ` at column ${col(t.pos)}`;
  switch (t.field) {
    case 'title':
      return textNode(t, t.value, 'title', t.quoted);
    case 'source': {
      const value = t.value.toLowerCase().replace(/\s+/g, ' ').trim();
      return { kind: 'source', value, raw: t.raw };
    }
    case 'country': {
      const code = lookupCountry(t.value);
      if (code === undefined) {
        throw new QueryParseError(
          `Unknown country "${t.value}"${at}`,
          t.pos,
          'use a name such as "south korea" or an ISO code such as KR',
        );
      }
      return { kind: 'country', code, raw: t.raw };
    }
    default: {
      const instrument = lookupInstrument(t.value);
      if (instrument === undefined) {
        throw new QueryParseError(
          `Unknown instrument "${t.value}"${at} (instruments: tariff, quota, anti-dumping, export-control, sanction, deal, subsidy)`,
          t.pos,
          'quote values with spaces, e.g. instrument:"export controls"',
        );
      }
      return { kind: 'instrument', instrument, raw: t.raw };
    }
  }
}

/** Parses a watch query; throws QueryParseError (code `query/parse`) with the column of the problem. */
export function parseQuery(input: string): QueryNode {
  if (input.length > QUERY_LIMITS.maxLength) {
    throw new QueryParseError(
      `Query is ${input.length.toLocaleString('en-US')} characters; at most ${QUERY_LIMITS.maxLength} are allowed`,
      QUERY_LIMITS.maxLength,
      'split it into several watches',
    );
  }
  const toks = tokenize(input);
  const terms = toks.filter((t) => t.type === 'word' || t.type === 'phrase' || t.type === 'field');
  if (terms.length > QUERY_LIMITS.maxTerms) {
    const extra = terms[QUERY_LIMITS.maxTerms]!;
    throw new QueryParseError(
      `Query has ${terms.length} terms; at most ${QUERY_LIMITS.maxTerms} are allowed (the first one over is at column ${col(extra.pos)})`,
      extra.pos,
      'split it into several watches',
    );
  }
  if (toks.length === 1) {
    throw new QueryParseError(
      'Empty query at column 1: a watch needs at least one term',
      0,
      'e.g. steel tariffs -canada',
    );
  }
  const parser = new Parser(toks);
  const root = parser.parseOr();
  parser.atEnd();
  if (root.node === null) throw tooCommon(root);
  const node = root.node;
  if (!isPositive(node)) {
    const branch = node.kind === 'or' ? node.children.find((c) => !isPositive(c)) : undefined;
    if (branch !== undefined) {
      const pos = parser.at.get(branch) ?? 0;
      throw new QueryParseError(
        `OR branch at column ${col(pos)} only excludes (${formatQuery(branch)}): each branch needs a positive term`,
        pos,
      );
    }
    throw new QueryParseError(
      `Only exclusions at column ${col(root.pos)}: a watch needs at least one positive term`,
      root.pos,
      'e.g. tariffs -canada',
    );
  }
  return node;
}
