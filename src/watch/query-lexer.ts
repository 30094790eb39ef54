import { TradewireError } from '../errors.ts';

/** Query parse error with the 1-based column of the problem (`position` is the 0-based offset). */
export class QueryParseError extends TradewireError {
  readonly column: number;
  readonly position: number;

  constructor(message: string, position: number, hint?: string) {
    super('query/parse', message, hint === undefined ? {} : { hint });
    this.name = 'QueryParseError';
    this.position = position;
    this.column = position + 1;
  }
}

export const QUERY_FIELDS = ['title', 'source', 'country', 'instrument'] as const;
export type QueryField = (typeof QUERY_FIELDS)[number];

export type TokenType =
  | 'lparen'
  | 'rparen'
  | 'and'
  | 'or'
  | 'not'
  | 'neg'
  | 'word'
  | 'phrase'
  | 'field'
  | 'eof';

export interface Token {
  type: TokenType;
  /** 0-based offset of the token's first character. */
  pos: number;
  /** The token as written (`-` and quotes included). */
  raw: string;
  /** Word text, phrase contents (without quotes) or field value. */
  value: string;
  /** For `field` tokens. */
  field: QueryField | null;
  /** For `field` tokens: the value was quoted. */
  quoted: boolean;
}

const OPEN_QUOTES = new Set(['"', '“', '”']);
const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
const endsWord = (c: string | undefined): boolean =>
  c === undefined || isSpace(c) || c === '(' || c === ')' || OPEN_QUOTES.has(c);

/** Column for messages. */
export const col = (pos: number): number => pos + 1;

function readQuoted(input: string, start: number): { value: string; end: number } {
  let i = start + 1;
  while (i < input.length && !OPEN_QUOTES.has(input[i]!)) i++;
  if (i >= input.length) {
    throw new QueryParseError(
      `Unclosed quote at column ${col(start)}: ${input.slice(start).trimEnd()}`,
      start,
      'close the phrase with a second "',
    );
  }
  const value = input.slice(start + 1, i).trim();
  if (value === '') throw new QueryParseError(`Empty quotes at column ${col(start)}`, start);
  return { value, end: i + 1 };
}

export function tokenize(input: string): Token[] {
  const out: Token[] = [];
  const push = (type: TokenType, pos: number, end: number, value = '', field: QueryField | null = null) =>
    out.push({ type, pos, raw: input.slice(pos, end), value, field, quoted: false });
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (isSpace(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      push(c === '(' ? 'lparen' : 'rparen', i, i + 1);
      i++;
    } else if (c === '-') {
      const next = input[i + 1];
      if (next === undefined || isSpace(next) || next === ')') {
        throw new QueryParseError(
          `Dangling "-" at column ${col(i)}: put what to exclude right after it, e.g. -canada`,
          i,
        );
      }
      push('neg', i, i + 1);
      i++;
    } else if (OPEN_QUOTES.has(c)) {
      const q = readQuoted(input, i);
      push('phrase', i, q.end, q.value);
      i = q.end;
    } else {
      let j = i;
      while (!endsWord(input[j])) j++;
      i = lexWord(input, i, j, out);
    }
  }
  out.push({ type: 'eof', pos: input.length, raw: '', value: '', field: null, quoted: false });
  return out;
}

/** Lexes the bare word input[start, end): operator, field or word. Returns where lexing continues. */
function lexWord(input: string, start: number, end: number, out: Token[]): number {
  const word = input.slice(start, end);
  const base = { pos: start, raw: word, value: word, field: null, quoted: false };
  if (word === 'AND' || word === 'OR' || word === 'NOT') {
    out.push({ ...base, type: word === 'AND' ? 'and' : word === 'OR' ? 'or' : 'not' });
    return end;
  }
  const lower = word.toLowerCase();
  if (lower === 'or' || lower === 'not') {
    throw new QueryParseError(
      `"${word}" at column ${col(start)} is ambiguous: write ${lower.toUpperCase()} for the operator`,
      start,
      'operators are AND, OR and NOT in capitals; lower-case "and" is ignored',
    );
  }
  const m = /^([A-Za-z]+):(.*)$/s.exec(word);
  if (m === null) {
    out.push({ ...base, type: 'word' });
    return end;
  }
  const name = m[1]!.toLowerCase();
  if (!(QUERY_FIELDS as readonly string[]).includes(name)) {
    throw new QueryParseError(
      `Unknown field "${m[1]}" at column ${col(start)} (fields: ${QUERY_FIELDS.join(', ')})`,
      start,
    );
  }
  const field = name as QueryField;
  if (m[2] !== '') {
    out.push({ ...base, type: 'field', value: m[2]!, field });
    return end;
  }
  if (end < input.length && OPEN_QUOTES.has(input[end]!)) {
    const q = readQuoted(input, end);
    out.push({ ...base, type: 'field', raw: input.slice(start, q.end), value: q.value, field, quoted: true });
    return q.end;
  }
  throw new QueryParseError(
    `Expected a value after "${m[1]}:" at column ${col(start)}`,
    start,
    `e.g. ${name}:${EXAMPLES[field]}`,
  );
}

const EXAMPLES: Record<QueryField, string> = {
  title: 'steel or title:"export controls"',
  source: 'xinhua',
  country: 'CN or country:"united states"',
  instrument: 'tariff',
};
